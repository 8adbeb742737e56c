// The one way the client talks to the gateway: POST /graphql with the session's token, the
// renewed token taken from X-TMIS-Token, an expired or voided session sent back to login.
import type { TypedDocumentString } from '@/gql/graphql'
import { t } from '@/messages'
import { reached } from '@/offline'

export interface UserError { code: string; message: string; field?: string | null }

const TOKEN_KEY = 'tmis.token'
type ExpiryListener = () => void
let onExpired: ExpiryListener = () => {}

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY)
}

export function setToken(value: string | null): void {
  if (value) localStorage.setItem(TOKEN_KEY, value)
  else localStorage.removeItem(TOKEN_KEY)
}

/** Called once by the session: what to do when the gateway no longer knows our token. */
export function whenExpired(listener: ExpiryListener): void {
  onExpired = listener
}

export class ApiError extends Error {
  constructor(message: string, readonly code: string) {
    super(message)
  }
}

function unauthenticated(data: Record<string, unknown> | null, errors: { extensions?: { code?: string } }[]): boolean {
  if (errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return true
  return Object.values(data ?? {}).some((payload) => {
    const found = (payload as { userErrors?: UserError[] } | null)?.userErrors
    return Array.isArray(found) && found.some((e) => e.code === 'UNAUTHENTICATED')
  })
}

/** The operation as sent: its hash (Apollo's persisted query, in the build's trusted manifest) when
 *  it has one, else, or when the gateway does not know the hash, its document. */
function operation(document: TypedDocumentString<any, any>, variables: unknown, byHash: boolean): string {
  const hash = byHash ? hashOf(document) : undefined
  if (hash) return JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })
  return JSON.stringify({ query: document.toString(), variables })
}

function hashOf(document: TypedDocumentString<any, any>): string | undefined {
  return (document.__meta__?.hash as string | undefined)?.replace(/^sha256:/, '')
}

/** Sent by hash first; sent again with the document when the gateway does not know the hash (development). */
async function persisted<R>(document: TypedDocumentString<any, any>, sendAs: (byHash: boolean) => Promise<R>): Promise<R> {
  if (!hashOf(document)) return sendAs(false)
  try {
    return await sendAs(true)
  } catch (err) {
    if (err instanceof ApiError && err.code === 'PERSISTED_QUERY_NOT_FOUND') return sendAs(false)
    throw err
  }
}

export async function request<R, V>(document: TypedDocumentString<R, V>, ...[variables]: V extends Record<string, never> ? [] | [V] : [V]): Promise<R> {
  const json = { 'content-type': 'application/json' }
  return persisted(document, (byHash) => send<R>(operation(document, variables ?? {}, byHash), { ...json }))
}

/** A mutation with files, by the GraphQL multipart request spec: each file goes under its variable name. */
export async function upload<R, V>(document: TypedDocumentString<R, V>, variables: V, files: Record<string, File>): Promise<R> {
  const names = Object.keys(files)
  return persisted(document, (byHash) => {
    const form = new FormData()
    form.append('operations', operation(document, { ...variables, ...Object.fromEntries(names.map((n) => [n, null])) }, byHash))
    form.append('map', JSON.stringify(Object.fromEntries(names.map((n, i) => [String(i), [`variables.${n}`]]))))
    names.forEach((n, i) => form.append(String(i), files[n], files[n].name))
    return send<R>(form, {})
  })
}

async function send<R>(body: BodyInit, headers: Record<string, string>): Promise<R> {
  const sent = token()
  if (sent) headers.authorization = `Bearer ${sent}`
  let reply: Response
  try {
    reply = await fetch('/graphql', { method: 'POST', headers, body })
  } catch {
    reached(false)
    throw new ApiError(t.network, 'NETWORK')
  }
  reached(true)
  const renewed = reply.headers.get('x-tmis-token')
  if (renewed && sent && token() === sent) setToken(renewed)
  if (!reply.ok) throw new ApiError(t.serverError, `HTTP_${reply.status}`)
  const result = (await reply.json()) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] }
  const errors = result.errors ?? []
  if (sent && unauthenticated(result.data as Record<string, unknown> | null, errors)) {
    onExpired()
    throw new ApiError(t.sessionExpired, 'UNAUTHENTICATED')
  }
  if (errors.length) throw new ApiError(errors[0].message, errors[0].extensions?.code ?? 'ERROR')
  return result.data as R
}
