// Code tables (codeTable), loaded once per table and kept for the page's life. The tables asked
// for in one task (every field of a form as it mounts) come in one request, one alias each: a
// round trip, not one per table, on a county line.
import { request } from '@/api/client'
import type { CodeTableQuery, TypedDocumentString } from '@/gql/graphql'

export type Code = CodeTableQuery['codeTable'][number]
const tables = new Map<string, Promise<Code[]>>()
let waiting: string[] = []
let next: Promise<Record<string, Code[]>> | null = null

function fetchAll(names: string[]): Promise<Record<string, Code[]>> {
  const params = names.map((_, i) => `$n${i}: String!`).join(', ')
  const fields = names.map((_, i) => `t${i}: codeTable(name: $n${i}) { code name parent }`).join(' ')
  const document = { toString: () => `query CodeTables(${params}) { ${fields} }` } as unknown as TypedDocumentString<Record<string, Code[]>, Record<string, string>>
  return request(document, Object.fromEntries(names.map((n, i) => [`n${i}`, n])))
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
    found = next.then((all) => all[`t${i}`])
    found.catch(() => tables.delete(name))
    tables.set(name, found)
  }
  return found
}
