// The model behind UnitFields: an empty or filled form, validation rules, the body of a
// create (POST /units) or of an edit (PATCH /units/{id}: only what changed, with version),
// and which server error fields land on which form field.

const FIELDS = ['building_id', 'entrance', 'room', 'floor', 'area_build', 'area_use', 'use',
  'structure', 'holder', 'status', 'remark']
const NULLABLE = new Set(['floor', 'area_build', 'area_use'])

export function emptyUnit(buildingId = null) {
  return {
    building_id: buildingId, entrance: '', room: '', floor: null, area_build: null, area_use: null,
    use: '住宅', structure: '', holder: '', status: '未交房', remark: '',
  }
}

export function emptyUnitErrors() {
  return Object.fromEntries(FIELDS.map((f) => [f, '']))
}

/** Server error field → form field (identical names; listed so unknown ones become messages). */
export const UNIT_ERROR_FIELDS = Object.fromEntries(FIELDS.map((f) => [f, f]))

/** Copy a unit record into the form. */
export function fillUnit(form, unit) {
  const src = unit || emptyUnit()
  for (const f of FIELDS) {
    const v = src[f]
    form[f] = NULLABLE.has(f) ? (v === undefined || v === '' ? null : v) : (v ?? (f === 'building_id' ? null : ''))
  }
}

export const unitRules = {
  building_id: [{ required: true, message: '请选择楼栋', trigger: 'change' }],
  room: [{ required: true, message: '请输入房号', trigger: 'blur' }],
  use: [{ required: true, message: '请选择用途', trigger: 'change' }],
  status: [{ required: true, message: '请选择状态', trigger: 'change' }],
}

/** The body of POST /units. */
export function createBody(form, projectId) {
  const body = { project_id: projectId }
  for (const f of FIELDS) {
    const v = form[f]
    if (v === null || v === undefined || v === '') continue
    body[f] = v
  }
  return body
}

/** The changed fields of a unit (for PATCH), without version; {} when nothing changed. */
export function changedFields(form, unit) {
  const out = {}
  for (const f of FIELDS) {
    if (f === 'building_id') continue
    const was = unit[f] ?? (NULLABLE.has(f) ? null : '')
    const now = form[f] ?? (NULLABLE.has(f) ? null : '')
    if (was !== now) out[f] = now
  }
  return out
}
