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
