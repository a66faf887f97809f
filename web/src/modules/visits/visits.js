// The vocabulary of 业主拜访 / 回访 (docs/api.md "Visits and callback quotas"): the codes the
// server accepts with their Chinese names and tag colours, the office month and day, and the
// visit rate's colour against its target.

export const VISIT_KINDS = [
  { value: 'visit', label: '拜访' },
  { value: 'callback', label: '回访' },
]

export const VISIT_STATES = [
  { value: 'planned', label: '已预约', type: 'warning' },
  { value: 'done', label: '已拜访', type: 'success' },
  { value: 'missed', label: '未遇', type: 'danger' },
  { value: 'cancelled', label: '已取消', type: 'info' },
]

/** What a request that could not be answered on the spot may become (POST …/requests/{seq}/ticket). */
export const REQUEST_KINDS = [
  { value: 'home_repair', label: '居家维修' },
  { value: 'public_repair', label: '公共维修' },
  { value: 'service', label: '其它服务' },
  { value: 'complaint', label: '投诉' },
  { value: 'suggestion', label: '意见建议' },
  { value: 'inquiry', label: '咨询' },
]

export const stateType = (s) => VISIT_STATES.find((x) => x.value === s)?.type || 'info'
export const kindLabel = (k) => VISIT_KINDS.find((x) => x.value === k)?.label || k || ''

const pad = (n) => String(n).padStart(2, '0')

/** Now in office time (Asia/Shanghai), whatever zone the browser is set to. */
export function officeNow() {
  return new Date(new Date().toLocaleString('en-US', { timeZone: 'Asia/Shanghai' }))
}
/** "2026-11" of the office's today. */
export function thisMonth() {
  const d = officeNow()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
}
/** "2026-11-25" of the office's today. */
export function officeToday() {
  const d = officeNow()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** A rate (0…1) against a target percent: 'met', 'miss' or '' when there is no rate. */
export function rateState(rate, targetPercent = 80) {
  if (rate === null || rate === undefined) return ''
  return Number(rate) * 100 >= targetPercent ? 'met' : 'miss'
}
/** The progress bar of a rate: percentage (0–100, one decimal) and colour. */
export function rateBar(rate, targetPercent = 80) {
  const pct = rate === null || rate === undefined ? 0 : Math.round(Number(rate) * 1000) / 10
  return { pct: Math.min(100, pct), color: rateState(rate, targetPercent) === 'met' ? '#67c23a' : '#f56c6c' }
}

/** The talk of a visit in one line for lists: opinions, suggestions, summary. */
export function talkLine(v) {
  return [v.opinions && `意见：${v.opinions}`, v.suggestions && `建议：${v.suggestions}`, v.summary]
    .filter(Boolean).join('；')
}

/** A new, empty record (拜访业主会谈内容记录表) for RecordFields. */
export function emptyRecord() {
  return { met_person: '', opinions: '', suggestions: '', summary: '', requests: [] }
}

/** The record's body for the API: blank requests dropped, an answer only when answered. */
export function recordBody(r) {
  const body = {
    met_person: r.met_person.trim(),
    opinions: r.opinions.trim(),
    suggestions: r.suggestions.trim(),
    summary: r.summary.trim(),
    requests: r.requests
      .filter((q) => q.content.trim())
      .map((q) => (q.answered ? { content: q.content.trim(), answered: true, answer: q.answer.trim() } : { content: q.content.trim() })),
  }
  if (r.person_id) body.person_id = r.person_id
  return body
}

/** Server fields of a record → the form's error keys (requests[2].content → requests). */
export const RECORD_ERRORS = {
  met_person: 'met_person', opinions: 'opinions', suggestions: 'suggestions', summary: 'summary',
  requests: 'requests', visited_at: 'visited_at', person_id: 'met_person',
}
