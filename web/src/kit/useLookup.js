// The counter's lookup (GET /lookup, SPEC A8) as you type: a room (1502, 3-2-1502), part of a
// name, 4+ digits of a phone or part of a plate, in the current project. Only the answer to
// the latest query is kept. Used by the header's LookupBox, 新登记 and the UnitPicker.
import { reactive, ref } from 'vue'
import { api, showError } from '../api'
import { store } from '../store'

/**
 * useLookup() — { query, loading, found: {units, people, vehicles, more}, search(q), clear(), reset() }.
 * found.more: how many of each group match beyond those shown ({units, people, vehicles}).
 */
export function useLookup() {
  const query = ref('')
  const loading = ref(false)
  const empty = () => ({ units: [], people: [], vehicles: [], more: { units: 0, people: 0, vehicles: 0 } })
  const found = reactive(empty())
  let seq = 0

  function clear() {
    Object.assign(found, empty())
  }

  async function search(q) {
    query.value = (q || '').trim()
    const mine = ++seq
    if (!query.value || !store.projectId) {
      clear()
      loading.value = false
      return
    }
    loading.value = true
    try {
      const res = await api.get('/lookup', { params: { q: query.value, project_id: store.projectId } })
      if (mine !== seq) return // a newer query is on its way
      found.units = res?.units || []
      found.people = res?.people || []
      found.vehicles = res?.vehicles || []
      const t = res?.totals || {}
      found.more = Object.fromEntries(['units', 'people', 'vehicles'].map((g) => [g, Math.max(0, (t[g] || 0) - found[g].length)]))
    } catch (err) {
      if (mine === seq) showError(err)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  /** Forget the query and its answer; an answer still on its way is dropped. */
  function reset() {
    query.value = ''
    clear()
    seq++
    loading.value = false
  }

  return { query, loading, found, search, clear, reset }
}
