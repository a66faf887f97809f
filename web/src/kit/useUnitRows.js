// The rows of a unit-page card read from a list endpoint with the unit's filter: the first
// `size`, then `size` more each time more() is asked (the card's 再看…), read again by reload().
import { computed, ref, watch } from 'vue'
import { useList } from './useList'

/** useUnitRows(path, unitRef, params(unit) → filters, size) → { items, total, loading, hasMore, more, reload } */
export function useUnitRows(path, unit, params, size = 5) {
  const list = useList(path, () => ({ ...params(unit()), project_id: unit().project_id }), { perPage: size })
  const hasMore = computed(() => list.total.value > list.items.value.length)
  function more() {
    list.perPage.value += size
    return list.load()
  }
  watch(() => unit()?.id, (id) => { if (id) list.search() }, { immediate: true })
  return { items: list.items, total: list.total, loading: list.loading, hasMore, more, reload: list.load }
}
