// The sets of a record as the editor lists them. Typed by the schema's InfoSet: a set the schema
// drops breaks the build; the set's fields always come from fieldDefinitions.
import type { EntryFieldsFragment, FieldDefFragment, InfoSet, RecordDefinitionsQuery, TeacherRecordFragment } from '@/gql/graphql'
import { setKey } from '@/format'

export interface SetInfo { set: Exclude<InfoSet, 'BASIC'>; key: string; label: string; schoolOnly?: boolean; single?: boolean }

const LABELS: Record<Exclude<InfoSet, 'BASIC'>, string> = {
  EDUCATION: '学习经历',
  WORK: '工作经历',
  POST_APPOINTMENT: '岗位聘任',
  TITLE_APPOINTMENT: '专业技术职务聘任',
  SALARY: '基本待遇',
  ASSESSMENT: '年度考核',
  QUALIFICATION: '教师资格',
  ETHICS: '师德信息',
  TEACHING: '教育教学',
  RESEARCH: '教学科研成果及获奖',
  TALENT_PROGRAM: '入选人才项目',
  TRAINING: '国内培训',
  OVERSEAS_STUDY: '海外研修(访学)',
  SKILL: '技能及证书',
  EXCHANGE: '交流轮岗',
  CONTACT: '联系方式',
}
const SCHOOL_ONLY = new Set<string>(['SALARY', 'ASSESSMENT'])

export const SETS: SetInfo[] = (Object.keys(LABELS) as SetInfo['set'][]).map((set) => ({
  set,
  key: setKey(set),
  label: LABELS[set],
  schoolOnly: SCHOOL_ONLY.has(set),
  single: set === 'CONTACT',
}))

export function entriesOf(record: TeacherRecordFragment, key: string): EntryFieldsFragment[] {
  return (record as unknown as Record<string, EntryFieldsFragment[] | undefined>)[key] ?? []
}

export function definitionsOf(defs: RecordDefinitionsQuery, key: string): FieldDefFragment[] {
  return (defs as unknown as Record<string, FieldDefFragment[] | undefined>)[key] ?? []
}

/** What the input may send: empty values left out, numbers as numbers. */
export function payload(fields: readonly FieldDefFragment[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    const v = values[f.key]
    if (f.derived || v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue
    out[f.key] = ['int', 'year', 'decimal'].includes(f.type) && typeof v === 'string' ? Number(v) : v
  }
  return out
}

/** Required fields left empty, worded as the server words them, so nothing is sent half-filled. */
export function missingRequired(fields: readonly FieldDefFragment[], values: Record<string, unknown>): Record<string, string> {
  const given = payload(fields, values)
  return Object.fromEntries(fields.filter((f) => f.required && !f.derived && !(f.key in given)).map((f) => [f.key, `请填写${f.label}`]))
}
