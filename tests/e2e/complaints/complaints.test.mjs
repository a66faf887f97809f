// Browser walk of 投诉 (客情记录表, issue 6): the agent registers a major complaint for 3-2-1502
// with F2 (type, severity, read-back) and assigns it to 刘强 of 工程部 with a handling deadline two
// days ahead; the test clock moves four days on, and the complaint page shows the handling
// deadline overdue in red and the complaint escalated; the supervisor finds it on 升级督办 and in
// the bell; the handler 刘强 records the reply and then the result with cause and corrective
// action; the agent records a satisfied callback and closes it. Then the supervisor names a
// member of staff in a complaint, and the monthly summary (KPI, hot-spot chart, staff named).
// Screenshots go to $KEFU_E2E_OUT.
//
// The walk moves the server's clock, so it runs a server of its own with --test-clock (KEFU_BIN
// or build/kefu, see lib.mjs) whatever KEFU_URL says; the browser's clock follows the server's.
// Needs the demo data: unit 3-2-1502 with an owner; agent 李静, supervisor 陈慧敏, technician 刘强,
// steward 张伟.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  PASSWORD, DESKTOP, skipOwn as skip, start, stop, assertNoProblems, shot, visible, login, loginDesktop, findInList,
  assertText,
} from '../lib.mjs'

const PHONE_390 = { width: 390, height: 844 }
const DAY = 86400 * 1000
const pad = (n) => String(n).padStart(2, '0')

let base = ''
let page = null
let context = null
let T0 = 0            // the server's (and the browser's) time when the walk starts
let number = ''       // the complaint of the walk
let complaintPath = ''

/** "2026-12-05 09:00" in office time (+08:00) for a time in ms. */
function officeText(ms) {
  const d = new Date(ms + 8 * 3600 * 1000)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

async function setServerClock(body) {
  const res = await fetch(`${base}/api/v1/_test/clock`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  })
  assert.equal(res.status, 200, 'the test clock moves')
  return Date.parse((await res.json()).now)
}

/** A small API client for the data the walk does not type in (the summary's other complaints). */
async function apiAs(username) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  })
  assert.equal(res.status, 200, `api login ${username}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const csrf = (await res.json()).csrf_token
  const call = async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const json = r.status === 204 ? null : await r.json()
    assert.ok(r.ok, `${method} ${path} → ${r.status} ${JSON.stringify(json)}`)
    return json
  }
  return { get: (p) => call('GET', p), post: (p, b = {}) => call('POST', p, b) }
}

before(async () => {
  if (skip) return
  ;({ base, page, context } = await start({ testClock: true }))
  // the walk starts on the 3rd of next month at 09:00 (office time): four days later is the same
  // month, so the monthly summary holds the complaint; the browser's clock is the server's
  const now = Date.parse((await (await fetch(`${base}/api/v1/_test/clock`)).json()).now)
  const office = new Date(now + 8 * 3600 * 1000)
  const y = office.getUTCFullYear() + (office.getUTCMonth() === 11 ? 1 : 0)
  const m = (office.getUTCMonth() + 1) % 12
  T0 = await setServerClock({ now: `${y}-${pad(m + 1)}-03T09:00:00+08:00` })
  await context.clock.install({ time: T0 })
})

after(stop)

async function logout() {
  await page.locator('[data-test="user-menu"]').click()
  await visible('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/login')
}

async function quietMessages() {
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
}

async function waitState(label) {
  await page.waitForFunction((l) => document.querySelector('[data-test="ticket-state"]')?.textContent.trim() === l, label)
}

/** Open an action's dialog, let fill() fill it, submit, and wait for the state to move. */
async function act(action, fill, state) {
  await page.locator(`[data-test="action-${action}"]`).click()
  const dialog = visible('[data-test="action-dialog"]')
  await dialog.waitFor()
  await fill(dialog)
  await dialog.locator('[data-test="action-submit"]').click()
  await dialog.waitFor({ state: 'hidden' })
  if (state) await waitState(state)
}

async function pickOption(text) {
  const item = visible('.el-select-dropdown__item', { hasText: text }).first()
  await item.waitFor()
  await item.click()
}

const clock = (kind) => page.locator(`[data-test="clock-${kind}"]`)
const toneOf = async (kind) => clock(kind).getAttribute('data-tone')

test('agent registers a major complaint for 3-2-1502 with F2 and assigns it to 刘强 of 工程部', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/login')
  await login('agent', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')

  await page.locator('body').click({ position: { x: 700, y: 420 } })
  await page.keyboard.press('F2')
  const dialog = visible('[data-test="register-dialog"]')
  await dialog.waitFor()
  await page.waitForFunction(() => !!document.activeElement?.closest('[data-test="register-lookup"]'))
  await page.keyboard.type('1502', { delay: 40 })
  const hit = visible('.lookup-popper').locator('.el-select-dropdown__item', { hasText: '3-2-1502' }).first()
  await hit.waitFor()
  await hit.click()
  await assertText('[data-test="register-unit-code"]', '3-2-1502')
  await dialog.locator('[data-test="register-person"].is-checked').waitFor()
  const caller = await dialog.locator('[data-test="register-caller"] input').inputValue()

  // 投诉: type, severity and (optionally) the staff named appear
  await dialog.locator('[data-test="register-kind"] label', { hasText: /^投诉$/ }).click()
  await dialog.locator('[data-test="register-complaint-type"] .el-select').click()
  await pickOption(/^噪音$/)
  await dialog.locator('[data-test="register-severity"] label', { hasText: /^重大$/ }).click()
  await assertText('[data-test="register-severity"]', '重大投诉会立即通知客服主管和经理')
  // an agent (no users.read) is offered the technicians; nobody is named here
  await dialog.locator('[data-test="register-staff"] .el-select').click()
  await visible('.el-select-dropdown__item', { hasText: '刘强' }).first().waitFor()
  await dialog.locator('[data-test="register-content"] textarea').click() // closes the list
  await dialog.locator('[data-test="register-phone"] input').fill('13812345678')
  await dialog.locator('[data-test="register-content"] textarea').fill('楼上装修噪音很大，晚上十点还在施工')
  await shot('complaint-register-1366.png')

  await dialog.locator('[data-test="register-review"]').click()
  const speech = dialog.locator('[data-test="register-readback-text"]')
  await speech.waitFor()
  const said = await speech.textContent()
  assert.ok(said.startsWith(`${caller}您好，跟您确认一下：您投诉的是“3-2-1502 楼上装修噪音很大`), said)
  assert.ok(said.includes('我们按重大投诉登记，会在 3 天内答复您'), said)
  assert.equal((await dialog.locator('[data-test="register-readback-type"]').textContent()).trim(), '噪音')
  assert.equal((await dialog.locator('[data-test="register-readback-severity"]').textContent()).trim(), '重大')
  assert.equal((await dialog.locator('[data-test="register-readback-staff"]').textContent()).trim(), '未指明')
  await shot('complaint-readback-1366.png')

  await dialog.locator('[data-test="register-save"]').click()
  const num = dialog.locator('[data-test="register-number"]')
  await num.waitFor()
  number = (await num.textContent()).trim()
  assert.match(number, /^TS\d{8}-\d{4}$/)
  await num.click()
  await page.waitForURL((u) => /^\/complaints\/\d+$/.test(new URL(u).pathname))
  complaintPath = new URL(page.url()).pathname
  await assertText('[data-test="ticket-number"]', number)
  await waitState('已登记')
  assert.equal((await page.locator('[data-test="complaint-severity"]').first().textContent()).trim(), '重大')
  await assertText('[data-test="complaint-type"]', '噪音')
  // a major complaint: 3 days to reply, 5 to handle (the browser's clock may be a second behind)
  assert.equal(await toneOf('reply'), 'open')
  assert.match(await clock('reply').locator('[data-test="clock-text"]').textContent(), /^答复还剩 (3 天|2 天 23 小时)/)
  assert.match(await clock('handle').locator('[data-test="clock-text"]').textContent(), /^处理还剩 (5 天|4 天 23 小时)/)
  assert.equal(await toneOf('callback'), 'none')

  // 分派: 工程部, 刘强, handling within two days
  const due = officeText(T0 + 2 * DAY)
  await act('assign', async (d) => {
    await d.locator('[data-test="action-department"] .el-select').click()
    await pickOption(/^工程部$/)
    await d.locator('[data-test="action-handler"] .el-select').click()
    await pickOption('刘强')
    const input = d.locator('[data-test="action-due"] input')
    await input.click()
    await input.fill(due)
    await input.press('Enter')
    await page.locator('.el-picker__popper').filter({ visible: true }).waitFor({ state: 'hidden' }).catch(() => {})
    await d.locator('[data-test="action-note-text"] textarea').click()
    assert.equal(await input.inputValue(), due)
    await d.locator('[data-test="action-note-text"] textarea').fill('请今天联系装修户')
    await shot('complaint-assign-1366.png')
  }, '已分派')
  await assertText('[data-test="complaint-handler"]', '刘强')
  await assertText('[data-test="complaint-department"]', '工程部')
  await assertText('[data-test="clock-handle"]', due)
  assert.match(await clock('handle').locator('[data-test="clock-text"]').textContent(), /^处理还剩 (2 天|1 天 23 小时)/)
  await assertText('[data-test="ticket-events"]', '分派')
  await quietMessages()
  await shot('complaint-assigned-1366.png')
  assertNoProblems('registering and assigning a complaint')
  await logout()
})

test('four days on: handling is overdue and the complaint escalated; the supervisor sees it on 升级督办 and in the bell', { skip, timeout: 120000 }, async () => {
  assert.ok(number, 'the first walk registered a complaint')
  const now = await setServerClock({ advance_seconds: 4 * 86400 })
  assert.ok(now - T0 >= 4 * DAY && now - T0 < 4 * DAY + 10 * 60000, 'four days on (the test clock runs on by itself)')
  await context.clock.setSystemTime(now)

  await loginDesktop('supervisor')

  // the bell counts the messages: the major complaint registered, and its escalation
  const count = page.locator('[data-test="bell-count"] .el-badge__content')
  await count.waitFor()
  assert.ok(Number((await count.textContent()).trim()) >= 2, 'unread messages are counted')

  // 升级督办: the late complaint, its row red with what is late
  await visible('.el-menu-item', { hasText: '升级督办' }).click()
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tab') === 'escalated')
  await assertText('[data-test="complaints-title"]', '升级督办')
  const row = page.locator('[data-test="complaints-table"] .el-table__body tr', { hasText: number }).first()
  await row.waitFor()
  assert.match(await row.getAttribute('class'), /row-overdue/)
  const late = await row.locator('[data-test="complaint-overdue"]').textContent()
  assert.ok(late.includes('处理超时'), late) // the list names the earliest late deadline
  assert.match(await row.textContent(), /经理督办|主管督办/)
  await quietMessages()
  await shot('complaints-escalated-1366.png')

  // the bell: the escalation, a click opens the complaint and marks it read
  await page.locator('[data-test="bell"]').click()
  const panel = visible('[data-test="bell-panel"]')
  await panel.waitFor()
  const item = panel.locator('[data-test="bell-item"]', { hasText: `${number} 已升级至客服主管` }).first()
  await item.waitFor()
  assert.ok((await panel.textContent()).includes(`重大投诉 ${number} 已登记`), 'the major complaint was told at once')
  await shot('complaint-bell-1366.png')
  const before = Number((await count.textContent()).trim())
  await item.click()
  await page.waitForURL((u) => new URL(u).pathname === complaintPath)
  await page.waitForFunction((n) => {
    const el = document.querySelector('[data-test="bell-count"] .el-badge__content')
    return !el || el.style.display === 'none' || Number(el.textContent.trim()) === n - 1
  }, before)

  // the complaint page: the handling clock red and late by two days, the reply late too, escalated
  await waitState('已分派')
  await clock('handle').locator('[data-test="clock-text"]').waitFor()
  assert.equal(await toneOf('handle'), 'late')
  assert.match(await clock('handle').locator('[data-test="clock-text"]').textContent(), /^处理已超时 2 天/)
  assert.equal(await toneOf('reply'), 'late')
  assert.match(await clock('reply').locator('[data-test="clock-text"]').textContent(), /^答复已超时 1 天/)
  const color = await clock('handle').locator('[data-test="clock-text"]').evaluate((el) => getComputedStyle(el).color)
  assert.equal(color, 'rgb(245, 108, 108)', 'overdue is red')
  const esc = (await page.locator('[data-test="complaint-escalation"]').first().textContent()).trim()
  assert.ok(['已升级至客服主管', '已升级至管理处经理'].includes(esc), esc)
  await assertText('[data-test="ticket-events"]', '超时未办结，升级至客服主管')
  await quietMessages()
  await shot('complaint-overdue-1366.png')

  await page.setViewportSize(PHONE_390)
  await page.reload()
  await waitState('已分派')
  await clock('handle').waitFor()
  await page.waitForTimeout(300)
  await shot('complaint-overdue-390.png')
  await page.setViewportSize(DESKTOP)
  assertNoProblems('the late complaint')
  await logout()
})

test('the handler 刘强 replies, then records the result with cause and corrective action', { skip, timeout: 120000 }, async () => {
  assert.ok(complaintPath, 'the first walk registered a complaint')
  await loginDesktop('technician')

  // 我处理的投诉: the handler's queue
  await visible('.el-menu-item', { hasText: '我处理的投诉' }).click()
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tab') === 'handler')
  const link = page.locator('[data-test="complaints-table"] a.link', { hasText: number })
  await link.waitFor()
  await quietMessages()
  await shot('complaints-handler-1366.png')
  await link.click()
  await page.waitForURL((u) => new URL(u).pathname === complaintPath)
  await waitState('已分派')
  // the handler may reply (and note); not assign, call back or close
  const buttons = await page.locator('[data-test="ticket-actions"] button').allTextContents()
  assert.deepEqual(buttons.map((b) => b.trim()).sort(), ['备注', '答复'].sort())

  await act('reply', async (d) => {
    await d.locator('[data-test="action-submit"]').click()
    await d.locator('[data-test="action-reply"] .el-form-item__error').waitFor() // required
    await d.locator('[data-test="action-reply"] textarea').fill('已联系装修户，今晚起 20:00 后停止施工')
    await d.locator('[data-test="action-method"] label', { hasText: /^电话$/ }).click()
  }, '已答复')
  await assertText('[data-test="complaint-reply"]', '20:00 后停止施工')
  assert.equal(await toneOf('reply'), 'met-late')
  assert.equal((await clock('reply').locator('[data-test="clock-text"]').textContent()).trim(), '超时完成')

  await act('handle', async (d) => {
    await d.locator('[data-test="action-cause"] textarea').fill('装修管理未告知施工时间')
    await d.locator('[data-test="action-corrective"] textarea').fill('装修巡查每晚 21:30 一次')
    await d.locator('[data-test="action-preventive"] textarea').fill('装修登记时书面告知施工时间')
    await d.locator('[data-test="action-result"] textarea').fill('已协调停工，业主认可')
    await d.locator('[data-test="action-valid"] label', { hasText: '有效投诉' }).click()
    await shot('complaint-handle-1366.png')
  }, '已处理')
  await assertText('[data-test="complaint-cause"]', '装修管理未告知施工时间')
  await assertText('[data-test="complaint-corrective"]', '装修巡查每晚 21:30 一次')
  await assertText('[data-test="complaint-valid"]', '有效投诉')
  assert.equal(await toneOf('handle'), 'met-late')
  // the callback is due within 24 hours of handling
  assert.equal(await toneOf('callback'), 'open')
  assert.match(await clock('callback').locator('[data-test="clock-text"]').textContent(), /^回访还剩 (1 天|23 小时)/)
  await quietMessages()
  await shot('complaint-handled-1366.png')
  assertNoProblems('the handler walk')
  await logout()
})

test('the agent records a satisfied callback and closes the complaint', { skip, timeout: 120000 }, async () => {
  assert.ok(complaintPath, 'the first walk registered a complaint')
  await loginDesktop('agent')

  const row = await findInList('投诉列表', '/complaints', 'complaint', number)
  assert.ok((await row.textContent()).includes('已处理'))
  await quietMessages()
  await shot('complaints-1366.png')
  await row.locator('a.link', { hasText: number }).click()
  await page.waitForURL((u) => new URL(u).pathname === complaintPath)

  await act('callback', async (d) => {
    await d.locator('[data-test="action-method"] label', { hasText: /^电话$/ }).click()
    await d.locator('[data-test="action-satisfaction"] label', { hasText: /^满意$/ }).click()
    await d.locator('[data-test="action-result"] textarea').fill('业主表示晚上已安静，满意')
  }, '已回访')
  await assertText('[data-test="complaint-satisfaction"]', '满意')
  assert.equal(await toneOf('callback'), 'met')

  await act('close', async () => {}, '已关闭')
  const events = await page.locator('[data-test="ticket-events"]').textContent()
  for (const w of ['登记', '分派', '升级', '答复', '处理完毕', '回访', '关闭']) assert.ok(events.includes(w), `the history has ${w}`)
  assert.equal(await page.locator('[data-test="ticket-actions"] button').count(), 0, 'nothing left for the agent')
  await quietMessages()
  await shot('complaint-closed-1366.png')

  // the ticket address of a complaint leads to its page
  await page.goto(base + complaintPath.replace('/complaints/', '/tickets/'))
  await page.waitForURL((u) => new URL(u).pathname === complaintPath)
  await waitState('已关闭')
  assertNoProblems('the callback and close')
  await logout()
})

test('the supervisor names the staff complained about; the monthly summary with its hot-spot chart', { skip, timeout: 150000 }, async () => {
  assert.ok(complaintPath, 'the first walk registered a complaint')
  // more of the month: complaints in several buildings, two naming 张伟
  const sup = await apiAs('supervisor')
  const unitOf = {}
  for (const b of ['1', '2', '3']) unitOf[b] = (await sup.get(`/api/v1/units?project_id=1&per_page=1&q=${b}-1-`)).items[0]
  const steward = (await sup.get('/api/v1/users?project_id=1&q=steward')).items.find((u) => u.username === 'steward').id
  const technician = (await sup.get('/api/v1/users?project_id=1&q=technician')).items.find((u) => u.username === 'technician').id
  const seed = [
    ['1', 'environment', 'normal', '垃圾桶满溢无人清理'],
    ['1', 'environment', 'normal', '楼道有异味'],
    ['2', 'noise', 'normal', '夜间广场舞音乐太响'],
    ['2', 'service_attitude', 'normal', '管家接电话态度生硬', [steward]],
    ['3', 'charges', 'normal', '物业费账单与实际不符'],
    ['3', 'engineering', 'major', '外墙渗水多次未修好'],
  ]
  for (const [b, type, severity, content, staff] of seed) {
    const u = unitOf[b]
    const t = await sup.post('/api/v1/tickets', {
      kind: 'complaint', channel: 'phone', unit_id: u.id, caller: '业主', content, complaint_type: type, severity,
      ...(staff ? { staff_ids: staff } : {}),
    })
    if (type === 'environment') {
      await sup.post(`/api/v1/tickets/${t.id}/actions/assign`, { department: '保洁部', handler_id: technician })
      await sup.post(`/api/v1/tickets/${t.id}/actions/reply`, { reply: '已安排保洁处理', method: 'phone' })
      await sup.post(`/api/v1/tickets/${t.id}/actions/handle`, { result: '已清理', cause: '保洁排班不足', corrective_action: '增加一班清运', valid: true })
    }
  }

  await loginDesktop('supervisor')

  // F2: the supervisor can name anyone of the project
  await page.keyboard.press('F2')
  const dialog = visible('[data-test="register-dialog"]')
  await dialog.waitFor()
  await page.waitForFunction(() => !!document.activeElement?.closest('[data-test="register-lookup"]'))
  await page.keyboard.type('1502', { delay: 40 })
  const hit = visible('.lookup-popper').locator('.el-select-dropdown__item', { hasText: '3-2-1502' }).first()
  await hit.waitFor()
  await hit.click()
  await dialog.locator('[data-test="register-person"].is-checked').waitFor()
  await dialog.locator('[data-test="register-kind"] label', { hasText: /^投诉$/ }).click()
  await dialog.locator('[data-test="register-complaint-type"] .el-select').click()
  await pickOption(/^服务态度$/)
  await dialog.locator('[data-test="register-staff"] .el-select').click()
  await pickOption('张伟')
  await dialog.locator('[data-test="register-content"] textarea').click() // closes the list
  await dialog.locator('[data-test="register-phone"] input').fill('13812345678')
  await dialog.locator('[data-test="register-content"] textarea').fill('管家上门态度不好，说话不耐烦')
  await dialog.locator('[data-test="register-review"]').click()
  await dialog.locator('[data-test="register-readback-text"]').waitFor()
  assert.equal((await dialog.locator('[data-test="register-readback-staff"]').textContent()).trim(), '张伟')
  assert.equal((await dialog.locator('[data-test="register-readback-severity"]').textContent()).trim(), '一般')
  await shot('complaint-staff-readback-1366.png')
  await dialog.locator('[data-test="register-save"]').click()
  await dialog.locator('[data-test="register-open"]').click()
  await page.waitForURL((u) => /^\/complaints\/\d+$/.test(new URL(u).pathname))
  await assertText('[data-test="complaint-staff"]', '张伟')
  await waitState('已登记')

  // 时限与类型: the project's limits per severity (a major complaint: 3 days to reply, 5 to handle)
  await visible('.el-menu-item', { hasText: '投诉列表' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/complaints')
  await page.locator('[data-test="complaint-settings-open"]').click()
  const settings = visible('[data-test="complaint-settings"]')
  await settings.waitFor()
  const major = settings.locator('[data-test="complaint-rules"] .el-table__body tr', { hasText: '重大' })
  await major.waitFor()
  assert.deepEqual(await major.locator('input').evaluateAll((xs) => xs.map((x) => x.value)), ['72', '120', '24', '24'])
  await settings.locator('[data-test="complaint-types"] .el-table__body tr', { hasText: 'neighbour' }).waitFor()
  await shot('complaint-settings-1366.png')
  await settings.locator('.el-dialog__footer button', { hasText: '关闭' }).click()
  await settings.waitFor({ state: 'hidden' })

  // 投诉月度汇总: this month (the walk's), KPIs, the chart, 张伟 named twice in red
  await visible('.el-menu-item', { hasText: '投诉月度汇总' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/complaints/summary')
  await page.locator('[data-test="summary-kpis"]').waitFor()
  const month = officeText(T0).slice(0, 7)
  assert.equal(await page.locator('input[data-test="summary-month"], [data-test="summary-month"] input').first().inputValue(), `${month.slice(0, 4)}年${month.slice(5)}月`)
  assert.equal((await page.locator('[data-test="kpi-count"]').textContent()).trim(), '8')
  await page.locator('[data-test="hotspot-heatmap"] canvas').first().waitFor()
  await page.locator('[data-test="hotspot-bar"] canvas').first().waitFor()
  const flagged = page.locator('[data-test="summary-staff"] .el-table__body tr', { hasText: '张伟' })
  await flagged.locator('[data-test="staff-flagged"]', { hasText: '本月两次及以上' }).waitFor()
  await assertText('[data-test="summary-causes"]', '保洁排班不足')
  // the callback rate misses its 100% target (handled, not yet called back): red
  assert.match(await page.locator('[data-test="kpi-callback"]').getAttribute('class'), /miss/)
  await page.waitForTimeout(800) // the charts' first animation
  await quietMessages()
  await shot('complaint-summary-1366.png')
  await page.locator('[data-test="hotspot-heatmap"]').scrollIntoViewIfNeeded()
  await page.setViewportSize(PHONE_390)
  await page.waitForTimeout(800)
  await shot('complaint-summary-390.png')
  await page.setViewportSize(DESKTOP)

  // 打印 PDF opens the A4 page
  const [pdf] = await Promise.all([
    context.waitForEvent('page'),
    page.locator('[data-test="summary-pdf"]').click(),
  ])
  await pdf.waitForLoadState('domcontentloaded').catch(() => {})
  assert.ok(pdf.url().includes('/api/v1/stats/complaints/summary.pdf?month='), pdf.url())
  await pdf.close()
  assertNoProblems('the monthly summary')
})
