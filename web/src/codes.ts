// Code tables (codeTables), loaded once per table and kept for the page's life. The tables asked
// for in one task (every field of a form as it mounts) come in one request: a round trip, not one
// per table, on a county line. One fixed operation, so it is in the trusted manifest.
import { request } from '@/api/client'
import { CodeTablesDocument, type CodeTablesQuery } from '@/gql/graphql'

export type Code = CodeTablesQuery['codeTables'][number][number]
const tables = new Map<string, Promise<Code[]>>()
let waiting: string[] = []
let next: Promise<Code[][]> | null = null

async function fetchAll(names: string[]): Promise<Code[][]> {
  return (await request(CodeTablesDocument, { names })).codeTables
}

export function codeTable(name: string): Promise<Code[]> {
  let found = tables.get(name)
  if (!found) {
    const i = waiting.push(name) - 1
    next ??= Promise.resolve().then(() => {
      const names = waiting
      waiting = []
      next = null
      return fetchAll(names)
    })
    found = next.then((all) => all[i])
    found.catch(() => tables.delete(name))
    tables.set(name, found)
  }
  return found
}

const names = new WeakMap<Code[], Map<string, string>>()

/** A table's names by code: one map per table, shared by every field that shows it. */
export function namesOf(codes: Code[]): Map<string, string> {
  let found = names.get(codes)
  if (!found) names.set(codes, (found = new Map(codes.map((c) => [c.code, c.name]))))
  return found
}

/** Asks for the code tables of these fields, in one request (a form's, before its fields mount). */
export function codeTables(fields: readonly { codeTable?: string | null }[]): void {
  for (const name of new Set(fields.map((f) => f.codeTable))) if (name) void codeTable(name).catch(() => undefined)
}
