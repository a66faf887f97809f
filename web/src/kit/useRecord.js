// The state of a record page (a ticket, a complaint, a visit, a weekly review): loading it,
// moving to another page when the record belongs there, switching to its project, the page's
// title, the allowed actions as buttons with their colours, the action dialog's state, "back"
// to the list, and (queryAction) ?action=… opening that action once loaded.
import { computed, reactive, ref, onMounted } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { api, showError } from '../api'
import { store, setProject } from '../store'

/**
 * useRecord(opts) — opts:
 *   url(id)          the GET path of the record
 *   title(x)         the browser tab's title for it (before " - 物业客服中心系统")
 *   notFound         what a 404 says
 *   list             the list to go back to
 *   buttonType(a)    the Element button type of an allowed action ('primary' ones are not plain)
 *   belongs(x)       false when x has a page of its own elsewhere: elsewhere(x) is its path
 *   queryAction      open the action named by ?action= once loaded
 * Returns { rec, loading, failed, actions, actionOpen, current, openAction, load, onDone, back }.
 */
export function useRecord({ url, title, notFound, list, buttonType, belongs = () => true, elsewhere, queryAction = false }) {
  const route = useRoute()
  const router = useRouter()
  const rec = ref(null)
  const loading = ref(false)
  const failed = ref('')

  const actions = computed(() => (rec.value?.allowed_actions || []).map((a) => {
    const type = buttonType(a.action)
    return { ...a, type, plain: type !== 'primary' }
  }))

  const actionOpen = ref(false)
  const current = reactive({ action: '', label: '' })
  function openAction(a) {
    current.action = a.action
    current.label = a.label
    actionOpen.value = true
  }

  async function load() {
    loading.value = true
    try {
      const x = await api.get(url(route.params.id))
      if (x && !belongs(x)) {
        router.replace({ path: elsewhere(x), query: route.query })
        return
      }
      if (x && x.project_id && x.project_id !== store.projectId && store.projects.some((p) => p.id === x.project_id)) {
        setProject(x.project_id)
      }
      rec.value = x
      failed.value = ''
      document.title = `${title(x)} - 物业客服中心系统`
    } catch (err) {
      if (err.status === 404) failed.value = notFound
      else showError(err)
    } finally {
      loading.value = false
    }
  }

  /** After an action: the answer is the record as it is now; without one, read it again. */
  function onDone(x) {
    if (x && x.id) rec.value = x
    else load()
  }

  function back() {
    if (window.history.state?.back) router.back()
    else router.push(list)
  }

  onMounted(async () => {
    await load()
    // a link naming an action (新登记 → 立即派工, ?action=assign) opens it at once
    const want = route.query.action
    if (queryAction && typeof want === 'string' && rec.value) {
      const a = (rec.value.allowed_actions || []).find((x) => x.action === want)
      if (a) openAction(a)
      router.replace({ query: { ...route.query, action: undefined } })
    }
  })

  return { rec, loading, failed, actions, actionOpen, current, openAction, load, onDone, back }
}
