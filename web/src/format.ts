// Pure helpers the views share: password rules, field paths, set keys, shown values. Unit-tested.
import { t } from '@/messages'

export interface Rule { key: keyof typeof t.rules; ok: boolean }

const SPECIAL = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'

/** The national password policy, evaluated live as the user types (the server has the last word). */
export function passwordRules(password: string, username: string): Rule[] {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/].filter((re) => re.test(password)).length + ([...password].some((c) => SPECIAL.includes(c)) ? 1 : 0)
  const charset = [...password].every((c) => /[A-Za-z0-9]/.test(c) || SPECIAL.includes(c))
  return [
    { key: 'length', ok: password.length >= 8 && password.length <= 16 },
    { key: 'charset', ok: password.length > 0 && charset },
    { key: 'classes', ok: classes >= 3 },
    { key: 'username', ok: password.length > 0 && !(username && password.toLowerCase().includes(username.toLowerCase())) },
  ]
}

/** `basic.idNumber`, `entry.education.endMonth` -> the field key the error belongs beside. */
export function fieldKey(path: string | null | undefined): string {
  if (!path) return ''
  const parts = path.replace(/\[[^\]]*\]/g, '').split('.')
  return parts[parts.length - 1]
}

/** InfoSet enum value -> the camelCase key used in paths and completeness (POST_APPOINTMENT -> postAppointment). */
export function setKey(set: string): string {
  return set.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
}

/** Inverse of setKey. */
export function setEnum(key: string): string {
  return key.replace(/([A-Z])/g, '_$1').toUpperCase()
}

export interface CodeValue { code: string; name: string }

function isCode(value: unknown): value is CodeValue {
  return typeof value === 'object' && value !== null && 'code' in value && 'name' in value
}

/** A stored value as a person reads it: codes by name, months YYYY-MM, booleans 是/否. */
export function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  if (Array.isArray(value)) return value.map(shown).filter(Boolean).join('、')
  if (isCode(value)) return value.name
  if (typeof value === 'boolean') return value ? t.yes : t.no
  if (typeof value === 'string' && /^\d{4}-\d{2}(-\d{2})?$/.test(value)) return value.slice(0, 7)
  return String(value)
}

/** A stored value as an input holds it: codes by their code. */
export function editable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(editable)
  if (isCode(value)) return value.code
  return value
}

/** The key a record error is shown beside (`basic.x`, `entry.set.x` -> x); '' for the form. */
export function recordField(path: string): string {
  return path.startsWith('basic.') || path.startsWith('entry.') ? fieldKey(path) : ''
}

/** A change's path (basic.<field>, entry.<set>[<id>], entry.<set>[<id>].<field>) as its set key
 * ('basic' for 基本信息) and field key ('' when a whole entry was added or removed). */
export function changePath(path: string): { set: string; field: string } {
  if (path.startsWith('basic.')) return { set: 'basic', field: fieldKey(path) }
  const [, set = '', field = ''] = /^entry\.([^.[]*)(?:\[[^\]]*\])?\.?(.*)$/.exec(path) ?? []
  return { set, field }
}

/** A change's old or new value (JSON) as a person reads it; a whole entry as its values. */
export function changeValue(value: string | null | undefined): string {
  if (value === null || value === undefined) return t.none
  try {
    const v: unknown = JSON.parse(value)
    const text = typeof v === 'object' && v !== null && !Array.isArray(v) && !('code' in v) ? Object.values(v).map(shown).filter(Boolean).join('，') : shown(v)
    return text || t.none
  } catch {
    return value
  }
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** A 居民身份证号码 (GB 11643) as the server reads it (tmis/idcard.py): its birth date and gender
 * code (1 男, 2 女), or why it is not valid; null while it is not 18 characters yet. */
export function idCard(number: string): { birthDate: string; gender: string } | { error: string } | null {
  const value = number.trim().toUpperCase()
  if (value.length !== 18) return null
  if (!/^\d{17}[\dX]$/.test(value)) return { error: '居民身份证号码前17位应为数字，最后一位为数字或X' }
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(value[i]), 0)
  if ('10X98765432'[sum % 11] !== value[17]) return { error: '居民身份证号码校验位不正确' }
  const [y, m, d] = [value.slice(6, 10), value.slice(10, 12), value.slice(12, 14)]
  const birth = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  if (birth.getUTCFullYear() !== Number(y) || birth.getUTCMonth() !== Number(m) - 1 || birth.getUTCDate() !== Number(d)) return { error: '居民身份证号码中的出生日期不存在' }
  if (birth.getTime() > Date.now()) return { error: '居民身份证号码中的出生日期晚于今天' }
  return { birthDate: `${y}-${m}-${d}`, gender: Number(value[16]) % 2 ? '1' : '2' }
}

/** What the server would say about 身份证件号, 出生日期 and 性别 of 居民身份证 (the same words). */
export function identityErrors(values: Record<string, unknown>): Record<string, string> {
  if (values.idType !== '1' || typeof values.idNumber !== 'string' || !values.idNumber) return {}
  const found = idCard(values.idNumber) ?? { error: '居民身份证号码应为18位' }
  if ('error' in found) return { idNumber: found.error }
  const errors: Record<string, string> = {}
  if (values.birthDate && values.birthDate !== found.birthDate) errors.birthDate = '出生日期与身份证件号中的出生日期不一致'
  if (values.gender && values.gender !== found.gender) errors.gender = '性别与身份证件号不一致（第17位奇数为男，偶数为女）'
  return errors
}
