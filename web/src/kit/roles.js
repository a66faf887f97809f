// Roles and the one rule that decides who sees a screen. A route (meta.perm / meta.roles), a
// side-menu entry and a home-page widget all carry the same two fields, and the router guard,
// the side menu and the home page all ask allowed():
//   perm  — a permission the user must hold in the current project (absent: none needed)
//   roles — the user must hold one of these roles there, or company-wide (absent: any role)
import { store, currentProject, can } from '../store'

/** Does the user hold one of these roles in the current project (or company-wide)? */
export function hasRole(...roles) {
  const mine = [...(currentProject.value?.roles || []), ...(store.companyRoles || [])]
  return roles.some((r) => mine.includes(r))
}

/** The roles that may dispatch, call back, close and cancel (docs/api.md Actions). */
export const DESK_ROLES = ['admin', 'manager', 'supervisor', 'agent', 'steward']

/** The project's leads: they see escalated complaints. */
export const LEAD_ROLES = ['admin', 'manager', 'supervisor']

/** allowed({perm, roles}) — may the user see this route, menu entry or widget? */
export function allowed(entry) {
  if (!entry) return false
  return (!entry.perm || can(entry.perm)) && (!entry.roles || hasRole(...entry.roles))
}

/** A technician with no desk role: on a phone the day starts with their orders. */
export function technicianOnly() {
  return hasRole('technician') && !hasRole(...DESK_ROLES)
}
