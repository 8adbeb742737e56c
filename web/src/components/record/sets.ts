// The sets of a record as the editor lists them, from the registry (infoSets: label, who fills it),
// in its order; the set's fields always come from fieldDefinitions.
import type { EntryFieldsFragment, FieldDefFragment, InfoSet, RecordDefinitionsFragment, SchoolType, TeacherRecordFragment } from '@/gql/graphql'
import { changePath, setKey } from '@/format'
import { t } from '@/messages'

/** A record, and the definitions of the school type they were asked for with (when they came with it). */
export interface Loaded { teacher: TeacherRecordFragment | null; defs?: RecordDefinitionsFragment; schoolType?: SchoolType }

export interface SetInfo { set: Exclude<InfoSet, 'BASIC'>; key: string; label: string; schoolOnly: boolean; single: boolean }

/** The entry sets the record page shows: those the definitions were asked for (plugin sets have no form yet). */
export function setsOf(defs: RecordDefinitionsFragment): SetInfo[] {
  return defs.sets
    .filter((s) => s.set !== 'BASIC' && setKey(s.set) in defs)
    .map((s) => ({ set: s.set as SetInfo['set'], key: setKey(s.set), label: s.label, schoolOnly: s.schoolOnly, single: s.single }))
}

export function entriesOf(record: TeacherRecordFragment, key: string): EntryFieldsFragment[] {
  return (record as unknown as Record<string, EntryFieldsFragment[] | undefined>)[key] ?? []
}

export function definitionsOf(defs: RecordDefinitionsFragment, key: string): FieldDefFragment[] {
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

/** A change's path in words, from the definitions: 基本信息 · 民族, 学习经历 · 毕业年月. */
export function changeLabel(defs: RecordDefinitionsFragment | null, path: string): string {
  const { set, field } = changePath(path)
  const setLabel = set === 'basic' ? t.record.basic : (defs && setsOf(defs).find((s) => s.key === set)?.label) || path
  const fieldLabel = field && defs ? definitionsOf(defs, set).find((f) => f.key === field)?.label ?? field : field
  return [setLabel, fieldLabel].filter(Boolean).join(' · ')
}
