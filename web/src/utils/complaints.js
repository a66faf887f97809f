// The vocabulary of 投诉 (客情记录表, issue 6): severities, the reply / handling / callback
// deadlines and their clocks, escalation levels, and the lists the complaint screens load
// (types of a project, the staff who may be named or handle one).
import { api } from '../api'
import { countdown } from './tickets'

export const SEVERITIES = [
  { value: 'normal', label: '一般', type: 'info' },
  { value: 'major', label: '重大', type: 'danger' },
]
export const severityLabel = (v) => SEVERITIES.find((s) => s.value === v)?.label || v || ''
export const severityType = (v) => SEVERITIES.find((s) => s.value === v)?.type || 'info'

/** States of a complaint in workflow order (the tag colours are the tickets' STATES). */
export const COMPLAINT_STATES = [
  { value: 'registered', label: '已登记' },
  { value: 'assigned', label: '已分派' },
  { value: 'replied', label: '已答复' },
  { value: 'handled', label: '已处理' },
  { value: 'called_back', label: '已回访' },
  { value: 'closed', label: '已关闭' },
  { value: 'voided', label: '已作废' },
]

/** How the handler answered the owner (the same codes as a callback's method). */
export const REPLY_METHODS = [
  { value: 'phone', label: '电话' },
  { value: 'sms', label: '短信' },
  { value: 'email', label: '邮件' },
  { value: 'visit', label: '上门' },
]

export const COMPLAINT_DEADLINES = { reply: '答复', handle: '处理', callback: '回访' }
export const complaintDeadlineLabel = (k) => COMPLAINT_DEADLINES[k] || k || ''

export const ESCALATIONS = { 1: '已升级至客服主管', 2: '已升级至管理处经理' }
export const escalationLabel = (level, label) => label || ESCALATIONS[level] || ''

/** The departments a complaint is usually sent to (free text; these are offered). */
export const DEPARTMENTS = ['客服部', '工程部', '保安部', '保洁部', '绿化部', '财务部', '管理处']

/**
 * One deadline as a clock: {kind, label, tone, text, due_at}. tone is 'late' (red) when overdue,
 * 'soon' (amber) when due soon, 'open' (blue), 'met' / 'met-late' (grey) when done.
 * The server's state wins over this browser's clock: overdue there is overdue here.
 */
export function deadlineClock(d, now = Date.now()) {
  const label = complaintDeadlineLabel(d.kind)
  const due = Date.parse(d.due_at)
  if (d.met_at || d.state === 'met') {
    const late = !!d.overdue_at || (Number.isFinite(due) && Date.parse(d.met_at) > due)
    return { kind: d.kind, label, due_at: d.due_at, met_at: d.met_at, tone: late ? 'met-late' : 'met', text: late ? '超时完成' : '已按时完成' }
  }
  const left = Number.isFinite(due) ? (due - now) / 60000 : null
  if (d.state === 'overdue' || (left !== null && left < 0)) {
    return { kind: d.kind, label, due_at: d.due_at, tone: 'late', text: left !== null && left < 0 ? `${label}${countdown(d.due_at, now).text}` : `${label}已超时` }
  }
  // in the words and the rounding of every list's countdown (utils/tickets.js)
  return {
    kind: d.kind, label, due_at: d.due_at,
    tone: d.state === 'due_soon' ? 'soon' : 'open',
    text: left !== null ? `${label}${countdown(d.due_at, now).text}` : '',
  }
}

/** The latest deadline of each kind in the order reply, handle, callback (a reopen adds new ones). */
export function currentDeadlines(deadlines) {
  const out = []
  for (const kind of ['reply', 'handle', 'callback']) {
    const d = (deadlines || []).filter((x) => x.kind === kind).at(-1)
    if (d) out.push(d)
  }
  return out
}

/** The project's complaint types (active ones unless all is asked for). */
export async function loadComplaintTypes(projectId, { all = false } = {}) {
  const res = await api.get('/complaint-types', { params: { project_id: projectId } })
  const items = res?.items || []
  return all ? items : items.filter((t) => t.active)
}

/** The project's time limits per severity: {normal: {reply_hours, …}, major: {…}}. */
export async function loadComplaintRules(projectId) {
  const res = await api.get('/complaint-rules', { params: { project_id: projectId } })
  return Object.fromEntries((res?.items || []).map((r) => [r.severity, r]))
}

/** Hours as said to a caller: 72 → "3 天", 12 → "12 小时". */
export const hoursText = (h) => (h % 24 === 0 ? `${h / 24} 天` : `${h} 小时`)

/**
 * The project's staff as [{id, display_name, role_label}] for naming a complaint's staff or
 * choosing its handler (GET /staff: every active user with a role in the project).
 */
export async function loadStaff(projectId) {
  const res = await api.get('/staff', { params: { project_id: projectId } })
  return res?.items || []
}

/** The address of a ticket's page: complaints have their own. */
export const ticketPath = (t) => (t?.kind === 'complaint' ? `/complaints/${t.id}` : `/tickets/${t.id}`)
