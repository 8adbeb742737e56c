// The one way the client talks to the gateway: POST /graphql with the session's token, the
// renewed token taken from X-TMIS-Token, an expired or voided session sent back to login.
import type { TypedDocumentString } from '@/gql/graphql'
import { t } from '@/messages'

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

export async function request<R, V>(document: TypedDocumentString<R, V>, ...[variables]: V extends Record<string, never> ? [] | [V] : [V]): Promise<R> {
  return send<R>(JSON.stringify({ query: document.toString(), variables: variables ?? {} }), { 'content-type': 'application/json' })
}

/** A mutation with files, by the GraphQL multipart request spec: each file goes under its variable name. */
export async function upload<R, V>(document: TypedDocumentString<R, V>, variables: V, files: Record<string, File>): Promise<R> {
  const form = new FormData()
  const names = Object.keys(files)
  form.append('operations', JSON.stringify({ query: document.toString(), variables: { ...variables, ...Object.fromEntries(names.map((n) => [n, null])) } }))
  form.append('map', JSON.stringify(Object.fromEntries(names.map((n, i) => [String(i), [`variables.${n}`]]))))
  names.forEach((n, i) => form.append(String(i), files[n], files[n].name))
  return send<R>(form, {})
}

async function send<R>(body: BodyInit, headers: Record<string, string>): Promise<R> {
  const sent = token()
  if (sent) headers.authorization = `Bearer ${sent}`
  let reply: Response
  try {
    reply = await fetch('/graphql', { method: 'POST', headers, body })
  } catch {
    throw new ApiError(t.network, 'NETWORK')
  }
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
