// Routes from features.ts; the guard sends visitors to login (then back) and first logins to
// the password change.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { token, whenExpired } from '@/api/client'
import { features, featuresFor } from '@/features'
import { t } from '@/messages'
import LoginPage from '@/pages/common/LoginPage.vue'
import { loadMe, session, signOut } from '@/session'

const children: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('@/pages/common/HomePage.vue') },
  { path: 'password', name: 'password', component: () => import('@/pages/common/ChangePasswordPage.vue') },
  ...features.map((f) => ({ path: f.path.slice(1), component: f.view, meta: { roles: f.roles, label: f.label } })),
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
  const me = session.loaded ? session.me : await loadMe()
  if (!me && token() && !session.loaded) return true // offline: the frame shows, with the notice, until the network is back
  if (!me) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  if (me.mustChangePassword && to.name !== 'password') return { name: 'password', query: { redirect: to.fullPath } }
  const roles = to.meta.roles as string[] | undefined
  if (roles && !roles.some((r) => me.roles.includes(r as never))) return { name: 'home' }
  return true
})

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
