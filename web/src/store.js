// The session store: who is logged in, their projects (管理处), the current project
// and its permissions. One reactive object; screens read it, only these functions write it.
import { reactive, computed } from 'vue'
import { api, setCsrfToken } from './api'

const PROJECT_KEY = 'kefu.projectId'
// Set while we believe a session cookie exists, so a fresh visit to /login does not
// have to ask the server (and a logged-out visitor is not greeted by a 401).
const SESSION_HINT_KEY = 'kefu.session'

function readLocal(key) {
  try { return localStorage.getItem(key) } catch { return null }
}
function writeLocal(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key)
    else localStorage.setItem(key, String(value))
  } catch { /* storage disabled */ }
}

export const store = reactive({
  user: null,
  projects: [],
  companyRoles: [],
  permissions: [],
  projectId: null,
  loaded: false,
})

export const currentProject = computed(() =>
  store.projects.find((p) => p.id === store.projectId) || null)

/** Permissions in the current project (the union over projects when there is none). */
export const currentPermissions = computed(() =>
  currentProject.value ? currentProject.value.permissions || [] : store.permissions || [])

export function can(perm) {
  return currentPermissions.value.includes(perm)
}

/** Does the user hold perm in the given project? */
export function canIn(projectId, perm) {
  const p = store.projects.find((x) => x.id === projectId)
  return !!p && (p.permissions || []).includes(perm)
}

/** Does the user hold perm in any project (used to hint "switch project" on a 403)? */
export function projectsWith(perm) {
  return store.projects.filter((p) => (p.permissions || []).includes(perm))
}

export const isCompanyAdmin = computed(() =>
  !!store.user && (store.user.is_admin || (store.companyRoles || []).includes('admin')))

export function hasSessionHint() {
  return readLocal(SESSION_HINT_KEY) === '1'
}

function applyMe(me) {
  store.user = me.user
  store.projects = me.projects || []
  store.companyRoles = (me.company_roles || []).map((r) => (typeof r === 'string' ? r : r.role))
  store.permissions = me.permissions || []
  if (me.csrf_token) setCsrfToken(me.csrf_token)
  const saved = Number(readLocal(PROJECT_KEY))
  const keep = store.projects.find((p) => p.id === (store.projectId ?? saved))
  store.projectId = keep ? keep.id : (store.projects[0]?.id ?? null)
  writeLocal(PROJECT_KEY, store.projectId)
  writeLocal(SESSION_HINT_KEY, '1')
  store.loaded = true
}

/** GET /me; resolves false when not logged in (401), throws on other errors. */
export async function loadMe() {
  try {
    const me = await api.get('/me', { noAuthRedirect: true })
    applyMe(me)
    return true
  } catch (err) {
    if (err.status === 401) {
      clearSession()
      return false
    }
    throw err
  }
}

/** POST /session, then load /me for projects and permissions. */
export async function login(username, password) {
  const res = await api.post('/session', { username, password }, { noAuthRedirect: true })
  if (res && res.csrf_token) setCsrfToken(res.csrf_token)
  writeLocal(SESSION_HINT_KEY, '1')
  const ok = await loadMe()
  if (!ok && res && res.user) {
    // /me should not fail right after login; keep what the login answer told us
    applyMe({ user: res.user, csrf_token: res.csrf_token, projects: [], permissions: [] })
  }
  return store.user
}

export async function logout() {
  try {
    await api.del('/session', undefined, { noAuthRedirect: true })
  } finally {
    clearSession()
  }
}

/** Forget everything about the session (after logout or a 401). */
export function clearSession() {
  store.user = null
  store.projects = []
  store.companyRoles = []
  store.permissions = []
  store.loaded = true
  setCsrfToken('')
  writeLocal(SESSION_HINT_KEY, null)
}

export function setProject(id) {
  if (!store.projects.some((p) => p.id === id)) return
  store.projectId = id
  writeLocal(PROJECT_KEY, id)
}
