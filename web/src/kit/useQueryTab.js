// A list page's quick tab kept in the address (?tab=, absent for 全部), so that menu entries
// pointing at the same page with different tabs switch the tab while the page stays.
import { ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'

/**
 * useQueryTab(tabs, onSwitch) — `tabs` is [{value, label}], the first being 'all'. Returns
 * tab (a ref, 'all' for an unknown ?tab=) and onTab(value), which writes ?tab=; when ?tab=
 * changes, tab follows and onSwitch() is called (usually the list's search).
 */
export function useQueryTab(tabs, onSwitch) {
  const route = useRoute()
  const router = useRouter()
  const tabOf = (q) => (tabs.some((t) => t.value === q) ? q : 'all')
  const tab = ref(tabOf(route.query.tab))

  function onTab(v) {
    router.replace({ query: { ...route.query, tab: v === 'all' ? undefined : v } })
  }
  watch(() => route.query.tab, (q) => {
    tab.value = tabOf(q)
    onSwitch()
  })
  return { tab, onTab }
}

/** queryList(v) — a comma list from the address (?state=a,b) as an array; [] when absent. */
export const queryList = (v) => (typeof v === 'string' && v ? v.split(',') : [])
