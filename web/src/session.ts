// Who is logged in: the token (in localStorage, renewed by the client) and the `me` account.
import { reactive } from 'vue'
import { ApiError, request, setToken, token } from '@/api/client'
import { MeDocument, type MeFieldsFragment } from '@/gql/graphql'
import { t } from '@/messages'

export const session = reactive<{ me: MeFieldsFragment | null; loaded: boolean; notice: string }>({ me: null, loaded: false, notice: '' })

export function hasRole(role: string): boolean {
  return session.me?.roles.includes(role as never) ?? false
}

export async function loadMe(): Promise<MeFieldsFragment | null> {
  if (!token()) {
    session.me = null
  } else {
    try {
      session.me = (await request(MeDocument)).me ?? null
    } catch (err) {
      session.me = null
      if (err instanceof ApiError && err.code === 'NETWORK') return null // offline: the token stays, asked again later
    }
    if (!session.me) signOut(t.sessionExpired) // a token the gateway no longer accepts
  }
  session.loaded = true
  return session.me
}

export function signIn(newToken: string, me: MeFieldsFragment): void {
  setToken(newToken)
  session.me = me
  session.loaded = true
  session.notice = ''
}

export function signOut(notice = ''): void {
  setToken(null)
  session.me = null
  session.notice = notice
}
