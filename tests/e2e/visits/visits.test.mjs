// Browser walk of 业主拜访 (SPEC V1–V3): the supervisor reads this month's visit rate on
// 巡访率统计; the steward 张伟, on a 390×844 phone, opens 记录拜访 from the menu, picks a household
// of the district not visited yet, records the owner's opinion and a request, saves, and turns the
// request into a repair order with one click (the order carries the visit's unit and the channel
// 来访); the supervisor then sees one more household visited. Screenshots go to $KEFU_E2E_OUT.
//
// Run: KEFU_URL=http://127.0.0.1:PORT node --test tests/e2e/visits/visits.test.mjs (or let lib.mjs start build/kefu).
// Needs the demo data: 张伟's plan for this month over buildings 1 and 2 (demo_visits.c).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { PASSWORD, DESKTOP, skip, start, stop, assertNoProblems, shot, visible, login, assertText } from '../lib.mjs'

const PHONE_390 = { width: 390, height: 844 }

let base = ''
let page = null
let visitedBefore = -1
let ticketNumber = ''

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

/** 张伟's row of 巡访率统计: visited households (a number) and the rate text. */
async function stewardRow() {
  const row = page.locator('[data-test="visit-stats-table"] .el-table__body tr', { hasText: '张伟' }).first()
  await row.waitFor()
  const visited = Number((await row.locator('[data-test="visit-stats-visited"]').textContent()).trim())
  const rate = (await row.locator('[data-test="visit-stats-rate"]').textContent()).trim()
  return { visited, rate }
}

async function quietMessages() {
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
}

test('the supervisor reads this month\'s visit rate and the callback quotas', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/login')
  await login('supervisor', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await visible('.el-menu-item', { hasText: '巡访率统计' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/visits/stats')
  const before = await stewardRow()
  visitedBefore = before.visited
  assert.ok(visitedBefore > 0, 'the demo district has visited households')
  assert.match(before.rate, /%$/)
  await assertText('[data-test="quota-table"]', '王建国')
  await shot('visits-stats-before-1366.png')

  await visible('.el-menu-item', { hasText: '拜访计划' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/visits/plans')
  await assertText('[data-test="plans-table"]', '张伟')
  await shot('visits-plans-1366.png')
  assertNoProblems('巡访率统计 and 拜访计划')
  await logout()
})

test('the steward records a visit on a phone and turns the request into a ticket', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(PHONE_390)
  await login('steward', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await page.locator('.menu-toggle').click()
  await visible('.el-menu-item', { hasText: '记录拜访' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/m/visit')
  await assertText('[data-test="m-visit-month"]', '本月巡访')

  // a household of the district not visited yet; its owner becomes the person met
  await page.locator('[data-test="m-visit-plan-pick"]').click()
  const first = visible('.el-select-dropdown__item').first()
  const label = (await first.textContent()).trim()
  await first.click()
  const code = label.split(' ')[0]
  await assertText('[data-test="m-visit-unit"]', code)
  assert.ok((await page.locator('input[data-test="visit-met-person"]').inputValue()).length >= 2, 'the owner is the person met')

  await page.locator('textarea[data-test="visit-opinions"]').fill('电梯间照明不足，晚上回家不方便')
  await page.locator('textarea[data-test="visit-suggestions"]').fill('建议加装感应灯')
  await page.locator('[data-test="visit-request-add"]').click()
  await page.locator('textarea[data-test="visit-request-content"]').fill('厨房水龙头漏水，请派人维修')
  await page.locator('textarea[data-test="visit-summary"]').fill('业主入住两年，对管家服务满意')
  await shot('visits-m-record-390.png')
  await page.locator('[data-test="m-visit-save"]').click()

  // the saved visit: the request waits for a ticket
  await page.waitForURL((u) => /^\/visits\/\d+$/.test(new URL(u).pathname))
  await assertText('[data-test="visit-unit"]', code)
  await assertText('[data-test="visit-state"]', '已拜访')
  await assertText('[data-test="visit-talk"]', '电梯间照明不足')
  await quietMessages()
  await shot('visits-m-saved-390.png')

  await page.locator('[data-test="visit-request-to-ticket"]').click()
  const dialog = visible('[data-test="request-ticket-dialog"]')
  await dialog.waitFor()
  await assertText('[data-test="request-ticket-content"]', '厨房水龙头漏水')
  await dialog.locator('[data-test="request-ticket-kind"] label', { hasText: '居家维修' }).click()
  await dialog.locator('[data-test="request-ticket-category"]').click()
  await visible('.el-select-dropdown__item', { hasText: /^水$/ }).click()
  await shot('visits-m-to-ticket-390.png')
  await dialog.locator('[data-test="request-ticket-save"]').click()
  await dialog.waitFor({ state: 'hidden' })

  const link = page.locator('[data-test="visit-request-ticket"]')
  await link.waitFor()
  ticketNumber = (await link.textContent()).trim()
  assert.match(ticketNumber, /^BX\d{8}-\d{4}$/)
  assert.equal(await page.locator('[data-test="visit-request-to-ticket"]').count(), 0, 'turned into a ticket once')
  await quietMessages()
  await shot('visits-m-ticketed-390.png')

  // the ticket: a home repair of the visited unit, from a visit
  await link.click()
  await page.waitForURL((u) => /^\/tickets\/\d+$/.test(new URL(u).pathname))
  await assertText('[data-test="ticket-number"]', ticketNumber)
  await assertText('[data-test="ticket-content"]', '厨房水龙头漏水')
  await assertText('[data-test="ticket-info"]', '来访')
  await assertText('[data-test="ticket-info"]', code)
  assertNoProblems('the steward\'s phone walk')
  await logout()
})

test('the supervisor sees one more household visited', { skip, timeout: 120000 }, async () => {
  assert.ok(visitedBefore >= 0 && ticketNumber, 'the earlier walks ran')
  await page.setViewportSize(DESKTOP)
  await login('supervisor', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await visible('.el-menu-item', { hasText: '巡访率统计' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/visits/stats')
  await page.waitForFunction((n) => {
    const row = [...document.querySelectorAll('[data-test="visit-stats-table"] .el-table__body tr')].find((r) => r.textContent.includes('张伟'))
    return row && Number(row.querySelector('[data-test="visit-stats-visited"]').textContent.trim()) === n
  }, visitedBefore + 1)
  await shot('visits-stats-after-1366.png')

  await visible('.el-menu-item', { hasText: '拜访记录' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/visits')
  await assertText('[data-test="visits-table"]', '电梯间照明不足')
  await shot('visits-list-1366.png')
  assertNoProblems('the supervisor\'s second look')
  await logout()
})
