// Browser walk of the list pages as a kind of their own (issue 20, points 6 and 8): the complaints
// list has its own columns and filters and the tickets list sends 投诉 there; every list prints
// (the A4 sheet names the project and the filters with their names, and is read back from the
// PDF); at 390×844 the units, people, vehicles and users lists are cards that fit the width; a
// toast does not cover a dialog's title at 1366×768 nor at 390×844.
// Screenshots and the PDF go to $KEFU_E2E_OUT.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import {
  PASSWORD, OUT, DESKTOP, skip, start, stop, assertNoProblems, login, expectHome, visible, shot,
} from './lib.mjs'

const PHONE = { width: 390, height: 844 }
let base = ''
let page = null

/** A call of the API as the user logged in (the page's session and CSRF token); answers the JSON. */
const call = (method, p, body) => page.evaluate(async ([m, u, b]) => {
  const res = await fetch('/api/v1' + u, {
    method: m,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('kefu.csrf') },
    body: b ? JSON.stringify(b) : undefined,
  })
  if (!res.ok) throw new Error(`${m} ${u} → ${res.status} ${await res.text()}`)
  return res.json()
}, [method, p, body])

// the demo has no tickets: six repairs waiting for dispatch and three complaints, one handled by 刘强
async function seed() {
  const unit = (await call('GET', '/units?project_id=1&q=3-2-1502')).items[0].id
  const liu = (await call('GET', '/staff?project_id=1')).items.find((u) => u.display_name === '刘强').id
  const reg = (b) => call('POST', '/tickets', { project_id: 1, channel: 'phone', unit_id: unit, caller: '苏海燕', phone: '13812345678', ...b })
  for (let i = 0; i < 6; i++) await reg({ kind: 'home_repair', category: 'water', content: `卫生间漏水 ${i + 1}` })
  for (const [type, severity, content] of [['noise', 'major', '楼上装修噪音'], ['charges', 'normal', '物业费多收'], ['environment', 'normal', '楼道垃圾未清']]) {
    const c = await reg({ kind: 'complaint', complaint_type: type, severity, content })
    if (type === 'noise') await call('POST', `/tickets/${c.id}/actions/assign`, { department: '工程部', handler_id: liu })
  }
}

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
  await page.goto(base + '/login')
  await login('supervisor', PASSWORD)
  await expectHome('陈慧敏')
  await seed()
})

after(stop)

const heads = (table) => page.locator(`[data-test="${table}"] .el-table__header-wrapper th`).allTextContents()
// a date as the office (and the browser, zh-CN in Asia/Shanghai) writes it
const ymd = (d) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })

/** Prints with the browser's print dialog stubbed out; answers the sheet once it is ready. */
async function printSheet(button = '[data-test="list-print"]') {
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++ } })
  await page.locator(button).first().click()
  const sheet = page.locator('[data-test="print-sheet"]')
  await sheet.waitFor({ state: 'attached' })
  await page.waitForFunction(() => window.__printed === 1)
  return sheet
}

async function donePrinting() {
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')))
  await page.locator('[data-test="print-sheet"]').waitFor({ state: 'detached' })
}

test('the complaints list has its own columns and filters; the tickets list sends 投诉 there', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/complaints')
  await page.locator('[data-test="complaints-table"] .el-table__body tr').first().waitFor()
  const h = (await heads('complaints-table')).map((x) => x.trim()).filter(Boolean)
  for (const c of ['单号', '登记时间', '房号', '投诉人', '类型', '程度', '状态', '处理人', '时限']) assert.ok(h.includes(c), `column ${c}: ${h}`)
  for (const f of ['complaint-state-filter', 'complaint-severity-filter', 'complaint-type-filter', 'complaint-handler-filter'])
    assert.ok(await page.locator(`[data-test="${f}"]`).isVisible(), f)
  // every row a complaint, each opening the complaint page
  const links = await page.locator('[data-test="complaint-link"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  assert.ok(links.length > 0 && links.every((x) => /^\/complaints\/\d+$/.test(x)), links.join(' '))
  // filter by handler: only that handler's complaints
  await page.locator('[data-test="complaint-handler-filter"]').click()
  await visible('.el-select-dropdown__item', { hasText: /^刘强$/ }).click()
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test="complaints-table"] .el-table__body tr')]
    .every((tr) => tr.textContent.includes('刘强') || tr.textContent.includes('暂无')))
  await shot('lists-complaints.png')

  // the tickets list: a complaint's row says its type and severity and links to its page; 投诉 alone opens the complaints list
  await page.goto(base + '/tickets')
  await page.locator('[data-test="tickets-table"] .el-table__body tr').first().waitFor()
  await page.locator('[data-test="ticket-kind-filter"]').click()
  await visible('.el-select-dropdown__item', { hasText: /^投诉$/ }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/complaints')
  await page.locator('[data-test="complaints-title"]').waitFor()
  assertNoProblems('the complaints list')
})

test('the tickets list prints on A4: the project, the title, the filters named, page numbers', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/tickets')
  await page.locator('[data-test="tickets-table"] .el-table__body tr').first().waitFor()
  await page.locator('[data-test="ticket-state-filter"]').click()
  await visible('.el-select-dropdown__item', { hasText: /^待派工$/ }).click()
  await page.keyboard.press('Escape')
  const to = new Date(), from = new Date(Date.now() - 30 * 86400000)
  const [a, b] = [ymd(from), ymd(to)]
  const inputs = page.locator('.filter-bar .el-date-editor input')
  await inputs.nth(0).click()
  await inputs.nth(0).fill(a)
  await inputs.nth(1).fill(b)
  await inputs.nth(1).press('Enter')
  await page.keyboard.press('Escape')
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'))
  await page.locator('.el-pagination__total').waitFor()
  const total = Number((await page.locator('.el-pagination__total').textContent()).match(/\d+/)[0])
  assert.ok(total > 0, 'some repairs waiting for dispatch this month')

  const sheet = await printSheet()
  assert.equal((await sheet.locator('.ps-title').textContent()).trim(), '工单列表')
  assert.match(await sheet.locator('.ps-meta').textContent(), /管理处：翠湖花园管理处[\s\S]*打印人：陈慧敏/)
  const filters = (await sheet.locator('[data-test="print-filters"]').textContent()).replace(/\s+/g, ' ')
  assert.ok(filters.includes(`筛选条件：状态：待派工；登记日期：${a} 至 ${b}`), filters)
  assert.match(filters, new RegExp(`共 ${total} 条`))
  const cols = await sheet.locator('thead th').allTextContents()
  assert.deepEqual(cols.slice(0, 3), ['序号', '单号', '类型'])
  assert.equal(await sheet.locator('tbody tr').count(), Math.min(total, 1000))
  for (const s of await sheet.locator('tbody tr td:nth-child(7)').allTextContents()) assert.equal(s.trim(), '待派工')

  await page.emulateMedia({ media: null }) // page.pdf() prints with the print media
  const pdf = path.join(OUT, 'tickets-print.pdf')
  await page.pdf({ path: pdf, preferCSSPageSize: true })
  const info = execFileSync('pdfinfo', [pdf]).toString()
  assert.match(info, /Page size:\s+84[12](\.\d+)? x 59[45](\.\d+)? pts \(A4\)/, 'A4 landscape')
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-']).toString('utf8')
  const flat = text.replace(/\s+/g, '')
  for (const w of ['工单列表', '管理处：翠湖花园管理处', '打印人：陈慧敏', `状态：待派工；登记日期：${a}至${b}`, '第1页'])
    assert.ok(flat.includes(w), `the PDF says ${w}`)
  await donePrinting()
  assertNoProblems('printing the tickets list')
})

test('every list page has 打印 beside 导出, lists off the kit too', { skip, timeout: 180000 }, async () => {
  await page.setViewportSize(DESKTOP)
  const pages = {
    '/tickets': 'tickets-table', '/complaints': 'complaints-table', '/reviews': null, '/visits': null,
    '/visits/plans': null, '/units': 'units-table', '/people': 'people-table', '/vehicles': 'vehicles-table',
    '/buildings': null, '/users': 'users-table', '/audit': 'audit-table', '/projects': null,
  }
  for (const p of Object.keys(pages)) {
    await page.goto(base + p)
    await page.locator('.filter-bar [data-test="list-print"]').waitFor()
    assert.ok(await page.locator('.filter-bar [data-test="export"]').isVisible(), `${p}: 导出 beside 打印`)
  }
  // the audit list on paper: its filters named
  await page.goto(base + '/audit')
  await page.locator('[data-test="audit-table"] .el-table__body tr').first().waitFor()
  await page.locator('.filter-bar .el-select', { hasText: '全部管理处' }).click()
  await visible('.el-select-dropdown__item', { hasText: /^翠湖花园管理处$/ }).click()
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'))
  let sheet = await printSheet()
  assert.equal((await sheet.locator('.ps-title').textContent()).trim(), '审计日志')
  assert.match(await sheet.locator('[data-test="print-filters"]').textContent(), /管理处：翠湖花园管理处/)
  assert.ok(await sheet.locator('tbody tr').count() > 0)
  await donePrinting()

  // 回访 (two lists, not on ListPage) and API 令牌 print too
  await page.goto(base + '/callbacks')
  await page.locator('[data-test="callbacks-table-print"]').waitFor()
  sheet = await printSheet('[data-test="callbacks-table-print"]')
  assert.equal((await sheet.locator('.ps-title').textContent()).trim(), '回访 · 今天到期')
  assert.deepEqual((await sheet.locator('thead th').allTextContents()).slice(0, 2), ['序号', '单号'])
  assert.ok(!(await sheet.locator('thead th').allTextContents()).includes('操作'))
  await donePrinting()
  await page.goto(base + '/tokens')
  sheet = await printSheet()
  assert.equal((await sheet.locator('.ps-title').textContent()).trim(), 'API 令牌')
  await donePrinting()
  assertNoProblems('printing every list')
})

test('at 390×844 the units, people, vehicles and users lists are cards that fit the width', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(PHONE)
  for (const [p, table] of [['/units', 'units-table'], ['/people', 'people-table'], ['/vehicles', 'vehicles-table'], ['/users', 'users-table']]) {
    await page.goto(base + p)
    const card = page.locator(`[data-test="${table}"] [data-test="list-card"]`)
    await card.first().waitFor()
    await page.waitForFunction(() => !document.querySelector('.el-loading-mask'))
    assert.equal(await page.locator(`.el-table[data-test="${table}"]`).count(), 0, `${p}: no table on a phone`)
    const fit = await page.evaluate((t) => {
      const cards = [...document.querySelectorAll(`[data-test="${t}"] [data-test="list-card"]`)]
      const over = cards.flatMap((c) => [...c.querySelectorAll('*')]).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      return { width: document.scrollingElement.scrollWidth, cards: cards.length, over: over.map((e) => e.className).slice(0, 3) }
    }, table)
    assert.ok(fit.width <= PHONE.width, `${p}: page ${fit.width}px wide`)
    assert.ok(fit.cards > 0, `${p}: cards`)
    assert.deepEqual(fit.over, [], `${p}: nothing in a card past the right edge`)
    await shot(`lists-phone${p.replace(/\//g, '-')}.png`)
  }
  assert.match(await page.locator('[data-test="users-table"] [data-test="list-card"]').first().textContent(), /手机[\s\S]*最后登录/)
  assertNoProblems('the lists on a phone')
})

test('an error toast does not cover the dialog title, at 1366×768 and 390×844', { skip, timeout: 120000 }, async () => {
  // the server refuses the new token with an error of no field: it shows as a toast
  await page.route('**/api/v1/tokens', (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'conflict', message: '令牌数量已达上限，请先撤销不用的令牌' } }) })
    : route.continue()))
  // at 1366×768 a dialog near the top (新登记 opens at 4vh) and one at its usual 15vh; at 390×844 dialogs start at the top
  for (const [size, name, top] of [[DESKTOP, 'desktop-top', '4vh'], [DESKTOP, 'desktop', ''], [PHONE, 'phone', '']]) {
    await page.setViewportSize(size)
    await page.goto(base + '/tokens')
    if (top) await page.addStyleTag({ content: `.el-dialog { --el-dialog-margin-top: ${top}; }` })
    await page.locator('button', { hasText: '新建令牌' }).click()
    const dialog = visible('.el-dialog', { hasText: '新建令牌' })
    await dialog.locator('input').first().fill('测试脚本')
    await dialog.locator('button', { hasText: '创建' }).click()
    const toast = visible('.el-message', { hasText: '令牌数量已达上限' })
    await toast.waitFor()
    await page.waitForTimeout(400) // the toast's entrance
    const t = await toast.boundingBox(), h = await dialog.locator('.el-dialog__header').boundingBox()
    const apart = t.y >= h.y + h.height || t.y + t.height <= h.y || t.x >= h.x + h.width || t.x + t.width <= h.x
    assert.ok(apart, `${name}: toast ${JSON.stringify(t)} over the title ${JSON.stringify(h)}`)
    await shot(`lists-toast-${name}.png`)
    await dialog.locator('button', { hasText: '取消' }).click()
    await dialog.waitFor({ state: 'hidden' })
  }
  await page.unroute('**/api/v1/tokens')
  // Chromium logs the 409s answered above as console errors; nothing else may be there
  try {
    assertNoProblems('the toasts')
  } catch (err) {
    assert.ok(err.actual.every((x) => /status of 409/.test(x)), err.message)
  }
})
