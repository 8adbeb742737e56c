// Who is logged in: the token (in localStorage, renewed by the client) and the `me` account. The
// account as last known is kept beside the token, so a page's first request (the teacher's record)
// starts on opening, while `me` is asked again (router.ts).
import { reactive } from 'vue'
import { ApiError, request, setToken, token } from '@/api/client'
import { MeDocument, type MeFieldsFragment } from '@/gql/graphql'
import { t } from '@/messages'

export const session = reactive<{ me: MeFieldsFragment | null; loaded: boolean; notice: string }>({ me: null, loaded: false, notice: '' })
const ME_KEY = 'tmis.me'

/** The account as last known on this device, while its token is kept (null when none). */
export function rememberedMe(): MeFieldsFragment | null {
  try {
    return token() ? (JSON.parse(localStorage.getItem(ME_KEY) ?? 'null') as MeFieldsFragment | null) : null
  } catch {
    return null
  }
}

function remember(me: MeFieldsFragment | null): void {
  if (me) localStorage.setItem(ME_KEY, JSON.stringify(me))
  else localStorage.removeItem(ME_KEY)
}

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
    else remember(session.me)
  }
  session.loaded = true
  return session.me
}

export function signIn(newToken: string, me: MeFieldsFragment): void {
  setToken(newToken)
  remember(me)
  session.me = me
  session.loaded = true
  session.notice = ''
}

export function signOut(notice = ''): void {
  setToken(null)
  remember(null)
  session.me = null
  session.notice = notice
}
