// Toasts (ElMessage) never cover a dialog's title: a toast shown while a dialog or message box
// is open starts below the title bar of any that would be under it (a phone's dialogs start at
// the very top; 新登记 at 4vh), else at its usual place 16 px from the top. Installed once by
// main.js over ElMessage.success / warning / info / error / primary, which every screen calls.
import { ElMessage } from 'element-plus'

const TOP = 16      // Element Plus's own offset
const HEIGHT = 52   // a one-line toast and its gap
const GAP = 8

/** Where the next toast starts (px from the top): below every open dialog title it would cover. */
export function toastOffset() {
  const heads = [...document.querySelectorAll('.el-overlay .el-dialog__header, .el-overlay .el-message-box__header')]
    .map((h) => h.getBoundingClientRect())
    .filter((r) => r.height > 0)
    .sort((a, b) => a.top - b.top)
  let top = TOP
  for (const r of heads) {
    if (r.top < top + HEIGHT && r.bottom > top) top = r.bottom + GAP
  }
  return Math.round(top)
}

const options = (o) => (o !== null && typeof o === 'object' && !o.__v_isVNode ? o : { message: o })

export function installToasts() {
  for (const type of ['success', 'warning', 'info', 'error', 'primary']) {
    const show = ElMessage[type]
    if (typeof show !== 'function') continue
    ElMessage[type] = (o = {}, ctx) => show({ offset: toastOffset(), ...options(o) }, ctx)
  }
}
