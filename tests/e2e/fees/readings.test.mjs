// Browser walk of 抄表 (issue 21 point 2): the steward 张伟, on a 390×844 phone, opens 抄表 from the
// menu, picks the demo building 1栋 (a water meter per unit, last month read), types three readings
// with Enter between them — each row shows its usage and formula as typed and ✓ once saved, the
// cursor moving on by itself — then a reading below the last one, which the server refuses with the
// rule's words. The supervisor then sees the three on 抄表读数 at 1366×768. Screenshots go to
// $KEFU_E2E_OUT.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { PASSWORD, DESKTOP, skip, start, stop, assertNoProblems, shot, visible, login } from '../lib.mjs'

const PHONE_390 = { width: 390, height: 844 }

let base = ''
let page = null
const typed = []

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})

after(stop)

async function logout() {
  await page.locator('[data-test="user-menu"]').click()
  await visible('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/login')
}

/** The rows of the phone's sheet that have no reading yet. */
const openRows = () => page.locator('[data-test="m-reading"]:not(.saved)')

test('the steward walks building 1 on a phone: three readings with Enter, then one below the last', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(PHONE_390)
  await page.goto(base + '/login')
  await login('steward', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await page.locator('.menu-toggle').click()
  await visible('.el-menu-item', { hasText: '抄表' }).first().click()
  await page.waitForURL((u) => new URL(u).pathname === '/m/readings')
  await page.locator('[data-test="m-read-building"]').click()
  await visible('.el-select-dropdown__item', { hasText: /^1栋$/ }).click()
  await page.locator('[data-test="m-reading"]').first().waitFor()
  const total = await page.locator('[data-test="m-reading"]').count()
  assert.ok(total >= 4, `the demo building has meters (${total})`)
  await shot('fees-readings-phone-before-390.png')

  const first = openRows().first()
  await first.locator('[data-test="m-reading-input"]').click()
  for (let i = 0; i < 3; i++) {
    const row = openRows().first()
    const unit = (await row.locator('.m-unit').textContent()).trim()
    const previous = Number((await row.locator('.m-last-value').textContent()).trim())
    const value = previous + 7 + i
    const input = row.locator('[data-test="m-reading-input"]')
    assert.ok(await input.evaluate((el) => el === document.activeElement), `the cursor is on ${unit}`)
    assert.equal(await input.getAttribute('inputmode'), 'decimal')
    await page.keyboard.type(String(value))
    await assertRowText(row, `用量 ${7 + i} 吨`)
    await assertRowText(row, `本期 ${value} − 上期 ${previous} = ${7 + i} × 倍率 1 + 损耗 0 = ${7 + i} 吨`)
    await page.keyboard.press('Enter')
    const saved = page.locator('[data-test="m-reading"]', { has: page.locator('.m-unit', { hasText: new RegExp(`^${unit}$`) }) })
    await saved.locator('[data-test="m-reading-ok"]').waitFor()
    typed.push({ unit, value, usage: 7 + i })
  }
  assert.equal(await page.locator('[data-test="m-reading-ok"]').count() >= 3, true)
  await shot('fees-readings-phone-saved-390.png')

  // the next row has the cursor; a reading below the last one is warned, then refused
  const row = openRows().first()
  const previous = Number((await row.locator('.m-last-value').textContent()).trim())
  assert.ok(await row.locator('[data-test="m-reading-input"]').evaluate((el) => el === document.activeElement), 'the cursor moved on')
  await page.keyboard.type(String(previous - 3))
  await assertRowText(row, `本期读数 ${previous - 3} 小于上期读数 ${previous}`)
  await page.keyboard.press('Enter')
  await row.locator('[data-test="m-reading-error"]').waitFor()
  assert.equal((await row.locator('[data-test="m-reading-error"]').textContent()).trim(),
    `本期读数 ${previous - 3} 小于上期读数 ${previous}：如是换表或表已走满一圈，请注明`)
  assert.equal(await row.locator('[data-test="m-reading-ok"]').count(), 0)
  await row.scrollIntoViewIfNeeded()
  await shot('fees-readings-phone-refused-390.png')
  try {   // the refused reading is the only console error
    assertNoProblems('抄表 on the phone')
  } catch (err) {
    assert.ok(Array.isArray(err.actual) && err.actual.every((p) => /status of 422/.test(p)), String(err.message))
  }
  await logout()
})

async function assertRowText(row, text) {
  await row.locator('[data-test="m-reading-text"]', { hasText: text }).waitFor({ timeout: 5000 }).catch(async () => {
    assert.fail(`"${text}" not in ${(await row.locator('[data-test="m-reading-text"]').textContent())}`)
  })
}

test('the supervisor sees the three readings on 抄表读数', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await login('supervisor', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await visible('.el-menu-item', { hasText: '抄表读数' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/fees/readings')
  await page.locator('[data-test="readings-state"]').click()
  await visible('.el-select-dropdown__item', { hasText: '已抄' }).click()
  const table = page.locator('[data-test="readings-table"] .el-table__body')
  for (const t of typed) await table.locator('tr', { hasText: t.unit }).first().waitFor()
  const text = await table.textContent()
  for (const t of typed) assert.ok(text.includes(`${t.usage} 吨`), `${t.unit}: ${t.usage} 吨`)
  await shot('fees-readings-desk-1366.png')
  assertNoProblems('抄表读数')
})
