// Which (project, role) pairs the current user may hand out: a company admin any,
// a manager only non-admin roles in projects where they hold users.manage.
import { computed } from 'vue'
import { store, canIn, isCompanyAdmin } from '../../store'
import { ROLE_OPTIONS, COMPANY_WIDE } from '../../utils/format'

/** Sentinel for "company-wide" in selects (el-select treats null as empty). */
export const COMPANY = 0

export const grantableProjects = computed(() => {
  const list = isCompanyAdmin.value
    ? store.projects
    : store.projects.filter((p) => canIn(p.id, 'users.manage'))
  const opts = list.map((p) => ({ value: p.id, label: p.name }))
  if (isCompanyAdmin.value) opts.unshift({ value: COMPANY, label: `${COMPANY_WIDE}（所有管理处）` })
  return opts
})

export const grantableRoles = computed(() =>
  isCompanyAdmin.value ? ROLE_OPTIONS : ROLE_OPTIONS.filter((r) => r.value !== 'admin'))

export function toApiProject(v) {
  return v === COMPANY ? null : v
}
