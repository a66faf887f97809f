// The buildings (楼栋) of the current project, for filters and pickers. Small (a project has
// tens of buildings), so one request of up to 200 answers them all.
import { ref } from 'vue'
import { api, showError } from '../../api'
import { store } from '../../store'

export function useBuildings() {
  const buildings = ref([])
  const loading = ref(false)

  async function loadBuildings() {
    loading.value = true
    try {
      const res = await api.get('/buildings', { params: { project_id: store.projectId, per_page: 200 } })
      buildings.value = res?.items || []
    } catch (err) {
      showError(err)
    } finally {
      loading.value = false
    }
    return buildings.value
  }

  return { buildings, loading, loadBuildings }
}
