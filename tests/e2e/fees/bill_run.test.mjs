// Browser walk of 生成账单 (issue 21 points 1, 3, 8): the manager opens 收费项目 (the demo's
// 物业服务费, 车位费, 水费), then 生成账单 for this month: 预览 shows the totals by item and the units
// skipped with why (未交房, 无本期读数 …) and saves nothing; 生成 makes the bills; a second 预览
// finds them all made (nothing new); 账单 lists them, each with how its amount was computed.
// Screenshots go to $KEFU_E2E_OUT.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { PASSWORD, DESKTOP, skip, start, stop, assertNoProblems, shot, visible, login, assertText } from '../lib.mjs'

const PHONE_390 = { width: 390, height: 844 }
let base = ''
let page = null

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})
after(stop)

const number = async (sel) => Number((await page.locator(sel).textContent()).replace(/[^\d]/g, ''))

async function preview() {
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/bill-runs') && r.url().includes('preview=1'))
  await page.locator('[data-test="run-preview"]').click()
  assert.equal((await answer).status(), 200)
  await page.locator('[data-test="run-summary"]').waitFor()
}

test('the manager previews this month, generates, and reads the bills with their explanations', { skip, timeout: 180000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/login')
  await login('manager', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')

  await visible('.el-menu-item', { hasText: '收费项目' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/fees/items')
  await assertText('[data-test="fee-items-table"]', '物业服务费')
  await assertText('[data-test="fee-items-table"]', '1.5500 元/m²·月')
  await shot('fees-items-1366.png')
  // the edit dialog of 物业服务费 shows the item as saved; the manager closes it without a change
  await page.locator('[data-test="fee-items-table"] .el-table__body tr', { hasText: '物业服务费' }).locator('button', { hasText: '编辑' }).click()
  await page.locator('input[data-test="fee-price"]').waitFor()
  assert.equal(await page.locator('input[data-test="fee-price"]').inputValue(), '1.5500')
  await shot('fees-item-dialog-1366.png')
  await visible('[data-test="fee-item-dialog"] button', { hasText: '取消' }).click()

  await visible('.el-menu-item', { hasText: '生成账单' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/fees/bill-run')
  await preview()
  const bills = await number('[data-test="run-bills"]')
  await assertText('[data-test="run-items"]', '物业服务费')
  await assertText('[data-test="run-reasons"]', '无本期读数')
  await assertText('[data-test="run-skipped"]', '水费')
  await shot('fees-preview-1366.png')

  if (bills > 0) {   // a shared server may have run this month already: then there is nothing to make
    await page.locator('[data-test="run-generate"]').click()
    const made = page.waitForResponse((r) => r.url().includes('/api/v1/bill-runs') && !r.url().includes('preview=1'))
    await visible('.el-message-box button', { hasText: '生成' }).click()
    assert.equal((await made).status(), 201)
    await assertText('[data-test="run-summary"]', `已生成`)
    assert.equal(await number('[data-test="run-bills"]'), bills)
    await shot('fees-generated-1366.png')
  }
  await preview()
  assert.equal(await number('[data-test="run-bills"]'), 0, 'a second run creates nothing')
  assert.ok(await page.locator('[data-test="run-generate"]').isDisabled())

  await page.locator('[data-test="menu-bills"]').click()
  await page.waitForURL((u) => new URL(u).pathname === '/fees/bills')
  const text = page.locator('[data-test="bills-table"] [data-test="bill-text"]').first()
  await text.waitFor()
  const texts = await page.locator('[data-test="bills-table"] [data-test="bill-text"]').allTextContents()
  assert.ok(texts.some((t) => /^\d+\.\d{2} m² × 1\.5500 元\/m²·月( × [^=]+)? = \d+\.\d{2} 元，四舍五入$/.test(t)), texts.slice(0, 3).join(' | '))
  assert.ok(texts.some((t) => t === '固定 300.00 元/月 = 300.00 元，四舍五入'))
  await shot('fees-bills-1366.png')
  await page.setViewportSize(PHONE_390)
  await page.waitForTimeout(300)
  await shot('fees-bills-390.png')
  await page.setViewportSize(DESKTOP)
  assertNoProblems('fees pages')
})
