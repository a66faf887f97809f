// The vocabulary of 服务登记 / 维修任务单 (docs/api.md "Tickets"): codes the server accepts,
// their Chinese names and tag colours, and small helpers shared by the ticket screens.

/** Kinds in the order the front desk offers them (the most frequent first). */
export const KINDS = [
  { value: 'home_repair', label: '居家维修' },
  { value: 'public_repair', label: '公共维修' },
  { value: 'service', label: '其它服务' },
  { value: 'inquiry', label: '咨询' },
  { value: 'suggestion', label: '意见建议' },
  { value: 'complaint', label: '投诉' },
  { value: 'praise', label: '表扬' },
]

export const CHANNELS = [
  { value: 'phone', label: '电话' },
  { value: 'visit', label: '来访' },
  { value: 'patrol', label: '巡查' },
  { value: 'sms', label: '短信' },
  { value: 'email', label: '邮件' },
  { value: 'web', label: '网上' },
]

export const CATEGORIES = [
  { value: 'water', label: '水' },
  { value: 'electric', label: '电' },
  { value: 'heating', label: '暖' },
  { value: 'civil', label: '土建' },
  { value: 'door_window', label: '门窗' },
  { value: 'elevator', label: '电梯' },
  { value: 'facility', label: '公共设施' },
  { value: 'other', label: '其它' },
]

// Words of a repair's description that name its category, the most specific first (电梯 before
// 电, 门禁 before 门, 门铃 before 门): a suggestion the agent sees chosen and may change.
const CATEGORY_WORDS = [
  ['elevator', /电梯|扶梯|轿厢/],
  ['facility', /门禁|对讲|道闸|监控|路灯|健身器材|消防|垃圾桶|车位锁/],
  ['heating', /暖气|供暖|地暖|采暖|散热器/],
  ['water', /漏水|渗水|滴水|水管|水龙头|龙头|马桶|下水|地漏|堵|没水|停水|水压|水表|阀门|角阀|水槽|淋浴|热水器/],
  ['electric', /跳闸|停电|没电|漏电|插座|开关|灯|电线|线路|电表|门铃|短路/],
  ['door_window', /门|窗|锁|玻璃|合页|把手/],
  ['civil', /墙|裂|瓷砖|地砖|天花|吊顶|防水|屋面|脱落|空鼓|楼梯|台阶/],
]

/** The repair category a description suggests ('' when none does). */
export function guessCategory(text) {
  const t = String(text || '')
  return CATEGORY_WORDS.find(([, re]) => re.test(t))?.[0] || ''
}

/** States in workflow order, with the el-tag type that colours them. */
export const STATES = [
  { value: 'open', label: '待处理', type: 'warning' },
  { value: 'registered', label: '已登记', type: 'warning' },
  { value: 'assigned', label: '已分派', type: 'primary' },
  { value: 'replied', label: '已答复', type: 'primary' },
  { value: 'handled', label: '已处理', type: 'success' },
  { value: 'pending_dispatch', label: '待派工', type: 'danger' },
  { value: 'dispatched', label: '已派工', type: 'primary' },
  { value: 'in_progress', label: '处理中', type: 'primary' },
  { value: 'completed', label: '已完工', type: 'success' },
  { value: 'called_back', label: '已回访', type: 'success' },
  { value: 'closed', label: '已关闭', type: 'info' },
  { value: 'cancelled', label: '已取消', type: 'info' },
  { value: 'voided', label: '已作废', type: 'info' },
]

/** Not finished: what a unit's "open tickets" warning and 我的 count. */
export const OPEN_STATES = ['pending_dispatch', 'dispatched', 'in_progress', 'completed', 'open', 'registered',
  'assigned', 'replied', 'handled']

export const SATISFACTIONS = [
  { value: 'satisfied', label: '满意', type: 'success' },
  { value: 'basically_satisfied', label: '基本满意', type: 'warning' },
  { value: 'unsatisfied', label: '不满意', type: 'danger' },
]

export const CALLBACK_METHODS = [
  { value: 'phone', label: '电话' },
  { value: 'sms', label: '短信' },
  { value: 'email', label: '邮件' },
  { value: 'visit', label: '上门' },
]

/** Deadline kinds (the `deadlines` of a ticket and the `overdue` of a list row): a repair's, then
 *  a complaint's own (a list of every kind shows both). */
export const DEADLINE_KINDS = { dispatch: '派工', complete: '完工', callback: '回访', reply: '答复', handle: '处理' }

export const ACTION_LABELS = {
  create: '登记',
  dispatch: '派工',
  accept: '接单',
  start: '开始处理',
  complete: '完工',
  callback: '回访',
  close: '关闭',
  cancel: '取消',
  reopen: '重新打开',
  reassign: '改派',
  note: '备注',
  // complaints
  assign: '分派',
  reply: '答复',
  handle: '处理完毕',
  escalate: '升级',
  void: '作废',
}

export const REPAIR_KINDS = ['public_repair', 'home_repair', 'service']
/** Kinds answered at the counter: a reply closes them at once. */
export const REPLY_KINDS = ['inquiry', 'suggestion', 'praise']

export const isRepair = (kind) => REPAIR_KINDS.includes(kind)

const find = (list, v) => list.find((x) => x.value === v)

export const kindLabel = (v) => find(KINDS, v)?.label || v || ''
export const channelLabel = (v) => find(CHANNELS, v)?.label || v || ''
export const categoryLabel = (v) => find(CATEGORIES, v)?.label || v || ''
export const stateLabel = (v) => find(STATES, v)?.label || v || ''
export const stateType = (v) => find(STATES, v)?.type || 'info'
export const satisfactionLabel = (v) => find(SATISFACTIONS, v)?.label || v || ''
export const satisfactionType = (v) => find(SATISFACTIONS, v)?.type || 'info'
export const methodLabel = (v) => find(CALLBACK_METHODS, v)?.label || v || ''
export const deadlineKindLabel = (v) => DEADLINE_KINDS[v] || v || ''
export const actionLabel = (v) => ACTION_LABELS[v] || v || ''

/** Where the work is: the unit's code or the public location (or both). */
export function placeOf(t) {
  if (!t) return ''
  if (t.unit_code && t.location) return `${t.unit_code}（${t.location}）`
  return t.unit_code || t.location || ''
}

/** A phone read out loud or shown on a slip: 13712348582 → 137****8582 (masked ones stay). */
export function maskPhone(p) {
  const s = String(p || '').trim()
  if (!s || s.includes('*')) return s
  const d = s.replace(/\D/g, '')
  if (/^1\d{10}$/.test(d)) return `${d.slice(0, 3)}****${d.slice(7)}`
  if (d.length >= 7) return `${s.slice(0, s.length - 6)}**${s.slice(-4)}`
  return s
}

/** A phone that can be dialled (not masked). */
export const dialable = (p) => !!p && !String(p).includes('*') && /\d{5,}/.test(String(p).replace(/\D/g, ''))

/** Yuan typed by a person (12.5) → integer fen (1250); empty → null. */
export function yuanToFen(v) {
  if (v === null || v === undefined || v === '') return null
  const n = Number(v)
  if (!Number.isFinite(n)) return null
  return Math.round(n * 100)
}

const pad = (n) => String(n).padStart(2, '0')

/** A Date → "2026-11-25T15:00:00+08:00" (the browser's offset; the office runs in one zone). */
export function toIso(d) {
  const off = -d.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  const a = Math.abs(off)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:00` +
    `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`
}

/** "今天 15:00" / "明天 09:00" / "后天 10:30" / "11月28日 15:00" — how a time is said out loud. */
export function spokenTime(value, now = new Date()) {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  const day0 = new Date(now.getFullYear(), now.getMonth(), now.getDate())
  const dayD = new Date(d.getFullYear(), d.getMonth(), d.getDate())
  const diff = Math.round((dayD - day0) / 86400000)
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  if (diff === 0) return `今天 ${hm}`
  if (diff === 1) return `明天 ${hm}`
  if (diff === 2) return `后天 ${hm}`
  return `${d.getMonth() + 1}月${d.getDate()}日 ${hm}`
}

/** overdueRowClass({row}) — el-table's row-class-name for lists whose late rows are red. */
export const overdueRowClass = ({ row }) => ((row.overdue || []).length ? 'row-overdue' : '')

/** "11-25 14:28" for this year's times (lists), "2025-11-25 14:28" for older ones. */
export function shortDateTime(value) {
  if (!value) return ''
  const m = /^(\d{4})-(\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(String(value))
  if (!m) return String(value)
  return m[1] === String(new Date().getFullYear()) ? `${m[2]} ${m[3]}` : `${m[1]}-${m[2]} ${m[3]}`
}

/** Minutes as "1 小时 20 分" / "35 分钟" / "2 天 3 小时". */
export function spanText(minutes) {
  const m = Math.max(0, Math.round(minutes))
  if (m < 60) return `${m} 分钟`
  const days = Math.floor(m / 1440)
  const hours = Math.floor((m % 1440) / 60)
  const mins = m % 60
  if (days) return hours ? `${days} 天 ${hours} 小时` : `${days} 天`
  return mins ? `${hours} 小时 ${mins} 分` : `${hours} 小时`
}

/**
 * A deadline against now: {overdue, text} — "还剩 1 小时 20 分" or "已超时 35 分钟". The one
 * wording and rounding of every remaining time (lists, record pages, the complaint clocks):
 * whole minutes, cut down, so no screen promises more time than there is, and a list and a
 * page showing the same deadline agree. `due` is an ISO time; `now` a Date.now() value.
 */
export function countdown(due, now = Date.now()) {
  if (!due) return { overdue: false, text: '' }
  const t = Date.parse(due)
  if (Number.isNaN(t)) return { overdue: false, text: '' }
  const left = (t - now) / 60000
  if (left < 0) return { overdue: true, text: `已超时 ${spanText(Math.floor(-left))}` }
  return { overdue: false, text: `还剩 ${spanText(Math.floor(left))}` }
}

/**
 * The words of a list row's 时限 cell (kit/DeadlineCell.vue: v-bind it): which deadlines are
 * late ("派工超时"), the nearest one ("派工 11-25 18:26") and its tone (late, soon, muted).
 */
export function deadlineCellProps(row, now = Date.now()) {
  const at = shortDateTime(row.due_at)
  let hint = 'muted'
  if (row.due_at && countdown(row.due_at, now).overdue) hint = 'late'
  else if (row.due_state === 'due_soon') hint = 'soon'
  return {
    lateText: (row.overdue || []).map((k) => `${deadlineKindLabel(k)}超时`).join('、'),
    lateDue: at,
    due: row.due_kind ? `${deadlineKindLabel(row.due_kind)} ${at}` : at,
    hint,
  }
}

/** Minutes as shown in statistics (18.5 → "18.5 分钟", 130 → "2 小时 10 分"). */
export function avgMinutes(v) {
  if (v === null || v === undefined || v === '') return '—'
  const n = Number(v)
  if (!Number.isFinite(n)) return '—'
  return n < 60 ? `${Math.round(n * 10) / 10} 分钟` : spanText(n)
}

/** Chinese names of ticket fields (for API field errors shown as messages, and event data). */
export const TICKET_FIELD_NAMES = {
  technician_id: '维修工',
  technician_name: '维修工',
  technician: '维修工',
  appointment_at: '预约时间',
  reason: '原因',
  note: '备注',
  work_done: '完工情况',
  labour_minutes: '工时',
  charge: '收费',
  method: '回访方式',
  satisfaction: '满意度',
  result: '回访结果',
  reply: '答复',
  from_technician: '原维修工',
  to_technician: '新维修工',
  confirm: '业主确认',
  confirmation: '业主确认',
  materials: '材料',
  category: '报修类别',
  content: '内容',
  caller: '联系人',
  phone: '电话',
  location: '公共位置',
  // complaints (客情记录表)
  department: '责任部门',
  handler_name: '处理人',
  due_at: '处理期限',
  valid: '有效投诉',
  escalation_level: '升级至',
  type_label: '投诉类型',
  severity_label: '严重程度',
  staff_names: '被投诉员工',
  'reply.method': '答复方式',
}
