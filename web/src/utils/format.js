// Chinese names and display formats shared by every screen.

export const ROLE_NAMES = {
  admin: '系统管理员',
  manager: '管理处经理',
  supervisor: '客服主管',
  agent: '前台客服',
  steward: '客服管家',
  technician: '维修工',
  cashier: '收银员',
  storekeeper: '仓管员',
}

export const ROLE_OPTIONS = Object.entries(ROLE_NAMES).map(([value, label]) => ({ value, label }))

export function roleName(role) {
  return ROLE_NAMES[role] || role
}

export const COMPANY_WIDE = '全公司'

/** "翠湖花园管理处·前台客服"; a company-wide role reads "全公司·系统管理员". */
export function roleLabel(r) {
  const where = r.project_id == null ? COMPANY_WIDE : (r.project_name || `管理处 #${r.project_id}`)
  return `${where}·${roleName(r.role)}`
}

const pad = (n) => String(n).padStart(2, '0')

/**
 * "2026-11-25 09:00". ISO strings are shown in the office time they carry
 * (the server sends its own offset), not converted to the browser's zone.
 */
export function formatDateTime(value) {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(value)
    if (m) return `${m[1]} ${m[2]}`
  }
  const d = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

const WEEKDAYS = '日一二三四五六'

/** "2026年11月25日 星期三" */
export function formatLongDate(d = new Date()) {
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 星期${WEEKDAYS[d.getDay()]}`
}

export function greeting(d = new Date()) {
  const h = d.getHours()
  if (h < 6) return '夜深了'
  if (h < 9) return '早上好'
  if (h < 12) return '上午好'
  if (h < 14) return '中午好'
  if (h < 18) return '下午好'
  return '晚上好'
}

/** "2026-11-25" (a date-only value as given; a Date in the browser's local day). */
export function formatDate(value) {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(value)
    if (m) return m[1]
  }
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** Today as "2026-11-25" in the browser's (the office's) day. */
export function today() {
  return formatDate(new Date())
}

const twoDecimals = (n) => Number(n).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const blank = (v) => v === null || v === undefined || v === '' || Number.isNaN(Number(v))

/** Area in m² as answered by the server (89.5) → "89.50 m²"; empty → "—". */
export function formatArea(value, { unit = true } = {}) {
  if (blank(value)) return '—'
  return unit ? `${twoDecimals(value)} m²` : twoDecimals(value)
}

/** Money in integer fen → "¥1,234.50"; empty → "—". */
export function formatMoney(fen) {
  if (blank(fen)) return '—'
  const n = Number(fen)
  return `${n < 0 ? '-' : ''}¥${twoDecimals(Math.abs(n) / 100)}`
}

/** A rate 0…1 → "93.5%" (one decimal, none when whole). */
export function formatPercent(rate) {
  if (blank(rate)) return '—'
  const p = Math.round(Number(rate) * 1000) / 10
  return `${p}%`
}

/** Copy text; works on plain http (no navigator.clipboard) too. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch { /* fall through */ }
  const ta = document.createElement('textarea')
  ta.value = text
  ta.setAttribute('readonly', '')
  ta.style.position = 'fixed'
  ta.style.top = '-1000px'
  document.body.appendChild(ta)
  ta.select()
  let ok = false
  try { ok = document.execCommand('copy') } catch { ok = false }
  document.body.removeChild(ta)
  return ok
}

/** Password rule of the server: at least 8 characters with letters and digits. */
export const PASSWORD_RULE = /^(?=.*[A-Za-z])(?=.*\d)\S.{8,}\S$/   // ≥ 10, a letter and a digit (the server says the rest)
