// Acting on ticked records at once (报送, 审核通过, 驳回): what went through is unticked and the
// list reloaded; what did not is kept as failures, each by the teacher's name (field = the id).
import { ref, type Ref } from 'vue'

export interface BatchFailure { id: string; name: string; message: string }

export function useBatch(rows: Ref<{ id: string; basic: { name: string } }[]>, reload: (reset: boolean) => Promise<void>) {
  const selected = ref<string[]>([])
  const failures = ref<BatchFailure[]>([])

  async function settle(succeeded: readonly string[], failed: readonly { id: string; message: string }[]): Promise<void> {
    const names = new Map(rows.value.map((r) => [r.id, r.basic.name]))
    failures.value = failed.map((f) => ({ id: f.id, name: names.get(f.id) ?? f.id, message: f.message }))
    selected.value = selected.value.filter((id) => !succeeded.includes(id))
    await reload(true)
  }

  /** Tick (or untick) every row of the loaded pages that `can` allows. */
  function selectPage(on: boolean, can: (row: { id: string }) => boolean = () => true): void {
    const page = rows.value.filter(can).map((r) => r.id)
    selected.value = on ? [...new Set([...selected.value, ...page])] : selected.value.filter((id) => !page.includes(id))
  }

  return { selected, failures, settle, selectPage }
}
