// Trees the views draw: code tables with parents as cascader options, schools under an org.
import type { Code } from '@/codes'

export interface Option { value: string; label: string; children?: Option[] }

export function codeTree(codes: readonly Code[]): Option[] {
  const byParent = new Map<string, Code[]>()
  for (const c of codes) byParent.set(c.parent ?? '', [...(byParent.get(c.parent ?? '') ?? []), c])
  const build = (parent: string): Option[] =>
    (byParent.get(parent) ?? []).map((c) => {
      const children = build(c.code)
      return children.length ? { value: c.code, label: c.name, children } : { value: c.code, label: c.name }
    })
  return build('')
}

export interface OrgNode { code: string; name: string; level: string; children?: OrgNode[] | null }

export function schoolsOf(org: OrgNode | null | undefined): OrgNode[] {
  if (!org) return []
  if (org.level === 'SCHOOL') return [org]
  return (org.children ?? []).flatMap(schoolsOf)
}
