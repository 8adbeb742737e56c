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
  const sent = token()
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (sent) headers.authorization = `Bearer ${sent}`
  let reply: Response
  try {
    reply = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }) })
  } catch {
    throw new ApiError(t.network, 'NETWORK')
  }
  const renewed = reply.headers.get('x-tmis-token')
  if (renewed && sent && token() === sent) setToken(renewed)
  if (!reply.ok) throw new ApiError(t.serverError, `HTTP_${reply.status}`)
  const body = (await reply.json()) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] }
  const errors = body.errors ?? []
  if (sent && unauthenticated(body.data as Record<string, unknown> | null, errors)) {
    onExpired()
    throw new ApiError(t.sessionExpired, 'UNAUTHENTICATED')
  }
  if (errors.length) throw new ApiError(errors[0].message, errors[0].extensions?.code ?? 'ERROR')
  return body.data as R
}
