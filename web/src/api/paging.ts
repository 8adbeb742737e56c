// A keyset-paged list ("加载更多"): the first page again on reset, else the next after the last
// cursor; its busy flag and failure for the view to show.
import { ref, type Ref } from 'vue'
import { failure } from '@/api/forms'

export interface Connection<Row> { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor?: string | null }; edges: { node: Row }[] }

export const PAGE_SIZES = [20, 50, 100]

export function usePaged<Row>(fetch: (after: string | null, first: number) => Promise<Connection<Row>>) {
  const pageSize = ref(20)
  const rows = ref([]) as Ref<Row[]>
  const total = ref(0)
  const after = ref<string | null>(null)
  const more = ref(false)
  const busy = ref(false)
  const error = ref('')

  async function load(reset: boolean): Promise<void> {
    busy.value = true
    error.value = ''
    try {
      const page = await fetch(reset ? null : after.value, pageSize.value)
      const found = page.edges.map((e) => e.node)
      rows.value = reset ? found : [...rows.value, ...found]
      total.value = page.totalCount
      after.value = page.pageInfo.endCursor ?? null
      more.value = page.pageInfo.hasNextPage
    } catch (err) {
      error.value = failure(err)
    } finally {
      busy.value = false
    }
  }

  return { rows, total, more, busy, error, load, pageSize }
}
