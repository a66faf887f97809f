// The vocabulary of 业主档案 (docs/api.md "Archive"): the values the server accepts, in the
// order they are offered, with their tag colours, and the Chinese names of record fields
// (used by forms, the history timeline and the "what is missing" lists).

/** Unit statuses in their life order; `type`/`cls` colour the el-tag. */
export const UNIT_STATUSES = [
  { value: '未交房', type: 'info' },
  { value: '空置', type: 'primary' },
  { value: '装修中', type: 'warning' },
  { value: '已入住', type: 'success' },
  { value: '出租', type: 'primary', cls: 'tag-rented' },
]

export const UNIT_USES = ['住宅', '商铺', '办公', '车位']
export const BUILDING_KINDS = ['住宅楼', '商业楼', '写字楼', '别墅', '车库', '其他']
export const ID_TYPES = ['身份证', '护照', '港澳通行证', '台胞证', '营业执照', '其他']
export const PET_KINDS = ['犬', '猫', '其他']

/** Relations of a person to a unit, with their tag colours. */
export const RELATIONS = [
  { value: '业主', type: 'primary', effect: 'dark' },
  { value: '共有人', type: 'primary' },
  { value: '租户', type: 'warning' },
  { value: '家庭成员', type: 'success' },
  { value: '委托人', type: 'info' },
]

export function statusTag(status) {
  return UNIT_STATUSES.find((s) => s.value === status) || { value: status, type: 'info' }
}

export function relationTag(relation) {
  return RELATIONS.find((r) => r.value === relation) || { value: relation, type: 'info' }
}

/** Chinese names of the archive's record fields (history rows, missing lists, errors). */
export const FIELD_NAMES = {
  project_id: '管理处',
  building_id: '楼栋',
  building: '楼栋',
  code: '编号',
  name: '名称',
  entrance: '单元',
  room: '房间号',
  floor: '楼层',
  floors: '层数',
  entrances: '单元数',
  kind: '类别',
  area_build: '建筑面积',
  area_use: '使用面积',
  use: '用途',
  structure: '户型结构',
  holder: '产权人',
  status: '状态',
  status_note: '状态说明',
  remark: '备注',
  phone: '手机',
  phone2: '备用电话',
  id_type: '证件类型',
  id_no: '证件号码',
  emergency_name: '应急联系人',
  emergency_phone: '应急联系电话',
  company: '单位名称',
  business_scope: '经营范围',
  business_manager: '经营负责人',
  business_category: '经营类别',
  unit_id: '房屋',
  person_id: '人员',
  person: '人员',
  person_name: '姓名',
  resident: '住户',
  relation: '关系',
  since: '起始日期',
  until: '结束日期',
  active: '有效',
  vehicle: '车辆',
  plate: '车牌',
  model: '车型',
  color: '颜色',
  space: '车位',
  pet: '宠物',
  breed: '品种',
  vaccinated_on: '疫苗接种日期',
  owner: '业主',
}

export function fieldName(f) {
  return FIELD_NAMES[f] || f
}

/** What a unit lacks to count as 建档完整 (the `missing` list of a unit). */
const MISSING_NAMES = {
  owner: '业主及电话',
  owner_phone: '业主电话',
  area_build: '建筑面积',
  use: '用途',
  holder: '产权人',
}

export function missingName(m) {
  return MISSING_NAMES[m] || fieldName(m)
}

/** Is a resident row current (not ended)? today is "YYYY-MM-DD". */
export function isCurrentResident(r, today) {
  if (r.active === false || r.active === 0 || r.current === false) return false
  return !r.until || r.until >= today
}

/** Vehicles and pets stay on record after 移除; only active ones are shown. */
export function isActive(x) {
  return x.active !== false && x.active !== 0
}

/** The driver's name of a vehicle row: `person_name`, or `owner` as a name or {name}. */
export function vehicleOwner(v) {
  const o = v?.owner
  return v?.person_name || (o && typeof o === 'object' ? o.name || '' : o || '')
}
