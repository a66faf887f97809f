// The only place in the web front end that calls fetch.
//
// api.get/post/patch/put/del(path, body, {params}) speak JSON to /api/v1 with the
// session cookie, add X-CSRF-Token on writes, and throw ApiError for every failure
// (status, code, message, field) — message is always the server's Chinese text,
// or our own Chinese text when the server could not be reached.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'

export const API_BASE = '/api/v1'
const CSRF_KEY = 'kefu.csrf'
const NETWORK_MESSAGE = '无法连接服务器，请检查网络'

let csrfToken = readSession(CSRF_KEY)
let unauthorizedHandler = null

function readSession(key) {
  try { return sessionStorage.getItem(key) || '' } catch { return '' }
}

/** Remember the CSRF token from the login answer or GET /me (memory + sessionStorage). */
export function setCsrfToken(token) {
  csrfToken = token || ''
  try {
    if (csrfToken) sessionStorage.setItem(CSRF_KEY, csrfToken)
    else sessionStorage.removeItem(CSRF_KEY)
  } catch { /* storage disabled: memory is enough */ }
}

/** Called with no argument when a request answers 401 (except where the caller opted out). */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn
}

/** Every failed request becomes one of these. */
export class ApiError extends Error {
  constructor(status, code, message, field = null, extra = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.retryAfter = extra.retryAfter ?? null
    this.details = extra.details ?? null
  }
}

function buildUrl(path, params) {
  let url = path.startsWith('/api/') ? path : API_BASE + (path.startsWith('/') ? path : '/' + path)
  if (params) {
    const qs = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null || v === '') continue
      qs.append(k, String(v))
    }
    const s = qs.toString()
    if (s) url += (url.includes('?') ? '&' : '?') + s
  }
  return url
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

/**
 * Low-level request. options: {params, noAuthRedirect}.
 * Resolves to the parsed JSON body (null for 204 or an empty body).
 */
export async function request(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
  if (body !== undefined && body !== null) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (WRITE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res
  try {
    res = await fetch(buildUrl(path, options.params), init)
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE)
  }

  let data = null
  const text = res.status === 204 ? '' : await res.text().catch(() => '')
  if (text) {
    try { data = JSON.parse(text) } catch { data = null }
  }

  if (res.ok) return data

  const e = data && typeof data === 'object' && data.error ? data.error : null
  const retryHeader = Number(res.headers.get('Retry-After'))
  const retryAfter = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : (e && e.retry_after) || null
  const err = e
    ? new ApiError(res.status, e.code || 'error', e.message || fallbackMessage(res.status), e.field || null,
        { retryAfter, details: e })
    : new ApiError(res.status, 'http_' + res.status, fallbackMessage(res.status), null, { retryAfter })

  // A stale CSRF token (e.g. the user logged in again in another tab): fetch the
  // current one once and repeat the write.
  if (res.status === 403 && err.code === 'csrf_failed' && !options.csrfRetried) {
    const me = await request('GET', '/me', undefined, { noAuthRedirect: true }).catch(() => null)
    if (me && me.csrf_token && me.csrf_token !== csrfToken) {
      setCsrfToken(me.csrf_token)
      return request(method, path, body, { ...options, csrfRetried: true })
    }
  }

  if (res.status === 401 && !options.noAuthRedirect && unauthorizedHandler) {
    err.handled = true
    unauthorizedHandler()
  }
  throw err
}

function fallbackMessage(status) {
  if (status === 401) return '登录已过期，请重新登录'
  if (status === 403) return '没有权限执行此操作'
  if (status === 404) return '请求的记录不存在'
  if (status === 413) return '提交的内容过大'
  if (status === 429) return '操作过于频繁，请稍后再试'
  if (status === 502 || status === 503 || status === 504) return '服务器繁忙，请稍后重试'
  return `服务器错误（HTTP ${status}），请稍后重试`
}

/**
 * Download a list as a file: the same list endpoint with ?format=xlsx|csv (all filtered rows).
 * Errors come back as JSON and are thrown like any other ApiError.
 */
export async function download(path, params = {}, format = 'xlsx') {
  let res
  try {
    res = await fetch(buildUrl(path, { ...params, page: undefined, per_page: undefined, format }),
      { credentials: 'same-origin', cache: 'no-store' })
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE)
  }
  if (!res.ok) {
    const data = await res.json().catch(() => null)
    const e = data && data.error
    const err = new ApiError(res.status, e?.code || 'http_' + res.status, e?.message || fallbackMessage(res.status), e?.field || null)
    if (res.status === 401 && unauthorizedHandler) { err.handled = true; unauthorizedHandler() }
    throw err
  }
  const cd = res.headers.get('Content-Disposition') || ''
  const m = /filename\*=UTF-8''([^;]+)/.exec(cd)
  const name = m ? decodeURIComponent(m[1]) : `export.${format}`
  const blob = await res.blob()
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 10000)
  return name
}

/**
 * Upload a file as the request body (imports): answers the JSON report; errors are ApiErrors
 * whose `details.report` carries the report when the server refused the rows.
 */
export async function upload(path, file, params = {}) {
  let res
  try {
    res = await fetch(buildUrl(path, params), {
      method: 'POST', credentials: 'same-origin', cache: 'no-store', body: file,
      headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': csrfToken },
    })
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE)
  }
  const data = await res.json().catch(() => null)
  if (res.ok) return data
  const e = data && data.error
  const err = new ApiError(res.status, e?.code || 'http_' + res.status, e?.message || fallbackMessage(res.status), e?.field || null,
    { details: e?.report || null })
  if (res.status === 401 && unauthorizedHandler) { err.handled = true; unauthorizedHandler() }
  throw err
}

export const api = {
  get: (path, options = {}) => request('GET', path, undefined, options),
  post: (path, body, options = {}) => request('POST', path, body ?? {}, options),
  patch: (path, body, options = {}) => request('PATCH', path, body ?? {}, options),
  put: (path, body, options = {}) => request('PUT', path, body ?? {}, options),
  del: (path, body, options = {}) => request('DELETE', path, body, options),
}

/**
 * Show an error to the user as a message (the server's own Chinese text).
 * 401s that already sent the user to the login page are not shown again.
 */
export function showError(err) {
  if (err && err.handled) return
  if (err instanceof ApiError) {
    ElMessage.error({ message: err.message, grouping: true })
  } else {
    console.warn(err)
    ElMessage.error({ message: '操作失败，请重试', grouping: true })
  }
}

/**
 * Put a server validation error onto a form field.
 * fieldErrors: reactive object bound to el-form-item :error; known: field names on the form
 * (a string, or [apiField, formField] pairs via a map object). Returns true when shown inline;
 * otherwise the error is shown as a message.
 */
export function showFieldError(err, fieldErrors, known = {}) {
  if (err instanceof ApiError && err.field) {
    const f = String(err.field)
    const target = known[f] ?? Object.entries(known).find(([k]) => f.startsWith(k + '[') || f.startsWith(k + '.'))?.[1]
    if (target) {
      // el-form-item only shows a *changed* error; clear first so a repeat shows again
      fieldErrors[target] = ''
      queueMicrotask(() => { fieldErrors[target] = err.message })
      return true
    }
  }
  showError(err)
  return false
}

export function clearFieldErrors(fieldErrors) {
  for (const k of Object.keys(fieldErrors)) fieldErrors[k] = ''
}
