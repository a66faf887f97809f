// Who can be sent: GET /technicians?project_id= (the project's active technicians with how
// many orders each holds now, least busy first). Fetched fresh for each dialog: the counts move.
import { api } from '../../../api'

export async function loadTechnicians(projectId) {
  const res = await api.get('/technicians', { params: { project_id: projectId } })
  return res?.items || []
}
