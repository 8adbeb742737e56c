// The teacher's own record and the definitions of its form, in one request, asked for as soon as the
// account is known (or remembered on this device): the router starts it (the feature's `prefetch`)
// while the page's scripts still load, and the page takes the answer when it mounts.
import { request } from '@/api/client'
import { MyRecordDocument, type MyRecordQuery, type SchoolType } from '@/gql/graphql'

const FRESH_MS = 10_000 // an answer asked for longer ago is not taken: the navigation may have gone elsewhere meanwhile
let asked: { at: number; schoolType: SchoolType; answer: Promise<MyRecordQuery> } | null = null

function fresh(schoolType: SchoolType): boolean {
  return asked !== null && asked.schoolType === schoolType && Date.now() - asked.at < FRESH_MS
}

/** Asks for it, unless it is being asked for already. */
export function prefetchMine(schoolType: SchoolType): void {
  if (fresh(schoolType)) return
  asked = { at: Date.now(), schoolType, answer: request(MyRecordDocument, { schoolType }) }
  asked.answer.catch(() => undefined) // the page that takes it sees the failure
}

/** The answer asked for beforehand (taken once), or a new request. */
export function mine(schoolType: SchoolType): Promise<MyRecordQuery> {
  const found = fresh(schoolType) ? asked!.answer : null
  asked = null
  return found ?? request(MyRecordDocument, { schoolType })
}
