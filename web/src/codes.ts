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
