// The keyboard and the first moment of every form dialog (issue 20): the first field has the
// cursor; Ctrl+Enter (⌘+Enter) submits from any field; a form that cannot be sent says in one
// line which fields are missing and puts the cursor on the first of them; a stray Space does
// not change a radio group the cursor only passed through on Shift+Tab.
import { ElMessage } from 'element-plus'

const FIELD = 'input:not([type=hidden]):not([disabled]):not([readonly]), textarea:not([disabled]):not([readonly])'

const shown = (el) => !!el && el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden'

/** The field to start on inside one el-form-item: a group's chosen radio, else its first input. */
function fieldOf(item) {
  if (item.querySelector('.el-date-editor')) return null // focusing a date picker opens it
  const radios = [...item.querySelectorAll('input[type=radio]:not([disabled])')]
  if (radios.length) return radios.find((r) => r.checked) || radios[0]
  return [...item.querySelectorAll(FIELD)].find(shown) || null
}

/** A required field with nothing in it yet: no option chosen, no text typed, no value picked. */
function emptyRequired(item) {
  if (!item.classList.contains('is-required')) return false
  const radios = item.querySelectorAll('input[type=radio]')
  if (radios.length) return ![...radios].some((r) => r.checked)
  const sel = item.querySelector('.el-select')
  if (sel) return !!sel.querySelector('.el-select__placeholder.is-transparent') // the placeholder shows: nothing chosen
  const f = item.querySelector(FIELD)
  return !!f && !f.value
}

/**
 * Puts the cursor where the work starts in `root` (a dialog or form), unless it already holds a
 * field: the first required field still empty (回访结果 under a chosen 回访方式 and 满意度), else
 * the first field.
 */
export function focusFirstField(root) {
  if (!root || root.contains(document.activeElement) && document.activeElement.matches(FIELD)) return false
  const items = [...root.querySelectorAll('.el-form-item')].filter((i) => shown(i) && fieldOf(i))
  const item = items.find(emptyRequired) || items[0]
  if (!item) return false
  fieldOf(item).focus({ preventScroll: false })
  return true
}

/** The label of an el-form-item, without the required star or a trailing colon. */
const labelOf = (item) => (item.querySelector('.el-form-item__label')?.textContent || '').replace(/[*：:\s]+/g, '')

/**
 * After a failed check: one line naming the fields that are missing or wrong (each field keeps
 * its own message under it), and the cursor on the first. Answers the labels.
 */
export function reportInvalid(root) {
  const items = [...(root?.querySelectorAll('.el-form-item.is-error') || [])].filter(shown)
  const labels = [...new Set(items.map(labelOf).filter(Boolean))]
  if (labels.length) ElMessage.warning({ message: `还不能提交，请先看：${labels.join('、')}`, grouping: true })
  const f = items.length ? fieldOf(items[0]) : null
  if (f) f.focus()
  return labels
}

/** Ctrl+Enter or ⌘+Enter (not while an IME is composing). */
export const isSubmitKey = (e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.isComposing

/** The dialog an event belongs to: the one holding its target, else the only one open. */
export function dialogOf(e) {
  const own = e.target?.closest?.('.el-dialog')
  if (own) return own
  const open = [...document.querySelectorAll('.el-overlay-dialog .el-dialog')].filter(shown)
  return open.length === 1 ? open[0] : null
}

let shiftTabAt = 0
let arrivedByShiftTab = null

/**
 * Installed once by the app: Shift+Tab into a radio group with nothing chosen lands on its last
 * option, where a Space would choose it by accident. Space there chooses nothing; the arrow keys
 * (or a click) still choose, and Space on an option reached by Tab or the arrows still does.
 */
export function installRadioGuard(doc = document) {
  doc.addEventListener('keydown', (e) => {
    if (e.key === 'Tab') shiftTabAt = e.shiftKey ? Date.now() : 0
    if (e.key.startsWith('Arrow')) arrivedByShiftTab = null
    const t = e.target
    if ((e.key === ' ' || e.key === 'Spacebar') && t?.type === 'radio' && !t.checked && t === arrivedByShiftTab) {
      e.preventDefault()
      e.stopPropagation()
    }
  }, true)
  doc.addEventListener('keyup', (e) => {
    const t = e.target
    if (e.key === ' ' && t?.type === 'radio' && !t.checked && t === arrivedByShiftTab) e.preventDefault()
  }, true)
  doc.addEventListener('focusin', (e) => {
    arrivedByShiftTab = e.target?.type === 'radio' && Date.now() - shiftTabAt < 500 ? e.target : null
  }, true)
}

/**
 * Installed once by the app: Ctrl+Enter in a dialog that has no submit of its own on the key
 * (a plain el-dialog with a form) presses its footer's primary button. FormDialog and the
 * 新登记 form take the key first (on window) and mark it handled.
 */
export function installDialogSubmitKey(doc = document) {
  doc.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || !isSubmitKey(e)) return
    const d = dialogOf(e)
    const btn = d && [...d.querySelectorAll('.el-dialog__footer .el-button--primary, .el-dialog__footer .el-button--danger')]
      .filter((b) => shown(b) && !b.disabled && !b.classList.contains('is-disabled')).at(-1)
    if (!btn) return
    e.preventDefault()
    btn.click()
  }, true)
}
