// The codes a field offers while another field decides (fieldDefinitions' `within`: 岗位等级 within
// 岗位类别, 学位名称 within 学位层次, 任教课程 within 任教学段): the same rule the server checks.
export interface Within { field: string; subtrees: boolean; choices: { value: string; codes: string[] }[] }
interface Coded { code: string; parent?: string | null }

/** The codes that fit the deciding value(s); every code while nothing decides. */
export function fitting<C extends Coded>(codes: C[], within: Within | null | undefined, deciding: unknown): C[] {
  const chosen = (Array.isArray(deciding) ? deciding : [deciding]).filter((v) => v !== undefined && v !== null && v !== '').map(String)
  if (!within || !chosen.length) return codes
  const listed = new Set(within.choices.filter((c) => chosen.includes(c.value)).flatMap((c) => c.codes))
  if (!within.subtrees) return codes.filter((c) => listed.has(c.code))
  const parents = new Map(codes.map((c) => [c.code, c.parent ?? null]))
  const under = (code: string | null): boolean => {
    for (let at = code, steps = 0; at !== null && steps < 32; at = parents.get(at) ?? null, steps++) if (listed.has(at)) return true
    return false
  }
  return codes.filter((c) => under(c.code))
}

/** The value kept when the deciding field changes: what still fits (all of a multi-select's that do). */
export function keptValue(value: unknown, offered: Coded[]): unknown {
  const fits = new Set(offered.map((c) => c.code))
  if (Array.isArray(value)) return value.filter((v) => fits.has(String(v)))
  return value === undefined || value === null || value === '' || fits.has(String(value)) ? value : undefined
}
