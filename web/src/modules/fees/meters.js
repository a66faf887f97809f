// The vocabulary of 抄表 (docs/api.md "Fees: meters and readings") and the usage of a reading as
// it is typed: the same rule and words the server stores (fees_calc.h fee_meter_usage, the user
// guide 「抄表：倍率、损耗、走满一圈与换表」), in exact integers of the meter's resolution (BigInt),
// so the phone shows the usage before it is saved. The server computes it again and its text wins.

export const METER_KINDS = [
  { value: 'water', label: '水表' },
  { value: 'electric', label: '电表' },
  { value: 'gas', label: '燃气表' },
  { value: 'heat', label: '热量表' },
]

export const READING_STATES = [
  { value: 'missing', label: '未抄' },
  { value: 'entered', label: '已抄' },
]

const pad = (n) => String(n).padStart(2, '0')
/** This month, "2026-12", in the browser's time (the office's). */
export function thisMonth(d = new Date()) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
}

/** "1234.5" with decimals 1 → 12345n; null when it is not a non-negative number of that resolution. */
export function parseValue(text, decimals) {
  const s = String(text ?? '').trim()
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s)
  if (!m || (m[2] !== undefined && (m[2].length === 0 || m[2].length > decimals))) return null
  return BigInt(m[1] + (m[2] || '').padEnd(decimals, '0'))
}

/** 12345n with decimals 1 → "1234.5". */
export function formatValue(v, decimals) {
  const neg = v < 0n
  let s = (neg ? -v : v).toString().padStart(decimals + 1, '0')
  if (decimals) s = `${s.slice(0, -decimals)}.${s.slice(-decimals)}`
  return (neg ? '-' : '') + s
}

/**
 * The usage of a typed reading on a sheet row (GET /meter-readings): {usage, text, below, high}
 * or {error} in words. replacement: {oldFinal, newStart} texts when the reader marked 换表.
 */
export function previewUsage(row, typed, replacement = null) {
  const k = row.decimals
  const cur = parseValue(typed, k)
  if (cur === null) return { error: k ? `读数应为最多 ${k} 位小数的数字` : '读数应为整数' }
  const prev = parseValue(row.previous, k)
  const max = row.maximum ? parseValue(row.maximum, k) : 0n
  const loss = parseValue(row.loss, k) ?? 0n
  const f = (v) => formatValue(v, k)
  if (max && cur > max) return { error: `读数 ${f(cur)} 超过表的最大读数 ${f(max)}` }
  let raw, text
  if (replacement) {
    const old = parseValue(replacement.oldFinal, k)
    const start = parseValue(replacement.newStart || '0', k) ?? 0n
    if (old === null) return { error: '请填写旧表止码' }
    if (old < prev) return { error: `旧表止码 ${f(old)} 小于上期读数 ${f(prev)}` }
    if (cur < start) return { error: `本期读数 ${f(cur)} 小于新表起始读数 ${f(start)}` }
    raw = old - prev + (cur - start)
    text = `换表：旧表止码 ${f(old)} − 上期 ${f(prev)} + 本期 ${f(cur)} − 新表起码 ${f(start)} = ${f(raw)}`
  } else if (cur >= prev) {
    raw = cur - prev
    text = `本期 ${f(cur)} − 上期 ${f(prev)} = ${f(raw)}`
  } else if (max) {
    raw = max + 1n - prev + cur
    text = `表走满一圈：本期 ${f(cur)} + 满圈 ${f(max + 1n)} − 上期 ${f(prev)} = ${f(raw)}`
  } else {
    return { below: true, error: `本期读数 ${f(cur)} 小于上期读数 ${f(prev)}：如是换表或表已走满一圈，请注明` }
  }
  const usage = raw * BigInt(row.multiplier) + loss
  text += ` × 倍率 ${row.multiplier} + 损耗 ${f(loss)} = ${f(usage)} ${row.measure}`
  const last = row.last_usage != null ? parseValue(row.last_usage, k) : null
  return { usage: f(usage), text, high: last !== null && last > 0n && usage > 3n * last }
}
