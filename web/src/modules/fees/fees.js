// The fees module's words: the codes of a fee item as the server names them (docs/api.md "Fees").
export const FEE_RULES = [
  { value: 'area', label: '按面积' },
  { value: 'fixed', label: '固定金额' },
  { value: 'meter', label: '按表计量' },
  { value: 'quantity', label: '按数量' },
  { value: 'shared', label: '公摊' },
]
export const FEE_CYCLES = [
  { value: 'monthly', label: '按月' },
  { value: 'quarterly', label: '按季' },
  { value: 'yearly', label: '按年' },
  { value: 'once', label: '一次性' },
]
export const FEE_APPLIES = [
  { value: 'all', label: '全部房屋' },
  { value: 'buildings', label: '指定楼栋' },
  { value: 'uses', label: '指定用途' },
  { value: 'units', label: '指定房屋' },
]
export const ROUND_MODES = [
  { value: 'half', label: '四舍五入' },
  { value: 'up', label: '向上取整' },
  { value: 'down', label: '向下取整' },
]
export const ROUND_UNITS = [
  { value: 'fen', label: '分' },
  { value: 'jiao', label: '角' },
  { value: 'yuan', label: '元' },
]
export const UNIT_USES = ['住宅', '商铺', '办公', '车位']
export const BILL_STATES = [
  { value: 'unpaid', label: '未缴' },
  { value: 'partly', label: '部分缴纳' },
  { value: 'paid', label: '已缴清' },
]

/** This month as "2026-12" (the browser's calendar; the office runs in one zone). */
export function thisMonth() {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}
