// Revoking an API token, from the user's own page or a managed user's dialog: confirm, DELETE
// `url`, say so. Resolves true when the token was revoked.
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import { api, showError } from '../../api'

export async function revokeToken(url, row) {
  try {
    await ElMessageBox.confirm(`撤销后使用令牌“${row.name}”的脚本将立即无法访问。确定撤销吗？`, '撤销令牌', {
      type: 'warning', confirmButtonText: '撤销', cancelButtonText: '取消',
    })
  } catch {
    return false
  }
  try {
    await api.del(url)
    ElMessage.success('已撤销')
    return true
  } catch (err) {
    showError(err)
    return false
  }
}
