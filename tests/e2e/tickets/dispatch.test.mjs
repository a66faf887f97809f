// Browser walk of the dispatch queue (issue 20, point 3): the supervisor's 工作台 shows 派工队列
// — the repairs 待派工 and the complaints not yet assigned, oldest first, with their clocks; a
// repair registered meanwhile through the API comes in without a reload (the poll interval set
// to 1 s through localStorage kefu.pollSeconds, kit/usePoll.js); 派工 from the queue to the
// technician takes it out; 分派 of a complaint from the queue; the ticket list's 待派工 tab is
// live too; the technician completes (API) and a satisfied callback closes the order, which
// leaves 我的待办. Screenshots at 1366×768 and 390×844 in $KEFU_E2E_OUT.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { PASSWORD, DESKTOP, skip, start, stop, assertNoProblems, shot, visible, loginDesktop } from '../lib.mjs'
import { client } from '../../api/lib/harness.mjs'

const PHONE_390 = { width: 390, height: 844 }

let base = ''
let page = null
let desk = null        // the supervisor's own API session (registers "at another screen")
let agent = null
let technician = null
let unit = 0
const numbers = {}     // name → ticket {id, number}

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
  ;[desk, agent, technician] = await Promise.all(['supervisor', 'agent', 'technician'].map(async (u) => {
    const c = client(base)
    assert.equal((await c.login(u, PASSWORD)).status, 200, `API login ${u}`)
    return c
  }))
  unit = (await agent.get('/api/v1/units?q=3-2-1502')).json.items.find((x) => x.code === '3-2-1502').id
  await emptyQueue()
})

// The walks before this one (on a shared server) may have left repairs waiting and complaints
// unassigned: they are cancelled / voided first, so the queue holds this walk's tickets only.
async function emptyQueue() {
  const left = (await desk.get('/api/v1/tickets?project_id=1&waiting=dispatch,assign&per_page=200')).json.items
  for (const t of left) {
    const action = t.kind === 'complaint' ? 'void' : 'cancel'
    const r = await desk.post(`/api/v1/tickets/${t.id}/actions/${action}`, { version: t.version, reason: '派工队列测试前清理' })
    assert.equal(r.status, 200, `${action} ${t.number}: ${r.text}`)
  }
}

after(stop)

async function register(c, name, body) {
  const r = await c.post('/api/v1/tickets', {
    channel: 'phone', unit_id: unit, caller: '派工队列', phone: '13712348582', ...body,
  })
  assert.equal(r.status, 201, r.text)
  numbers[name] = r.json
  return r.json
}
const repair = (c, name, content) => register(c, name, { kind: 'home_repair', category: 'water', content })

const queueRows = '[data-test="dispatch-queue"] [data-test="dispatch-queue-row"]'
const queueNumbers = () => page.locator(`${queueRows} [data-test="dispatch-queue-number"]`).allTextContents()
const queueRow = (number) => page.locator(queueRows, { hasText: number })

/** Home count row `label` of 我的待办 (0 when the card shows no rows). */
async function todoCount(label) {
  const row = page.locator(`[data-test="home-todo"] [data-test="home-count-${label}"] .n`)
  return (await row.count()) ? Number((await row.textContent()).trim()) : 0
}

test('the supervisor\'s 工作台: the queue, oldest first; a new repair comes in without a reload; 派工 and 分派 from the queue', { skip, timeout: 120000 }, async () => {
  await repair(agent, 'r1', '厨房水槽下水管漏水')
  await register(agent, 'c1', { kind: 'complaint', complaint_type: 'noise', content: '楼上夜间装修噪音' })
  await repair(agent, 'r2', '卫生间地漏返味')

  await page.goto(base + '/login')
  await page.evaluate(() => localStorage.setItem('kefu.pollSeconds', '1'))
  await loginDesktop('supervisor')
  await page.locator(queueRows).first().waitFor()
  assert.deepEqual(await queueNumbers(), [numbers.r1.number, numbers.c1.number, numbers.r2.number], 'oldest first')
  const r1 = queueRow(numbers.r1.number)
  assert.match(await r1.textContent(), /维修[\s\S]*3-2-1502[\s\S]*厨房水槽下水管漏水[\s\S]*派工 \d\d-\d\d \d\d:\d\d[\s\S]*还剩/)
  assert.match(await queueRow(numbers.c1.number).textContent(), /投诉[\s\S]*答复 \d\d-\d\d[\s\S]*分派/)
  await shot('dispatch-queue-1366.png')

  // registered meanwhile: it comes in within the poll interval, the page is not reloaded
  await page.evaluate(() => { window.__kept = 'same page' })
  const before = Date.now()
  const r3 = await repair(desk, 'r3', '阳台推拉门滑轮脱落')
  await queueRow(r3.number).waitFor({ timeout: 5000 })
  assert.ok(Date.now() - before < 5000, 'within a few poll intervals')
  assert.equal(await page.evaluate(() => window.__kept), 'same page', 'no reload')
  assert.deepEqual((await queueNumbers()).at(-1), r3.number, 'the newest last')
  await visible('[data-test="dispatch-queue-fresh"]', { hasText: '有 1 条新工单' }).waitFor()
  await shot('dispatch-queue-new-1366.png')

  // 派工 right there, to the technician
  await page.locator(`[data-test="dispatch-queue-act-${r3.number}"]`).click()
  const act = visible('[data-test="action-dialog"]')
  await act.waitFor()
  assert.match(await act.textContent(), new RegExp(`派工 · ${r3.number}`))
  await act.locator('[data-test="technician-select"]').click()
  await visible('.el-select-dropdown__item', { hasText: '刘强' }).click()
  await shot('dispatch-queue-dialog-1366.png')
  await act.locator('[data-test="action-submit"]').click()
  await act.waitFor({ state: 'hidden' })
  await queueRow(r3.number).waitFor({ state: 'detached' })
  assert.equal((await agent.get(`/api/v1/tickets/${r3.id}`)).json.state, 'dispatched')

  // 分派 of the complaint, right there too
  await page.locator(`[data-test="dispatch-queue-act-${numbers.c1.number}"]`).click()
  await act.waitFor()
  assert.match(await act.textContent(), new RegExp(`分派 · ${numbers.c1.number}`))
  await act.locator('[data-test="action-department"] input').fill('工程部')
  await act.locator('[data-test="action-department"] input').press('Enter')
  await act.locator('[data-test="handler-select"]').click()
  await visible('.el-select-dropdown__item', { hasText: '刘强' }).click()
  await act.locator('[data-test="action-submit"]').click()
  await act.waitFor({ state: 'hidden' })
  await queueRow(numbers.c1.number).waitFor({ state: 'detached' })
  assert.equal((await agent.get(`/api/v1/tickets/${numbers.c1.id}`)).json.state, 'assigned')
  assert.deepEqual(await queueNumbers(), [numbers.r1.number, numbers.r2.number])
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})

  await page.setViewportSize(PHONE_390)
  await page.locator('[data-test="dispatch-queue"]').scrollIntoViewIfNeeded()
  await shot('dispatch-queue-390.png')
  const box = await page.locator('[data-test="dispatch-queue"]').boundingBox()
  assert.ok(box.width <= 390, `the queue fits the phone (${box.width})`)
  const act390 = await page.locator(`[data-test="dispatch-queue-act-${numbers.r1.number}"]`).boundingBox()
  assert.ok(act390.x + act390.width <= 390, 'its button is on screen')
  await page.setViewportSize(DESKTOP)
  assertNoProblems('the dispatch queue')
})

test('the ticket list\'s 待派工 tab: only repairs waiting, oldest first, live', { skip, timeout: 60000 }, async () => {
  await page.locator('[data-test="dispatch-queue-all"]').click()
  await page.waitForURL((u) => new URL(u).pathname === '/tickets' && new URL(u).searchParams.get('tab') === 'dispatch')
  const rows = '[data-test="tickets-table"] .el-table__body tr'
  const listNumbers = () => page.locator(`${rows} [data-test="ticket-link"]`).allTextContents()
  await page.waitForFunction((r) => document.querySelectorAll(r).length === 2, rows)
  assert.deepEqual(await listNumbers(), [numbers.r1.number, numbers.r2.number])
  assert.ok(await page.locator('[data-test="ticket-tab-dispatch"].is-active').count(), 'the tab is on')

  const r4 = await repair(agent, 'r4', '入户门锁芯损坏')
  await page.waitForFunction((r) => document.querySelectorAll(r).length === 3, rows, { timeout: 5000 })
  assert.deepEqual(await listNumbers(), [numbers.r1.number, numbers.r2.number, r4.number])
  await visible('[data-test="ticket-fresh"]', { hasText: '有 1 条新工单' }).waitFor()
  await shot('tickets-dispatch-tab-1366.png')
  await page.setViewportSize(PHONE_390)
  await shot('tickets-dispatch-tab-390.png')
  await page.setViewportSize(DESKTOP)
  assertNoProblems('the 待派工 tab')
})

test('a satisfied callback closes the order: it leaves 我的待办', { skip, timeout: 60000 }, async () => {
  const r3 = numbers.r3
  assert.equal((await technician.post(`/api/v1/tickets/${r3.id}/actions/start`, {})).status, 200)
  assert.equal((await technician.post(`/api/v1/tickets/${r3.id}/actions/complete`, { work_done: '更换滑轮', confirm_code: '2468' })).status, 200)

  await page.goto(base + '/')
  await page.locator('[data-test="home-todo"] [data-test^="home-count-"]').first().waitFor()
  const mine = (await desk.get('/api/v1/tickets?project_id=1&mine=1&per_page=1')).json.total
  assert.equal(await todoCount('我登记的未完结工单'), mine)

  await page.goto(base + `/tickets/${r3.id}`)
  await page.locator('[data-test="action-callback"]').click()
  const act = visible('[data-test="action-dialog"]')
  await act.waitFor()
  await act.locator('[data-test="action-satisfaction"] label', { hasText: /^满意$/ }).click()
  await act.locator('[data-test="action-result"] textarea').fill('业主说推拉门好用了')
  await act.locator('[data-test="action-submit"]').click()
  await act.waitFor({ state: 'hidden' })
  await visible('.el-message', { hasText: '工单已关闭' }).waitFor()
  await page.waitForFunction(() => document.querySelector('[data-test="ticket-state"]')?.textContent.trim() === '已关闭')
  await shot('callback-closed-1366.png')

  await page.goto(base + '/')
  await page.locator('[data-test="home-todo"]').waitFor()
  await page.waitForFunction(([m]) => {
    const n = document.querySelector('[data-test="home-todo"] [data-test="home-count-我登记的未完结工单"] .n')
    return (n ? Number(n.textContent.trim()) : 0) === m
  }, [mine - 1])
  assert.equal((await desk.get(`/api/v1/tickets/${r3.id}`)).json.state, 'closed')
  await shot('home-after-callback-1366.png')
  assertNoProblems('the callback that closes')
})

test('维修时限设置: the switch 回访满意后自动关闭工单, on by default, saved when moved', { skip, timeout: 60000 }, async () => {
  await page.goto(base + '/settings/service')
  const option = page.locator('[data-test="option-callback_auto_close"]')
  await option.waitFor()
  assert.match(await option.textContent(), /回访满意后自动关闭工单[\s\S]*默认[\s\S]*已开启/)
  const sw = page.locator('[data-test="option-switch-callback_auto_close"]')
  assert.ok(await sw.locator('.is-checked').count() || await sw.evaluate((e) => e.classList.contains('is-checked')), 'on')
  await sw.click()
  await visible('.el-message', { hasText: '「回访满意后自动关闭工单」已关闭' }).waitFor()
  assert.match(await option.textContent(), /本处设置[\s\S]*已关闭：回访满意的工单停在“已回访”/)
  const o = (await desk.get('/api/v1/ticket-options?project_id=1')).json.items.find((x) => x.code === 'callback_auto_close')
  assert.equal(o.enabled, false)
  await shot('settings-option-off-1366.png')
  await page.setViewportSize(PHONE_390)
  await shot('settings-option-off-390.png')
  await page.setViewportSize(DESKTOP)
  await sw.click()
  await visible('.el-message', { hasText: '「回访满意后自动关闭工单」已开启' }).waitFor()
  assert.equal((await desk.get('/api/v1/ticket-options?project_id=1')).json.items[0].enabled, true)
  assertNoProblems('the service settings')
})
