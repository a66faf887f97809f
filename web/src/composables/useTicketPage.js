// The page of one ticket (工单详情) or complaint (投诉): loading it, moving to the other page when
// the record is of the other kind, switching to its project, the action dialog's state and the
// buttons' colours, "back" to the list, and ?action=… opening that action once loaded.
import { computed, reactive, ref, onMounted } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { api, showError } from '../api'
import { store, setProject } from '../store'

/**
 * opts: belongs(x) — true when x is shown here; elsewhere(x) — the path of its own page;
 * noun ('工单' / '投诉'), notFound (the 404 text), list (the list to go back to),
 * buttonType(action) — the Element button type of an allowed action ('primary' ones are not plain).
 */
export function useTicketPage({ belongs, elsewhere, noun, notFound, list, buttonType }) {
  const route = useRoute()
  const router = useRouter()
  const t = ref(null)
  const loading = ref(false)
  const failed = ref('')

  const actions = computed(() => (t.value?.allowed_actions || []).map((a) => {
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
      const x = await api.get(`/tickets/${route.params.id}`)
      if (x && !belongs(x)) {
        router.replace({ path: elsewhere(x), query: route.query })
        return
      }
      if (x && x.project_id && x.project_id !== store.projectId && store.projects.some((p) => p.id === x.project_id)) {
        setProject(x.project_id)
      }
      t.value = x
      failed.value = ''
      document.title = `${x.number} - ${noun} - 物业客服中心系统`
    } catch (err) {
      if (err.status === 404) failed.value = notFound
      else showError(err)
    } finally {
      loading.value = false
    }
  }

  /** After an action: the answer is the record as it is now; without one, read it again. */
  function onDone(x) {
    if (x && x.id) t.value = x
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
    if (typeof want === 'string' && t.value) {
      const a = (t.value.allowed_actions || []).find((x) => x.action === want)
      if (a) openAction(a)
      router.replace({ query: { ...route.query, action: undefined } })
    }
  })

  return { t, loading, failed, actions, actionOpen, current, openAction, load, onDone, back }
}
