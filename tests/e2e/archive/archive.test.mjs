// Browser walk of 业主档案: a front-desk agent finds a unit with the header lookup ("/" key,
// typing a room number, arrow keys, Enter), adds a new tenant on the unit's 住户 tab and sees
// the change in 变更记录; then the archive lists open without errors.
// Screenshots go to $KEFU_E2E_OUT.
//
// Run: KEFU_URL=http://127.0.0.1:PORT node --test tests/e2e/ (or let lib.mjs start build/kefu).
// Needs the demo data: unit 3-2-1502 in 翠湖花园管理处.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  PASSWORD, DESKTOP, PHONE, skip, start, stop, assertNoProblems, shot, visible,
  login, assertText, expectHome,
} from '../lib.mjs'

let base = ''
let page = null

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})

after(stop)

/** Today in the office's time zone (the browser runs in Asia/Shanghai too). */
function officeToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date())
}

test('agent finds 3-2-1502 with the lookup and adds a tenant', { skip, timeout: 120000 }, async () => {
  await page.goto(base + '/login')
  await login('agent', PASSWORD)
  await expectHome('李静')
  await assertText('[data-test="greeting-project"]', '翠湖花园管理处')

  // "/" from anywhere puts the cursor in the lookup box
  await page.locator('body').click({ position: { x: 600, y: 400 } })
  await page.keyboard.press('/')
  await page.waitForFunction(() => !!document.activeElement?.closest('[data-test="lookup"]'))
  await page.keyboard.type('1502', { delay: 40 })

  // results grouped 房屋 / 人员 / 车辆; every 1502 of the project is a unit hit
  const popper = visible('.lookup-popper')
  await popper.locator('.el-select-group__title', { hasText: '房屋' }).waitFor()
  const target = popper.locator('.el-select-dropdown__item', { hasText: '3-2-1502' })
  await target.waitFor()
  assert.ok(await popper.locator('.el-select-dropdown__item').count() > 1, 'several units have a room 1502')
  assert.match(await target.textContent(), /已入住|空置|装修中|未交房|出租/, 'a unit hit shows its status')
  await shot('lookup-1366.png')

  // arrow keys move through the results; Enter opens the one highlighted
  let found = false
  for (let i = 0; i < 30 && !found; i++) {
    const hovered = await popper.locator('.el-select-dropdown__item.is-hovering').textContent().catch(() => '')
    if (hovered && hovered.includes('3-2-1502')) found = true
    else await page.keyboard.press('ArrowDown')
  }
  assert.ok(found, 'ArrowDown reaches 3-2-1502')
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => /^\/units\/\d+$/.test(new URL(u).pathname))
  await assertText('[data-test="unit-code"]', '3-2-1502')
  await page.locator('[data-test="unit-status"]').first().waitFor()

  // 住户: add a new person as 租户 from today
  await page.locator('[data-test="tab-residents"]').click()
  await page.locator('[data-test="residents-table"]').waitFor()
  const countBefore = Number(((await page.locator('[data-test="tab-residents"]').textContent()).match(/\d+/) || ['0'])[0])
  await page.locator('[data-test="resident-add"]').click()
  const dialog = visible('[data-test="resident-dialog"]')
  await dialog.waitFor()
  await dialog.locator('label', { hasText: '新建人员' }).click()
  await dialog.locator('[data-test="resident-name"] input').fill('测试租户')
  await dialog.locator('[data-test="resident-phone"] input').fill('13912345678')
  await dialog.locator('[data-test="resident-relation"]').click()
  await visible('.el-select-dropdown__item', { hasText: /^租户$/ }).click()
  assert.equal(await dialog.locator('[data-test="resident-since"] input').inputValue(), officeToday(),
    'the relation starts today by default')
  await dialog.locator('[data-test="resident-save"]').click()
  await dialog.waitFor({ state: 'hidden' })
  await visible('.el-message--success', { hasText: '已添加租户' }).waitFor()

  const row = page.locator('[data-test="residents-table"] .el-table__body tr', { hasText: '测试租户' })
  await row.waitFor()
  const rowText = await row.textContent()
  assert.ok(rowText.includes('租户'), 'the new row shows the relation')
  assert.ok(rowText.includes('当前'), 'the tenant is current')
  assert.ok(rowText.includes(officeToday()), 'since today')
  await assertText('[data-test="tab-residents"]', String(countBefore + 1)) // the demo's household and now the tenant
  await shot('unit-1366.png')

  // 变更记录 shows who added whom
  await page.locator('[data-test="tab-history"]').click()
  const history = visible('[data-test="history"]')
  await history.waitFor()
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-test="history"]')].some((h) => h.textContent.includes('测试租户')))
  const historyText = await history.textContent()
  assert.ok(historyText.includes('测试租户'), '变更记录 names the new tenant')
  assert.ok(historyText.includes('租户'), '变更记录 names the relation')
  assert.ok(historyText.includes('李静'), '变更记录 names who did it')
  await shot('unit-history-1366.png')

  // the unit page on a phone (once the success message has gone)
  await page.locator('[data-test="tab-residents"]').click()
  await page.setViewportSize(PHONE)
  await page.locator('[data-test="residents-table"]').waitFor()
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('unit-375.png')
  await page.setViewportSize(DESKTOP)
  assertNoProblems('the lookup and tenant walk')
})

test('the archive lists and the person page open without errors', { skip, timeout: 120000 }, async () => {
  // 房屋: buildings on the left, only incomplete units on request
  await visible('.el-menu-item', { hasText: '房屋' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/units')
  await page.locator('[data-test="units-table"] .el-table__body tr').first().waitFor()
  await page.locator('[data-test="building-tree"]', { hasText: '3栋' }).waitFor()
  assert.match(await page.locator('[data-test="units-table"]').textContent(), /\d+\.\d\d \/ \d+\.\d\d/, 'areas with two decimals')
  await shot('units-1366.png')

  // 人员 and one person's page (masked for an agent: no reveal button)
  await visible('.el-menu-item', { hasText: '人员' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/people')
  const first = page.locator('[data-test="people-table"] .el-table__body tr a.link').first()
  await first.waitFor()
  assert.match(await page.locator('[data-test="people-table"]').textContent(), /1\d\d\*{4}\d{4}/, 'phones are masked')
  await first.click()
  await page.waitForURL((u) => /^\/people\/\d+$/.test(new URL(u).pathname))
  await page.locator('[data-test="person-info"]').waitFor()
  assert.equal(await page.locator('[data-test="person-reveal"]').count(), 0, 'an agent cannot reveal')
  await shot('person-1366.png')

  for (const [title, path, table] of [['车辆', '/vehicles', 'vehicles-table'], ['楼栋', '/buildings', 'buildings-table']]) {
    await visible('.el-menu-item', { hasText: title }).click()
    await page.waitForURL((u) => new URL(u).pathname === path)
    await page.locator(`[data-test="${table}"] .el-table__body tr`).first().waitFor()
  }

  await visible('.el-menu-item', { hasText: '建档率' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/archive/completeness')
  await assertText('[data-test="completeness-rate"]', '%')
  await page.locator('[data-test="completeness-buildings"] .el-table__body tr').first().waitFor()
  await shot('completeness-1366.png')
  assertNoProblems('the archive lists')
})

test('批量导入: a roster with a problem is refused row by row, a clean one imports', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/archive/import')   // still logged in as the agent of the first walk
  await page.locator('[data-test="import-file"]').waitFor()
  const head = '楼栋号,单元,房间号,楼层,建筑面积,使用面积,用途,户型结构,产权人,房屋状态,姓名,关系,手机,证件类型,证件号码,车牌号'
  const input = page.locator('[data-test="import-file"] input[type=file]')
  await input.setInputFiles({ name: '有问题的名册.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`${head}\n1,1,2801,28,90,,住宅,,王五,已入住,王五,邻居,123,,,\n`) })
  await page.locator('[data-test="import-check"]').click()
  const problems = page.locator('[data-test="import-problems"]')
  await problems.waitFor()
  const text = await problems.textContent()
  assert.ok(text.includes('关系') && text.includes('手机'), text)
  assert.ok(await page.locator('[data-test="import-commit"]').isDisabled(), 'no import while rows have problems')
  await shot('import-problems-1366.png')
  await input.setInputFiles({ name: '名册.csv', mimeType: 'text/csv',
    buffer: Buffer.from(`${head}\n1,1,2801,28,90.50,,住宅,三房两厅,王五,已入住,王五,业主,13612345678,,,\n`) })
  await page.locator('[data-test="import-check"]').click()
  await visible('.el-message--success', { hasText: '检查通过' }).waitFor()
  await page.locator('[data-test="import-commit"]').click()
  await visible('.el-result__title', { hasText: '导入完成' }).waitFor()
  await shot('import-done-1366.png')
  assertNoProblems('the import walk')
})
