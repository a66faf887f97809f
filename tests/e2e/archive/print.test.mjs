// Browser walk of 打印 on a list (ListPage): the agent filters 房屋 to 3栋 (the building tree)
// and 已入住, prints, and the A4 sheet carries the title, the office, who printed it, the
// filters in words and every matching row (not just the page shown), without the buttons.
// The sheet is printed to PDF ($KEFU_E2E_OUT/units-print.pdf).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import {
  PASSWORD, OUT, skip, start, stop, assertNoProblems, login, expectHome, visible,
} from '../lib.mjs'

let base = ''
let page = null

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})

after(stop)

test('agent prints the occupied units of 3栋 on an A4 sheet', { skip, timeout: 120000 }, async () => {
  await page.goto(base + '/login')
  await login('agent', PASSWORD)
  await expectHome('李静')

  await page.goto(base + '/units')
  await page.locator('[data-test="building-tree"] .el-tree-node__content', { hasText: '3栋' }).click()
  await page.locator('.filter-bar .el-select', { hasText: '全部状态' }).click()
  await visible('.el-select-dropdown__item', { hasText: /^已入住$/ }).click()
  await page.locator('[data-test="units-table"] .el-table__body tr').first().waitFor()
  const total = Number((await page.locator('.el-pagination__total').textContent()).match(/\d+/)[0])
  assert.ok(total > 0, 'some occupied units in 3栋')

  // the browser's print dialog is not opened here: the page asks for it once the sheet is ready
  await page.evaluate(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1 } })
  await page.locator('[data-test="list-print"]').click()
  const sheet = page.locator('[data-test="print-sheet"]')
  await sheet.waitFor({ state: 'attached' })
  await page.waitForFunction(() => window.__printed === 1)
  assert.equal(await sheet.isVisible(), false, 'the sheet shows on paper only')

  assert.equal((await sheet.locator('.ps-title').textContent()).trim(), '房屋')
  const meta = await sheet.locator('.ps-meta').textContent()
  assert.match(meta, /翠湖花园管理处/)
  assert.match(meta, /打印人：李静/)
  const filters = await sheet.locator('[data-test="print-filters"]').textContent()
  assert.match(filters, /3栋/)
  assert.match(filters, /已入住/)
  assert.match(filters, new RegExp(`共 ${total} 条`))
  const heads = await sheet.locator('thead th').allTextContents()
  assert.deepEqual(heads.slice(0, 2), ['序号', '房号'])
  assert.ok(!heads.includes('操作'), 'no buttons column')
  assert.equal(await sheet.locator('tbody tr').count(), Math.min(total, 1000), 'every matching row, not just one page')
  for (const cell of await sheet.locator('tbody tr td:nth-child(2)').allTextContents()) {
    assert.match(cell, /^3-/, 'only 3栋')
  }

  // on paper: the sheet alone, A4
  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('#app').isVisible(), false, 'the app is not printed')
  assert.ok(await sheet.isVisible(), 'the sheet is printed')
  await page.emulateMedia({ media: null }) // page.pdf() prints with the print media (a 'screen' override would win)
  await page.pdf({ path: path.join(OUT, 'units-print.pdf'), preferCSSPageSize: true })

  // printing over, the sheet goes
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')))
  await sheet.waitFor({ state: 'detached' })
  assertNoProblems('printing the units list')
})
