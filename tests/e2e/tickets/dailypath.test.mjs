// The daily path, measured (issue 20, point 9): the agent looks up 1502, opens 3-2-1502 on its
// unit page and registers a repair for the owner there; the supervisor dispatches it from the
// 工作台's queue; the technician takes it and completes it on a phone with the owner's
// signature; the agent calls back, the owner is satisfied and the order closes by itself.
// Every click and key of the four people is counted (signing in is not: each is signed in all
// day); the path must take fewer than 12 clicks and type no field twice. The figures go to
// $KEFU_E2E_OUT/dailypath.txt (recorded in bench/results/issue20-clicks.md).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { PASSWORD, DESKTOP, OUT, skip, start, stop, assertNoProblems, shot, visible, login } from '../lib.mjs'
import { counter } from '../count.mjs'

const PHONE_390 = { width: 390, height: 844 }
let base = ''
let page = null

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})

after(stop)

/** Signs `user` in at `size` (not counted: the people of the path are signed in all day). */
async function signIn(user, size) {
  if (new URL(page.url()).pathname !== '/login' && page.url() !== 'about:blank') {
    await page.goto(base + '/') // leaves any dialog of the last person
    await page.locator('[data-test="user-menu"]').click()
    await visible('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
    await page.waitForURL((u) => new URL(u).pathname === '/login')
  } else {
    await page.goto(base + '/login')
  }
  await page.setViewportSize(size)
  await login(user, PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname !== '/login')
}

const focusIn = (sel) => page.waitForFunction((s) => !!document.activeElement?.closest(s), sel)

test('the daily path: lookup → unit page → 报修 → dispatch from the queue → phone completion → callback closes it', { skip, timeout: 240000 }, async () => {
  const c = counter(page)

  // 1. the agent: lookup, the unit page, 报修 for the owner; the phone comes from the archive
  await signIn('agent', DESKTOP)
  await c.press('/')
  await c.type('房号', '1502')
  await c.click(visible('.lookup-popper').locator('.el-select-dropdown__item', { hasText: '3-2-1502' }).first(), '3-2-1502')
  await page.waitForURL((u) => /^\/units\/\d+$/.test(new URL(u).pathname))
  await page.locator('[data-test="unit-person"]').first().waitFor()
  await c.click(page.locator('[data-test="unit-register-home_repair"]'), '报修')
  const dialog = visible('[data-test="register-dialog"]')
  await dialog.waitFor()
  await page.locator('[data-test="register-unit-code"]').filter({ hasText: '3-2-1502' }).waitFor()
  await focusIn('[data-test="register-content"]')
  await c.type('内容', '卫生间漏水')
  assert.equal((await dialog.locator('[data-test="register-category"] .is-active').textContent()).trim(), '水', 'the category from the words')
  assert.equal(await dialog.locator('[data-test="register-phone"] input').inputValue(), '', 'the phone is not typed')
  await c.press('Control+Enter', '复述确认')
  await dialog.locator('[data-test="register-readback-text"]').waitFor()
  await c.press('Control+Enter', '保存')
  const number = (await dialog.locator('[data-test="register-number"]').textContent()).trim()
  assert.match(number, /^BX\d{8}-\d{4}$/)
  await shot('dailypath-saved-1366.png')

  // 2. the supervisor: the queue on the 工作台, 派工 to 刘强 by keyboard
  await signIn('supervisor', DESKTOP)
  const act = page.locator(`[data-test="dispatch-queue-act-${number}"]`)
  await act.waitFor()
  await c.click(act, '派工')
  const dlg = visible('[data-test="action-dialog"]')
  await dlg.waitFor()
  await focusIn('[data-test="technician-select"]')
  await c.type('维修工', '刘强')
  await visible('.el-select-dropdown__item', { hasText: '刘强' }).first().waitFor()
  await c.press('Enter', '选定')
  await c.press('Control+Enter', '确认派工')
  await dlg.waitFor({ state: 'hidden' })
  await page.locator(`[data-test="dispatch-queue-act-${number}"]`).waitFor({ state: 'detached' })

  // 3. the technician on a phone: take it, start, complete with the owner's signature
  await signIn('technician', PHONE_390)
  await c.click(page.locator('[data-test="m-order"]', { hasText: number }), '派工单')
  await page.locator('[data-test="m-order-card"]').waitFor()
  await c.click(page.locator('[data-test="m-action-accept"]'), '接单')
  await page.locator('[data-test="m-action-accept"]').waitFor({ state: 'detached' })
  await c.click(page.locator('[data-test="m-action-start"]'), '开始处理')
  await c.click(page.locator('[data-test="m-action-complete"]'), '完工')
  const form = visible('[data-test="action-dialog"]')
  await form.waitFor()
  await focusIn('[data-test="action-work-done"]')
  await c.type('完工情况', '更换角阀')
  const canvas = form.locator('[data-test="signature-canvas"]')
  await canvas.scrollIntoViewIfNeeded()
  const box = await canvas.boundingBox()
  await c.drag(Array.from({ length: 20 }, (_, i) => ({ x: box.x + 30 + i * 12, y: box.y + box.height / 2 + Math.sin(i / 2) * 30 })))
  await c.click(form.locator('[data-test="action-submit"]'), '提交完工')
  await page.waitForFunction(() => document.querySelector('[data-test="ticket-state"]')?.textContent.trim() === '已完工')

  // 4. the agent calls back: 满意, and the order closes by itself
  await signIn('agent', DESKTOP)
  await c.click(page.locator('[data-test="menu-callbacks"]').filter({ visible: true }).first(), '回访')
  const row = page.locator('.el-table__body tr', { hasText: number }).first()
  await c.click(row.locator('[data-test="callback-open"]'), '回访此单')
  const cb = visible('[data-test="action-dialog"]')
  await cb.waitFor()
  // the cursor is on 满意度 (nothing is chosen for the agent: the owner says it): Space takes the
  // first, 满意; Tab goes on to 回访结果
  await page.waitForFunction(() => document.activeElement?.type === 'radio' && !!document.activeElement.closest('[data-test="action-satisfaction"]'))
  await c.press('Space', '满意')
  await c.press('Tab')
  await focusIn('[data-test="action-result"]')
  await c.type('回访结果', '已修好')
  await c.press('Control+Enter', '确认回访')
  await cb.waitFor({ state: 'hidden' })
  const id = await page.evaluate(async (n) => (await (await fetch(`/api/v1/tickets?q=${n}`)).json()).items[0].id, number)
  const t = await page.evaluate(async (i) => (await fetch(`/api/v1/tickets/${i}`)).json(), id)
  assert.equal(t.state, 'closed', 'the satisfied callback closed it')
  assert.equal(t.satisfaction, 'satisfied')
  assertNoProblems('the daily path')

  const report = `after: ${c.summary()}\n${c.steps.join('\n')}\n`
  fs.mkdirSync(OUT, { recursive: true })
  fs.writeFileSync(path.join(OUT, 'dailypath.txt'), report)
  console.log(report)
  assert.ok(c.clicks < 12, `fewer than 12 clicks: ${c.summary()}`)
  assert.deepEqual(c.retyped(), [], 'no field typed twice')
})
