// The menu and its routes in one list: a feature is one view (with its .graphql beside it) and
// one entry here. A role starts at its first entry (the reviewer at its queue). A feature may ask for
// what its view shows first as soon as the account is known (prefetch), while the view's scripts load.
import type { Component } from 'vue'
import type { MeFieldsFragment } from '@/gql/graphql'
import { t } from '@/messages'
import { prefetchMine } from '@/pages/teacher/mine'

export interface Feature {
  path: string
  label: string
  roles: string[]
  view: () => Promise<{ default: Component }>
  menu?: boolean
  prefetch?: (me: MeFieldsFragment) => void
}

export const features: Feature[] = [
  { path: '/me', label: t.menu.myRecord, roles: ['TEACHER'], view: () => import('@/pages/teacher/MyRecordPage.vue'), prefetch: (me) => prefetchMine(me.org.schoolType ?? 'PRIMARY_SECONDARY') },
  { path: '/review', label: t.menu.review, roles: ['REVIEWER'], view: () => import('@/pages/review/ReviewQueuePage.vue') },
  { path: '/review/movements', label: t.menu.movementReview, roles: ['REVIEWER'], view: () => import('@/pages/review/MovementQueuePage.vue') },
  { path: '/teachers', label: t.menu.teachers, roles: ['DATA_ENTRY', 'QUERY', 'REVIEWER'], view: () => import('@/pages/entry/TeacherListPage.vue') },
  { path: '/teachers/new', label: t.menu.newTeacher, roles: ['DATA_ENTRY'], view: () => import('@/pages/entry/NewTeacherPage.vue') },
  { path: '/teachers/:id', label: t.menu.teachers, roles: ['DATA_ENTRY', 'QUERY', 'REVIEWER'], view: () => import('@/pages/entry/TeacherPage.vue'), menu: false },
  { path: '/import', label: t.menu.importExport, roles: ['DATA_ENTRY'], view: () => import('@/pages/entry/ImportPage.vue') },
  { path: '/movements', label: t.menu.movements, roles: ['DATA_ENTRY'], view: () => import('@/pages/entry/MovementsPage.vue') },
  { path: '/photos', label: t.menu.photos, roles: ['DATA_ENTRY'], view: () => import('@/pages/entry/PhotosPage.vue') },
  { path: '/review/:id', label: t.menu.review, roles: ['REVIEWER'], view: () => import('@/pages/review/ReviewRecordPage.vue'), menu: false },
  { path: '/stats', label: t.menu.stats, roles: ['QUERY', 'REVIEWER', 'DATA_ENTRY'], view: () => import('@/pages/query/StatsPage.vue') },
  { path: '/flows', label: t.menu.flows, roles: ['QUERY'], view: () => import('@/pages/query/FlowsPage.vue') },
  { path: '/admin/orgs', label: t.menu.orgs, roles: ['SYSTEM_ADMIN'], view: () => import('@/pages/admin/OrgsPage.vue') },
  { path: '/admin/accounts', label: t.menu.accounts, roles: ['SYSTEM_ADMIN'], view: () => import('@/pages/admin/AccountsPage.vue') },
  { path: '/admin/teacher-accounts', label: t.menu.teacherAccounts, roles: ['SYSTEM_ADMIN'], view: () => import('@/pages/admin/TeacherAccountsPage.vue') },
]

export function featuresFor(roles: readonly string[]): Feature[] {
  return features.filter((f) => f.roles.some((r) => roles.includes(r)))
}
