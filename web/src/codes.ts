// Code tables (codeTable), loaded once per table and kept for the page's life.
import { request } from '@/api/client'
import { CodeTableDocument, type CodeTableQuery } from '@/gql/graphql'

export type Code = CodeTableQuery['codeTable'][number]
const tables = new Map<string, Promise<Code[]>>()

export function codeTable(name: string): Promise<Code[]> {
  let found = tables.get(name)
  if (!found) {
    found = request(CodeTableDocument, { name }).then((r) => r.codeTable)
    found.catch(() => tables.delete(name))
    tables.set(name, found)
  }
  return found
}
