// Shared setup of the browser walks: the server (KEFU_URL, or build/kefu started on a fresh
// demo database), one headless Chromium, console-error capture and small page helpers.
//
// A walk file does:
//   before(async () => { ({ base, page } = await start()) })
//   after(stop)
// and tests with { skip } from here. Screenshots go to $KEFU_E2E_OUT (default tests/e2e/out).
// A walk that moves the server's clock calls start({ testClock: true }) and gets a server of its
// own (KEFU_BIN or build/kefu with --test-clock on a fresh demo database) even when KEFU_URL is
// set, so the walks running beside it keep their time; it uses { skip: skipOwn }.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '../..')
export const OUT = path.resolve(process.env.KEFU_E2E_OUT || path.join(HERE, 'out'))
const BINARY = process.env.KEFU_BIN ? path.resolve(process.env.KEFU_BIN) : path.join(ROOT, 'build/kefu')
export const PASSWORD = 'demo1234'
export const DESKTOP = { width: 1366, height: 768 }
export const PHONE = { width: 375, height: 812 }

let base = process.env.KEFU_URL ? process.env.KEFU_URL.replace(/\/+$/, '') : ''
let server = null
let serverDir = null
let profileDir = null
let context = null
let page = null
export const skip = !base && !fs.existsSync(BINARY)
  ? 'KEFU_URL is not set and build/kefu does not exist'
  : false
/** For walks with a server of their own (start({ testClock: true })): only the binary is needed. */
export const skipOwn = !fs.existsSync(BINARY) ? `${BINARY} does not exist (set KEFU_BIN or run make build/kefu)` : false

// console errors and uncaught page errors, checked after every walk
let problems = []
// 401s we cause on purpose (wrong password); Chromium logs them as console errors
let expected401 = 0

/** The next n failed logins (401 on /api/v1/session) are expected, not problems. */
export function expect401(n = 1) {
  expected401 += n
}

/** Start build/kefu on a fresh demo database (with --test-clock if asked); resolves to its base URL. */
async function startServer({ testClock = false } = {}) {
  serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-db-'))
  const db = path.join(serverDir, 'k.db')
  const env = { ...process.env, KEFU_PWHASH: 'min' }
  const demo = spawnSync(BINARY, ['demo', '--db', db], { env, encoding: 'utf8' })
  if (demo.status !== 0) throw new Error(`kefu demo failed: ${demo.stderr || demo.stdout}`)
  const web = path.join(ROOT, 'web/dist')
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', web, ...(testClock ? ['--test-clock'] : [])]
  server = spawn(BINARY, args,
    { env, stdio: ['ignore', 'pipe', 'pipe'] })
  return await new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`kefu serve did not start: ${seen}`)), 15000)
    const onData = (chunk) => {
      seen += chunk
      const m = /listening on (http:\/\/\S+)/.exec(seen)
      if (m) {
        clearTimeout(timer)
        resolve(m[1].replace(/\/+$/, ''))
      }
    }
    server.stdout.on('data', onData)
    server.stderr.on('data', onData)
    server.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`kefu serve exited (${code}): ${seen}`))
    })
  })
}

/**
 * Server (if needed) and browser; resolves to {base, page, context}. opts.testClock: a server of
 * this walk's own with the test clock (POST /api/v1/_test/clock), whatever KEFU_URL says.
 */
export async function start(opts = {}) {
  if (opts.testClock) base = await startServer({ testClock: true })
  else if (!base) base = await startServer()
  fs.mkdirSync(OUT, { recursive: true })
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-profile-'))
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: DESKTOP,
    acceptDownloads: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  page = context.pages()[0] || await context.newPage()
  page.setDefaultTimeout(15000)
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const text = msg.text()
    const url = msg.location()?.url || ''
    if (expected401 > 0 && /status of 401/.test(text) && url.endsWith('/api/v1/session')) {
      expected401--
      return
    }
    problems.push(`console: ${text} (${url})`)
  })
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  return { base, page, context }
}

export async function stop() {
  if (context) await context.close().catch(() => {})
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true })
  if (server) {
    server.kill('SIGTERM')
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)))
  }
  if (serverDir) fs.rmSync(serverDir, { recursive: true, force: true })
}

export function assertNoProblems(where) {
  const found = problems
  problems = []
  assert.deepEqual(found, [], `console errors on ${where}`)
}

/** A call of the API with the page's session (its CSRF token for writes): {status, body}. */
export function pageApi(method, url, body) {
  return page.evaluate(async ([m, u, b]) => {
    const r = await fetch('/api/v1' + u, {
      method: m, body: b ? JSON.stringify(b) : undefined,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('kefu.csrf') || '' },
    })
    return { status: r.status, body: await r.json() }
  }, [method, url, body])
}

export async function shot(name) {
  await page.waitForTimeout(250) // let transitions finish
  await page.screenshot({ path: path.join(OUT, name) })
}

export const visible = (selector, options) => page.locator(selector, options).filter({ visible: true })

export async function login(username, password) {
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.locator('input[name="password"]').press('Enter')
}

/** Logs `username` in at the desktop size (the login page is open) and waits for the home page. */
export async function loginDesktop(username) {
  await page.setViewportSize(DESKTOP)
  await login(username, PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
}

/**
 * Opens the list of the menu entry `menu` (at `pathname`), searches it for `number` in
 * input[data-test="${prefix}-search"] and waits until [data-test="${prefix}s-table"] shows that
 * one row; answers the row.
 */
export async function findInList(menu, pathname, prefix, number) {
  await visible('.el-menu-item', { hasText: menu }).click()
  await page.waitForURL((u) => new URL(u).pathname === pathname)
  await page.locator(`input[data-test="${prefix}-search"]`).fill(number)
  await page.locator(`input[data-test="${prefix}-search"]`).press('Enter')
  const rows = `[data-test="${prefix}s-table"] .el-table__body tr`
  await page.waitForFunction((r) => document.querySelectorAll(r).length === 1, rows)
  return page.locator(rows).first()
}

export async function assertText(selector, text) {
  const loc = page.locator(selector).first()
  await loc.waitFor()
  await page.waitForFunction(
    ([s, t]) => document.querySelector(s)?.textContent.includes(t), [selector, text])
  assert.ok((await loc.textContent()).includes(text), `${selector} should contain ${text}`)
}

export async function expectHome(displayName) {
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await assertText('[data-test="greeting"]', displayName)
}

export async function menuText() {
  await page.locator('[data-test="side-menu"]').first().waitFor()
  return (await page.locator('[data-test="side-menu"]').first().textContent()) || ''
}
