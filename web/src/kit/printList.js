// Printing a list (ListPage's 打印): every row the filters match (not just the page shown), read
// as text from a table laid out off screen with the page's own columns, and the filters on
// screen put into words. PrintSheet.vue shows the result on paper only.
import { api } from '../api'

/** The most rows one printout carries (the sheet says when there were more). */
export const PRINT_MAX = 1000

/** Every row of a useList() state's list with its filters now, up to PRINT_MAX: {rows, total}. */
export async function fetchAll(list, max = PRINT_MAX) {
  const rows = []
  let total = 0
  for (let page = 1; rows.length < max; page++) {
    const res = await api.get(list.path, { params: { ...list.params(), page, per_page: 200 } })
    const items = res?.items || []
    total = res?.total ?? items.length
    rows.push(...items)
    if (!items.length || rows.length >= total) break
  }
  return { rows: rows.slice(0, max), total }
}

const text = (el) => (el?.innerText || '').replace(/[ \t]+\n/g, '\n').replace(/\n{2,}/g, '\n').trim()

/**
 * The columns and cells of a rendered el-table as text: {headers, rows, aligns}. Left out: the
 * selection and expand columns, columns headed 操作 (buttons), columns whose class-name has
 * `no-print`, and columns with neither a heading nor any text.
 */
export function readTable(root) {
  const ths = [...root.querySelectorAll('.el-table__header-wrapper thead tr:last-child th')]
  const trs = [...root.querySelectorAll('.el-table__body-wrapper tbody tr.el-table__row')]
  const body = trs.map((tr) => [...tr.children].map((td) => text(td.querySelector('.cell') || td)))
  const keep = ths.map((th, i) => {
    const head = text(th)
    if (/el-table-column--(selection|expand)|no-print/.test(th.className) || head === '操作') return false
    return !!head || body.some((r) => r[i])
  })
  const cols = ths.map((_, i) => i).filter((i) => keep[i])
  return {
    headers: cols.map((i) => text(ths[i])),
    aligns: cols.map((i) => (/is-center/.test(ths[i].className) ? 'center' : /is-right/.test(ths[i].className) ? 'right' : '')),
    rows: body.map((r) => cols.map((i) => r[i] ?? '')),
  }
}

// The names of a filter bar's selects, read while their boxes still show the placeholder
// (全部状态 → 状态): once a value is chosen Element Plus shows only the value.
const names = new WeakMap()
const SELECTS = '.el-select, .el-select-v2'

/** Remembers the names of the filter bar's selects from their placeholders (call on mount). */
export function rememberLabels(bar) {
  for (const el of bar?.querySelectorAll(SELECTS) || []) {
    const ph = el.querySelector('.el-select__placeholder.is-transparent, .el-select-v2__placeholder.is-transparent')
    const name = text(ph).replace(/^全部/, '')
    if (name && !names.has(el)) names.set(el, name)
  }
}

// A filter's name: its aria-label (el-select's aria-label, a radio group's), the date range's
// first placeholder (登记日期 起 → 登记日期), else what rememberLabels saw; '' when none.
function nameOf(el) {
  const aria = el.getAttribute('aria-label') || el.querySelector('input[aria-label]')?.getAttribute('aria-label')
  if (aria) return aria
  if (el.matches('.el-date-editor')) return (el.querySelector('input')?.getAttribute('placeholder') || '').replace(/\s*起$/, '')
  return names.get(el) || ''
}

// The options chosen in a select, from its list of options (all of them, even those a
// collapsed multiple select shows as 「+ 2」), else from its box.
function chosen(el) {
  const id = el.querySelector('input[aria-controls]')?.getAttribute('aria-controls')
  const box = id && document.getElementById(id)
  const picked = box ? [...box.querySelectorAll('.is-selected')].map(text).filter(Boolean) : []
  if (picked.length) return picked.join('、')
  const tags = [...el.querySelectorAll('.el-select__tags-text, .el-select-v2__tags-text')].map(text).filter(Boolean)
  return tags.length ? tags.join('、') : text(el.querySelector('.el-select__placeholder:not(.is-transparent), .el-select-v2__placeholder:not(.is-transparent)'))
}

/**
 * The filters set in a filter bar, in words, each with its name when it has one (状态：待派工):
 * the text typed in its boxes (关键字“…”), the options chosen in its selects, its date ranges
 * (a 至 b), the checked radio buttons, check boxes and switches.
 */
export function filterWords(bar) {
  if (!bar) return []
  rememberLabels(bar)
  const words = []
  for (const el of bar.querySelectorAll(`${SELECTS}, .el-date-editor, .el-cascader, .el-input, .el-radio-group, .el-checkbox.is-checked, .el-switch.is-checked`)) {
    // the box inside a select, date picker or cascader is that control's (a date picker may be the box itself)
    if (el.parentElement?.closest(`${SELECTS}, .el-date-editor, .el-cascader`)) continue
    let w = ''
    if (el.matches(SELECTS)) {
      w = chosen(el)
    } else if (el.matches('.el-date-editor')) {
      const v = [...el.querySelectorAll('input')].map((i) => i.value.trim()).filter(Boolean)
      w = v.length > 1 ? `${v[0]} 至 ${v[1]}` : v[0] || ''
    } else if (el.matches('.el-cascader')) {
      w = el.querySelector('input')?.value.trim() || ''
    } else if (el.matches('.el-input')) {
      const v = el.querySelector('input, textarea')?.value.trim()
      w = v ? `关键字“${v}”` : ''
    } else if (el.matches('.el-radio-group')) {
      w = text(el.querySelector('.is-active, .is-checked'))
    } else if (el.matches('.el-switch')) {
      w = el.getAttribute('aria-label') || text(el.querySelector('.el-switch__label.is-active')) || text(el)
    } else {
      w = text(el)
    }
    const name = w && !el.matches('.el-input, .el-checkbox, .el-switch') ? nameOf(el) : ''
    if (w) words.push(name && name !== w ? `${name}：${w}` : w)
  }
  return words
}
