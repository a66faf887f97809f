// An import of a spreadsheet (.xlsx / .csv) in two steps, as every import route answers
// (docs/api.md: the roster import, the meter readings): the picked file, the report of the last
// check or commit (also the one a refused commit carries in its error), and which step is busy.
//   const { file, report, busy, pick, reset, send } = useSheetImport('/imports', () => ({ project_id }), { onImported })
// pick is el-upload's on-change; send('check' | 'commit') uploads the file with the params and mode.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { showError, upload } from '../api'

export function useSheetImport(path, params, { onImported } = {}) {
  const file = ref(null)
  const report = ref(null)
  const busy = ref('')

  function pick(f) {
    file.value = f.raw
    report.value = null
  }

  function reset() {
    file.value = null
    report.value = null
  }

  async function send(mode) {
    busy.value = mode
    try {
      report.value = await upload(path, file.value, { ...params(), mode })
      if (mode === 'commit') { ElMessage.success('导入完成'); onImported?.(report.value) }
      else if (report.value.ok) ElMessage.success('检查通过，可以导入')
    } catch (err) {
      if (err.details && err.details.problems) report.value = err.details   // the rows that stopped the import
      showError(err)
    } finally {
      busy.value = ''
    }
  }

  return { file, report, busy, pick, reset, send }
}
