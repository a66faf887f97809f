// Browser walk of issue 20, point 7 (Chinese everywhere) and the audit list's phone layout
// (point 8): the login page names only what the system does; for every demo role, every menu
// entry opens a page whose heading is the entry's own words, and every tile of the 工作台
// opens a page the role may use (no 403, no 404, no failed request); the audit log reads in
// Chinese at 1366×768 and as cards at 390×844. Screenshots in $KEFU_E2E_OUT.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  DESKTOP, PASSWORD, skip, start, stop, assertNoProblems, shot, visible, login, assertText,
} from '../lib.mjs'

let base = ''
let page = null

const ROLES = ['admin', 'manager', 'supervisor', 'agent', 'steward', 'technician', 'cashier', 'storekeeper']
// the words of the code an audit row must never show (issue 20: archive, demo_load, source、buildings)
const RAW = /\b(archive|demo_load|source|buildings|create|update|login|logout|visit_plan|user|project)\b|[a-z]+_[a-z_]+/

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})
after(stop)

let signedIn = false

/** Logs out whoever is signed in (through the user menu), then logs username in. */
async function signIn(username) {
  await page.setViewportSize(DESKTOP)
  if (signedIn) {
    await page.goto(base + '/')
    await page.locator('[data-test="user-menu"]').click()
    await visible('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
    await page.waitForURL((u) => new URL(u).pathname === '/login')
  } else {
    await page.goto(base + '/login')
  }
  signedIn = true
  await login(username, PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await page.locator('[data-test="greeting"]').waitFor()
}

/** The page now shown: its heading, and whether it is the 403 or 404 page. */
async function shown() {
  await page.waitForLoadState('networkidle')
  return page.evaluate(() => {
    const vis = (el) => el && el.offsetParent !== null
    const h = [...document.querySelectorAll('h2.page-title, h2.m-title')].find(vis)
    return {
      heading: h ? h.firstChild?.textContent.trim() ?? h.textContent.trim() : '',
      forbidden: vis(document.querySelector('[data-test="forbidden"]')),
      notFound: vis(document.querySelector('[data-test="not-found"]')),
    }
  })
}

test('the login page names only what the system does', { skip, timeout: 30000 }, async () => {
  await page.goto(base + '/login')
  const line = await page.locator('[data-test="login-subtitle"]').textContent()
  assert.equal(line, '报事报修 · 投诉回访 · 业主拜访 · 业主档案，一站办理')
  assert.doesNotMatch(line, /收费|钥匙|装修|快递/)
  assertNoProblems('the login page')
})

test('every role: each menu entry opens a page headed with its words, each home tile a page it may use', { skip, timeout: 300000 }, async () => {
  const checked = { menu: 0, tiles: 0 }
  for (const role of ROLES) {
    await signIn(role)
    const tiles = await page.$$eval('.shortcut, .count-row', (as) => as.map((a) => ({
      text: a.textContent.trim(), href: a.getAttribute('href'),
    })))
    if (role === 'cashier') assert.ok(!tiles.some((t) => t.text.includes('API 令牌')), 'no API 令牌 tile for a cashier')
    for (const t of tiles) {
      await page.goto(base + t.href)
      const s = await shown()
      assert.ok(!s.forbidden && !s.notFound, `${role}: the tile 「${t.text}」 (${t.href}) opens a page it may use`)
      checked.tiles++
    }
    await page.goto(base + '/')
    const entries = await page.$$eval('[data-test="side-menu"] .item-title', (xs) => xs.map((x) => x.textContent.trim()))
    for (const title of entries) {
      await visible('[data-test="side-menu"] .el-menu-item', { has: page.locator('.item-title', { hasText: new RegExp(`^${title}$`) }) }).click()
      await page.waitForFunction((t) => [...document.querySelectorAll('h2.page-title, h2.m-title')]
        .some((h) => h.offsetParent !== null && h.textContent.trim().startsWith(t)), title, { timeout: 15000 })
        .catch(() => {})
      const s = await shown()
      assert.ok(!s.forbidden && !s.notFound, `${role}: the menu entry 「${title}」 opens a page it may use`)
      assert.equal(s.heading, title, `${role}: the page of the menu entry 「${title}」 is headed 「${s.heading}」`)
      const doc = await page.title()
      assert.ok(doc.endsWith(' - 物业客服中心系统'), doc)
      checked.menu++
    }
    assertNoProblems(`${role}'s menu and home tiles`)
  }
  assert.ok(checked.menu >= 60 && checked.tiles >= 30, JSON.stringify(checked))
})

test('the audit log reads in Chinese, and as cards on a phone', { skip, timeout: 90000 }, async () => {
  await signIn('admin')
  await visible('.el-menu-item', { hasText: '审计日志' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/audit')
  const body = '[data-test="audit-table"] .el-table__body'
  await page.locator(`${body} tr`).first().waitFor()
  await page.waitForLoadState('networkidle')
  const text = await page.locator(body).textContent()
  assert.doesNotMatch(text, RAW, 'no word of the code in the table')
  assert.match(text, /登录/)

  // the object filter offers the modules' Chinese names; 业主档案 shows the demo's load
  await page.locator('[data-test="audit-entity"]').click()
  await visible('.el-select-dropdown__item', { hasText: /^业主档案$/ }).click()
  const row = visible(`${body} tr`, { hasText: '楼栋数' }).first()
  await row.waitFor()
  assert.match(await row.textContent(), /业主档案.*载入演示数据.*来源：演示数据；楼栋数：\d+；房屋数：\d+；人员数：\d+/)
  await row.locator('.el-table__expand-icon').click()
  await assertText('[data-test="audit-details"]', '来源：演示数据')
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('audit-chinese-1366.png')

  // a phone: one card per row, nothing wider than the screen
  await page.setViewportSize({ width: 390, height: 844 })
  await page.locator('[data-test="audit-card"]').first().waitFor()
  const card = await page.locator('[data-test="audit-card"]').first().textContent()
  assert.match(card, /业主档案 #\d+ · 载入演示数据/)
  assert.doesNotMatch(card, RAW)
  const wide = await page.evaluate(() => {
    const t = document.querySelector('[data-test="audit-table"] .el-table__body-wrapper .el-scrollbar__wrap') ||
      document.querySelector('[data-test="audit-table"] .el-table__body-wrapper')
    return { page: document.documentElement.scrollWidth, table: t.scrollWidth, box: t.clientWidth }
  })
  assert.ok(wide.page <= 390, `the page fits 390 px (${wide.page})`)
  assert.ok(wide.table <= wide.box + 1, `the table is not cut (${wide.table} > ${wide.box})`)
  await shot('audit-chinese-390.png')
  await page.setViewportSize(DESKTOP)
  assertNoProblems('the audit log')
})
