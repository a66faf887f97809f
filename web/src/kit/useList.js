// One list page's state: rows, total, paging and loading, fetched from a list endpoint
// (GET /api/v1/…?page=&per_page=&filters → {items,total}). Every list page uses this, so
// paging and error handling behave the same everywhere.
import { ref } from 'vue'
import { api, showError } from '../api'

/**
 * useList(path, params, {perPage}) — `params` is a function returning the current filters
 * (empty values are dropped by the api layer). Returns reactive state and:
 *   load()    fetch the current page
 *   search()  back to page 1, then load (filters changed)
 *   refresh() the current page again without a spinner (a poller: kit/usePoll.js), `fresh`
 *             the ids it brought that were not shown
 * and path and params themselves (ListPage's export sends the same filters).
 */
export function useList(path, params = () => ({}), { perPage: size = 20 } = {}) {
  const items = ref([])
  const total = ref(0)
  const page = ref(1)
  const perPage = ref(size)
  const loading = ref(false)

  let loads = 0 // load() calls so far: a refresh that a load overtook is dropped

  async function load() {
    loads++
    loading.value = true
    try {
      const res = await api.get(path, { params: { ...params(), page: page.value, per_page: perPage.value } })
      items.value = res?.items || []
      total.value = res?.total ?? items.value.length
    } catch (err) {
      showError(err)
    } finally {
      loading.value = false
    }
  }

  function search() {
    page.value = 1
    return load()
  }

  // the ids of the rows shown before the last refresh, to tell which rows are new
  const fresh = ref(new Set())

  /**
   * refresh() — the same page again, quietly: no spinner, no message (a poller's call; usePoll
   * tries again later). The rows are replaced in place, so the table keeps its scroll; `fresh`
   * holds the ids that were not shown before, and their count is returned. Skipped while a
   * load() is under way.
   */
  async function refresh() {
    if (loading.value) return 0
    const before = loads
    const res = await api.get(path, { params: { ...params(), page: page.value, per_page: perPage.value } })
    if (loads !== before) return 0 // a load started meanwhile: its answer wins
    const shown = new Set(items.value.map((x) => x.id))
    const rows = res?.items || []
    fresh.value = new Set(rows.filter((x) => !shown.has(x.id)).map((x) => x.id))
    items.value = rows
    total.value = res?.total ?? rows.length
    return fresh.value.size
  }

  return { path, params, items, total, page, perPage, loading, fresh, load, search, refresh }
}
