// Browser walk of the web shell: login errors, login, project switch, user list,
// logout, menu and 403 for a front-desk agent. Screenshots go to $KEFU_E2E_OUT.
//
// Run: KEFU_URL=http://127.0.0.1:PORT node --test tests/e2e/
// The server must have the demo data (kefu demo). Without KEFU_URL the test starts
// build/kefu itself on a temporary database when the binary exists, else it is skipped.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {
  OUT, PASSWORD, DESKTOP, PHONE, skip, start, stop, expect401, assertNoProblems, shot, visible,
  login, assertText, expectHome, menuText,
} from './lib.mjs'

let base = ''
let page = null

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})

after(stop)

test('wrong password shows 用户名或密码错误', { skip, timeout: 60000 }, async () => {
  await page.goto(base + '/login')
  await assertText('.login-title', '物业客服中心系统')
  // the username field has the focus on arrival
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username')
  expect401(1)
  // an account no later walk logs in with, so the failure counter (5 per account in
  // 15 minutes) never blocks the walks below when the suite is re-run on one server
  await login('storekeeper', 'wrong-password-1')
  await assertText('[data-test="login-error"]', '用户名或密码错误')
  assert.match(page.url(), /\/login/)
  await shot('login-error-1366.png')
  assertNoProblems('the login page')
})

test('manager logs in, switches project, opens 用户管理', { skip, timeout: 90000 }, async () => {
  await login('manager', PASSWORD)
  await expectHome('王建国')
  await assertText('[data-test="today"]', '星期')
  assert.ok((await menuText()).includes('用户管理'), 'manager sees 用户管理')

  // switch the project in the top bar to 金桂苑管理处
  const switcher = page.locator('[data-test="project-switcher"]')
  await switcher.click()
  await visible('.el-select-dropdown__item', { hasText: '金桂苑管理处' }).click()
  await assertText('[data-test="greeting-project"]', '金桂苑管理处')
  await page.waitForFunction(() =>
    document.querySelector('[data-test="project-switcher"]')?.textContent.includes('金桂苑管理处'))
  await shot('home-1366.png')

  // the choice survives a reload
  await page.reload()
  await assertText('[data-test="greeting-project"]', '金桂苑管理处')

  // the phone layout of 工作台: menu in a drawer
  await page.setViewportSize(PHONE)
  await page.reload()
  await assertText('[data-test="greeting"]', '王建国')
  assert.equal(await page.locator('.shell-aside').count(), 0, 'no fixed sidebar on a phone')
  await shot('home-375.png')
  await page.locator('.menu-toggle').click()
  await visible('[data-test="side-menu"]').waitFor()
  await shot('menu-drawer-375.png')
  await visible('.el-menu-item', { hasText: '用户管理' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/users')
  await page.locator('[data-test="users-table"] [data-test="list-card"]').first().waitFor() // a card per user on a phone
  await shot('users-375.png')
  await page.setViewportSize(DESKTOP)

  // 用户管理 from the menu at desktop size
  await page.goto(base + '/')
  await expectHome('王建国')
  await visible('.el-menu-item', { hasText: '用户管理' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/users')
  const rows = page.locator('[data-test="users-table"] .el-table__body tr')
  await rows.first().waitFor()
  assert.ok(await rows.count() > 0, 'the user table has rows')
  const table = await page.locator('[data-test="users-table"]').textContent()
  assert.ok(table.includes('周婷'), 'agent2 周婷 of 金桂苑管理处 is listed')
  assert.match(table, /金桂苑管理处·前台客服/)
  assert.ok(await page.locator('[data-test="user-create"]').isVisible(), 'manager may create users')
  await shot('users-1366.png')

  // the create dialog opens and validates on the client
  await page.locator('[data-test="user-create"]').click()
  const dialog = visible('[data-test="user-dialog"]')
  await dialog.waitFor()
  await dialog.locator('button', { hasText: '保存' }).click()
  await visible('.el-form-item__error', { hasText: '请输入用户名' }).waitFor()
  await shot('user-create-1366.png')
  await dialog.locator('button', { hasText: '取消' }).click()
  await dialog.waitFor({ state: 'hidden' })

  // 导出 Excel downloads the whole list as a real .xlsx (a zip starting with PK)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-test="export"] button').first().click(),
  ])
  assert.match(download.suggestedFilename(), /^用户列表-\d{8}\.xlsx$/)
  const file = path.join(OUT, download.suggestedFilename())
  await download.saveAs(file)
  assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK')
  await visible('.el-message--success', { hasText: '已导出' }).waitFor()

  // 审计日志 and 管理处 open without errors
  await visible('.el-menu-item', { hasText: '审计日志' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/audit')
  await page.locator('[data-test="audit-table"]').waitFor()
  await page.waitForSelector('[data-test="audit-table"] .el-loading-mask', { state: 'detached' }).catch(() => {})
  await shot('audit-1366.png')
  await visible('.el-menu-item', { hasText: '管理处' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/projects')
  await page.locator('[data-test="projects-table"] .el-table__body tr').first().waitFor()
  assert.ok((await page.locator('[data-test="projects-table"]').textContent()).includes('金桂苑管理处'))
  await shot('projects-1366.png')
  assertNoProblems('the manager walk')
})

test('logging out lands on the login page', { skip, timeout: 60000 }, async () => {
  await page.locator('[data-test="user-menu"]').click()
  await visible('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/login')
  await page.locator('input[name="username"]').waitFor()
  // the session is gone: the home page sends us back to login
  await page.goto(base + '/')
  await page.waitForURL((u) => new URL(u).pathname === '/login')
  await page.locator('input[name="username"]').waitFor()
  await shot('login-1366.png')
  assertNoProblems('logout')
})

test('agent has no 用户管理 and gets 403 on /users', { skip, timeout: 60000 }, async () => {
  await login('agent', PASSWORD)
  await expectHome('李静')
  await assertText('[data-test="greeting-project"]', '翠湖花园管理处')
  const menu = await menuText()
  assert.ok(menu.includes('工作台'), 'menu has 工作台')
  assert.ok(!menu.includes('用户管理'), 'agent must not see 用户管理')
  assert.ok(!menu.includes('审计日志'), 'agent must not see 审计日志')

  await page.goto(base + '/users')
  await page.locator('[data-test="forbidden"]').waitFor()
  await assertText('[data-test="forbidden"]', '403')
  await shot('forbidden-1366.png')
  await page.locator('[data-test="forbidden"] button', { hasText: '返回工作台' }).click()
  await expectHome('李静')

  await page.goto(base + '/no-such-page')
  await page.locator('[data-test="not-found"]').waitFor()
  await assertText('[data-test="not-found"]', '404')
  assertNoProblems('the agent walk')
})
