// Routes from features.ts; the guard sends visitors to login (then back) and first logins to
// the password change. While it asks who is signed in, the route's views are already being fetched,
// and a feature's prefetch starts as soon as the account may open it: on opening for the account last
// known on this device, else once `me` answers.
import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { token, whenExpired } from '@/api/client'
import { features, featuresFor, type Feature } from '@/features'
import type { MeFieldsFragment } from '@/gql/graphql'
import { t } from '@/messages'
import LoginPage from '@/pages/common/LoginPage.vue'
import { loadMe, rememberedMe, session, signOut } from '@/session'

const children: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('@/pages/common/HomePage.vue') },
  { path: 'password', name: 'password', component: () => import('@/pages/common/ChangePasswordPage.vue') },
  ...features.map((f) => ({ path: f.path.slice(1), component: f.view, meta: { roles: f.roles, label: f.label, prefetch: f.prefetch } })),
]

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true } }, // in the entry: no round trip before a visitor's first paint
    { path: '/retrieve', name: 'retrieve', component: () => import('@/pages/common/RetrievePage.vue'), meta: { public: true } },
    // the theme's specimen, for tests/web/test_web_theme.py: every button, link and tag in every state
    { path: '/theme', component: () => import('@/pages/common/ThemePage.vue'), meta: { public: true } },
    { path: '/', component: () => import('@/layout/AppLayout.vue'), children },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const known = session.loaded ? null : rememberedMe()
  if (!session.loaded) views(to)
  if (known && !known.mustChangePassword && allowed(to, known)) prefetch(to, known) // asked again below: the same request is taken
  const me = session.loaded ? session.me : await loadMe()
  if (!me && token() && !session.loaded) return true // offline: the frame shows, with the notice, until the network is back
  if (!me) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  if (me.mustChangePassword && to.name !== 'password') return { name: 'password', query: { redirect: to.fullPath } }
  if (!allowed(to, me)) return { name: 'home' }
  prefetch(to, me)
  return true
})

function allowed(to: RouteLocationNormalized, me: MeFieldsFragment): boolean {
  const roles = to.meta.roles as string[] | undefined
  return !roles || roles.some((r) => me.roles.includes(r as never))
}

function prefetch(to: RouteLocationNormalized, me: MeFieldsFragment): void {
  ;(to.meta.prefetch as Feature['prefetch'])?.(me)
}

/** Starts fetching a route's lazily loaded views (the router loads them once the guard lets it through). */
function views(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    for (const view of Object.values(record.components ?? {})) {
      if (typeof view === 'function' && !('props' in view) && !('__vccOpts' in view)) void (view as () => Promise<unknown>)().catch(() => undefined)
    }
  }
}

whenExpired(() => {
  const here = router.currentRoute.value
  signOut(t.sessionExpired)
  if (!here.meta.public) void router.push({ name: 'login', query: { redirect: here.fullPath } })
})

/** Where a role starts: its first menu entry. */
export function homeOf(roles: readonly string[]): string {
  const entries = featuresFor(roles).filter((f) => f.menu !== false)
  return entries[0]?.path ?? '/password'
}
