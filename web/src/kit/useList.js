// One list page's state: rows, total, paging and loading, fetched from a list endpoint
// (GET /api/v1/…?page=&per_page=&filters → {items,total}). Every list page uses this, so
// paging and error handling behave the same everywhere.
import { ref } from 'vue'
import { api, showError } from '../api'

/**
 * useList(path, params, {perPage}) — `params` is a function returning the current filters
 * (empty values are dropped by the api layer). Returns reactive state and:
 *   load()   fetch the current page
 *   search() back to page 1, then load (filters changed)
 * and path and params themselves (ListPage's export sends the same filters).
 */
export function useList(path, params = () => ({}), { perPage: size = 20 } = {}) {
  const items = ref([])
  const total = ref(0)
  const page = ref(1)
  const perPage = ref(size)
  const loading = ref(false)

  async function load() {
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

  return { path, params, items, total, page, perPage, loading, load, search }
}
