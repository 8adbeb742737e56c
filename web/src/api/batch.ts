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

  return { selected, failures, settle }
}
