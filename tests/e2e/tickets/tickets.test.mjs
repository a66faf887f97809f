// Browser walk of 服务登记 / 维修任务单: a front-desk agent registers a home repair with F2
// (lookup 1502 → 3-2-1502 → the owner as caller → read-back → saved with its number) and
// dispatches it; the technician works it on a phone (接单 → 开始处理 → 完工 with the owner's
// signature drawn on the canvas); the agent calls back, the owner is 不满意, and the order is
// back at 待派工 with a 重新打开 event. Then a stale action (409) and the other ticket screens.
// Screenshots go to $KEFU_E2E_OUT.
//
// Run: KEFU_URL=http://127.0.0.1:PORT node --test tests/e2e/ (or let lib.mjs start build/kefu).
// Needs the demo data: unit 3-2-1502 with an owner, users agent (李静) and technician (刘强).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  PASSWORD, DESKTOP, skip, start, stop, assertNoProblems, shot, visible, login, loginDesktop, findInList, assertText,
} from '../lib.mjs'

const PHONE_390 = { width: 390, height: 844 }

let base = ''
let page = null
let number = ''   // the ticket registered by the first walk
let ticketPath = ''

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})

after(stop)

const pad = (n) => String(n).padStart(2, '0')

/** An appointment later today in office time (tomorrow 09:00 when the day is nearly over). */
function laterToday() {
  const now = new Date(new Date().toLocaleString('en-US', { timeZone: 'Asia/Shanghai' }))
  const d = new Date(now.getTime() + 90 * 60000)
  d.setMinutes(d.getMinutes() < 30 ? 30 : 60, 0, 0)
  let spoken = '今天'
  if (d.getDate() !== now.getDate()) {
    d.setTime(now.getTime())
    d.setDate(d.getDate() + 1)
    d.setHours(9, 0, 0, 0)
    spoken = '明天'
  }
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  return { text: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`, spoken: `${spoken} ${hm}` }
}

async function logout() {
  await page.locator('[data-test="user-menu"]').click()
  await visible('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/login')
}

/** The current state tag of the ticket page (or the phone card). */
async function stateText() {
  return (await page.locator('[data-test="ticket-state"]').first().textContent()).trim()
}

async function waitState(label) {
  await page.waitForFunction((l) => document.querySelector('[data-test="ticket-state"]')?.textContent.trim() === l, label)
}

test('agent registers a home repair with F2, reads it back and dispatches it', { skip, timeout: 120000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/login')
  await login('agent', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
  await assertText('[data-test="header-register"]', 'F2')

  // F2 from anywhere opens 新登记 with the cursor in the lookup
  await page.locator('body').click({ position: { x: 700, y: 420 } })
  await page.keyboard.press('F2')
  const dialog = visible('[data-test="register-dialog"]')
  await dialog.waitFor()
  await page.waitForFunction(() => !!document.activeElement?.closest('[data-test="register-lookup"]'))
  await page.keyboard.type('1502', { delay: 40 })
  const hit = visible('.lookup-popper').locator('.el-select-dropdown__item', { hasText: '3-2-1502' }).first()
  await hit.waitFor()
  await hit.click()

  // the unit is picked: its owner becomes the caller (the phone is masked for an agent)
  await assertText('[data-test="register-unit-code"]', '3-2-1502')
  const owner = dialog.locator('[data-test="register-person"].is-checked')
  await owner.waitFor()
  assert.ok((await owner.textContent()).includes('业主'), 'the owner is chosen as the caller')
  const caller = await dialog.locator('[data-test="register-caller"] input').inputValue()
  assert.ok(caller.length >= 2, 'the caller is filled from the unit')

  // a home repair (the default kind), water, leaking bathroom, later today
  assert.equal((await dialog.locator('[data-test="register-kind"] .is-active').textContent()).trim(), '居家维修')
  assert.equal((await dialog.locator('[data-test="register-channel"] .is-active').textContent()).trim(), '电话')
  await dialog.locator('[data-test="register-category"] label', { hasText: /^水$/ }).click()
  await dialog.locator('[data-test="register-phone"] input').fill('13712348582')
  await dialog.locator('[data-test="register-content"] textarea').fill('卫生间漏水')
  const appt = laterToday()
  const apptInput = dialog.locator('[data-test="register-appointment"] input')
  await apptInput.click()
  await apptInput.fill(appt.text)
  await apptInput.press('Enter')
  await page.locator('.el-picker__popper').filter({ visible: true }).waitFor({ state: 'hidden' }).catch(() => {})
  await dialog.locator('[data-test="register-content"] textarea').click()
  assert.equal(await apptInput.inputValue(), appt.text)
  await shot('tickets-register-1366.png')

  // read back before saving (SPEC B3)
  await dialog.locator('[data-test="register-review"]').click()
  const speech = dialog.locator('[data-test="register-readback-text"]')
  await speech.waitFor()
  const said = await speech.textContent()
  assert.ok(said.startsWith(`${caller}您好，跟您确认一下：3-2-1502 卫生间漏水`), said)
  assert.ok(said.includes(`预约${appt.spoken}上门`), said)
  // a number the agent typed is read back whole: the caller confirms it (issue 20)
  assert.ok(said.includes('联系电话 13712348582，对吗？'), said)
  await shot('tickets-readback-1366.png')

  // 返回修改 keeps what was typed; then 确认保存
  await dialog.locator('[data-test="register-back"]').click()
  assert.equal(await dialog.locator('[data-test="register-content"] textarea').inputValue(), '卫生间漏水')
  await dialog.locator('[data-test="register-review"]').click()
  await dialog.locator('[data-test="register-save"]').click()
  const num = dialog.locator('[data-test="register-number"]')
  await num.waitFor()
  number = (await num.textContent()).trim()
  assert.match(number, /^BX\d{8}-\d{4}$/)
  await shot('tickets-saved-1366.png')

  // the number links to the ticket
  await num.click()
  await page.waitForURL((u) => /^\/tickets\/\d+$/.test(new URL(u).pathname))
  ticketPath = new URL(page.url()).pathname
  await assertText('[data-test="ticket-number"]', number)
  assert.equal(await stateText(), '待派工')
  await assertText('[data-test="ticket-content"]', '卫生间漏水')
  await assertText('[data-test="deadlines"]', '派工时限')

  // 派工 to the technician
  await page.locator('[data-test="action-dispatch"]').click()
  const act = visible('[data-test="action-dialog"]')
  await act.waitFor()
  await act.locator('[data-test="technician-select"]').click()
  await visible('.el-select-dropdown__item', { hasText: '刘强' }).click()
  await act.locator('[data-test="action-submit"]').click()
  await act.waitFor({ state: 'hidden' })
  await waitState('已派工')
  await assertText('[data-test="ticket-work"]', '刘强')
  await assertText('[data-test="ticket-events"]', '派工')
  await shot('ticket-dispatched-1366.png')
  assertNoProblems('registering and dispatching')
  await logout()
})

test('technician takes the order on a phone and completes it with a signature', { skip, timeout: 120000 }, async () => {
  assert.ok(number, 'the first walk registered a ticket')
  await page.setViewportSize(PHONE_390)
  await login('technician', PASSWORD)
  // a technician on a phone lands on the orders sent to them
  await page.waitForURL((u) => new URL(u).pathname === '/m/orders')
  const card = page.locator('[data-test="m-order"]', { hasText: number })
  await card.waitFor()
  assert.ok((await card.textContent()).includes('3-2-1502'))
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('m-orders-390.png')

  await card.click()
  await page.locator('[data-test="m-order-card"]').waitFor()
  await assertText('[data-test="ticket-number"]', number)
  await assertText('[data-test="ticket-content"]', '卫生间漏水')
  await shot('m-order-390.png')

  await page.locator('[data-test="m-action-accept"]').click()
  await page.locator('[data-test="m-action-accept"]').waitFor({ state: 'detached' }) // 接单 is done
  await assertText('[data-test="m-order-card"]', '接单')
  await page.locator('[data-test="m-action-start"]').click()
  await waitState('处理中')
  await page.locator('[data-test="m-action-complete"]').click()

  // the full-screen 完工 form: work done, one material line, the owner's signature
  const form = visible('[data-test="action-dialog"]')
  await form.waitFor()
  await form.locator('[data-test="action-work-done"] textarea').fill('更换卫生间角阀，试水无渗漏')
  await form.locator('[data-test="material-add"]').click()
  await form.locator('[data-test="material-row"] input').first().fill('角阀')
  const canvas = form.locator('[data-test="signature-canvas"]')
  await canvas.scrollIntoViewIfNeeded()
  const box = await canvas.boundingBox()
  await page.mouse.move(box.x + 40, box.y + box.height / 2)
  await page.mouse.down()
  for (let i = 1; i <= 24; i++) {
    await page.mouse.move(box.x + 40 + i * 11, box.y + box.height / 2 + Math.sin(i / 2.5) * 40, { steps: 2 })
  }
  await page.mouse.up()
  await assertText('[data-test="signature"]', '已签名')
  // the canvas really has ink on it
  const inked = await canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    let dark = 0
    for (let i = 0; i < d.length; i += 4) if (d[i] < 100) dark++
    return dark
  })
  assert.ok(inked > 50, `the signature left ink (${inked} dark pixels)`)
  await shot('m-complete-390.png')
  await form.locator('[data-test="action-submit"]').click()
  await form.waitFor({ state: 'hidden' })
  await waitState('已完工')
  assert.equal(await page.locator('[data-test="m-actions"]').count(), 0, 'nothing left to do on the phone')
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('m-done-390.png')
  assertNoProblems('the technician walk')
  await logout()
})

test('agent calls back, the owner is 不满意, the order is reopened to 待派工', { skip, timeout: 120000 }, async () => {
  assert.ok(ticketPath, 'the first walk registered a ticket')
  await loginDesktop('agent')

  // find it in 工单列表 by its number
  await findInList('工单列表', '/tickets', 'ticket', number)
  await page.locator('[data-test="tickets-table"] a.link', { hasText: number }).click()
  await page.waitForURL((u) => new URL(u).pathname === ticketPath)
  assert.equal(await stateText(), '已完工')
  await assertText('[data-test="ticket-work-done"]', '更换卫生间角阀')
  await page.locator('[data-test="ticket-signature"]').waitFor()
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-test="ticket-signature"]')
    return img && img.complete && img.naturalWidth > 0
  }) // the owner's signature is shown

  await page.locator('[data-test="action-callback"]').click()
  const act = visible('[data-test="action-dialog"]')
  await act.waitFor()
  await act.locator('[data-test="action-satisfaction"] label', { hasText: /^不满意$/ }).click()
  await act.locator('.el-alert', { hasText: '重新打开' }).waitFor()
  await act.locator('[data-test="action-result"] textarea').fill('业主说还在滴水')
  await shot('callback-1366.png')
  await act.locator('[data-test="action-submit"]').click()
  await act.waitFor({ state: 'hidden' })

  // reopened: 待派工 again, with the callback and the reopen in the timeline
  await waitState('待派工')
  await assertText('[data-test="ticket-events"]', '重新打开')
  const events = await page.locator('[data-test="ticket-events"]').textContent()
  assert.ok(events.includes('回访'), 'the callback is in the timeline')
  assert.ok(events.includes('业主说还在滴水'), 'with its result')
  assert.ok(await page.locator('[data-test="action-dispatch"]').isVisible(), 'it can be dispatched again')
  await assertText('[data-test="ticket-callback"]', '不满意')
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('ticket-reopened-1366.png')
  assertNoProblems('the callback walk')
})

test('a stale action answers 409: its message is shown and the ticket reloads', { skip, timeout: 60000 }, async () => {
  assert.ok(ticketPath, 'the first walk registered a ticket')
  await page.goto(base + ticketPath)
  await waitState('待派工')
  // someone else cancels the order meanwhile
  const status = await page.evaluate(async (id) => {
    const res = await fetch(`/api/v1/tickets/${id}/actions/cancel`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('kefu.csrf') },
      body: JSON.stringify({ reason: '业主已自行修好' }),
    })
    return res.status
  }, ticketPath.split('/').pop())
  assert.equal(status, 200)
  assert.equal(await stateText(), '待派工', 'the page still shows what it read')
  assertNoProblems('before the stale action')

  await page.locator('[data-test="action-note"]').click()
  const act = visible('[data-test="action-dialog"]')
  await act.waitFor()
  await act.locator('[data-test="action-note-text"] textarea').fill('业主来电催促')
  await act.locator('[data-test="action-submit"]').click()
  await visible('.el-message--error').waitFor()
  await waitState('已取消')
  await assertText('[data-test="ticket-events"]', '业主已自行修好')
  // the refused request is the only console error
  try {
    assertNoProblems('the stale action')
  } catch (err) {
    assert.ok(Array.isArray(err.actual) && err.actual.every((p) => /status of 409/.test(p)), String(err.message))
  }
})

test('工单列表, 回访 and 统计 open without errors', { skip, timeout: 90000 }, async () => {
  await page.setViewportSize(DESKTOP)
  await visible('.el-menu-item', { hasText: '工单列表' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/tickets')
  await page.locator('[data-test="tickets-table"] .el-table__body tr').first().waitFor()
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('tickets-1366.png')

  // 我的工单: the same list on its 我的 tab
  await visible('.el-menu-item', { hasText: '我的工单' }).click()
  await page.waitForFunction(() => new URL(location.href).searchParams.get('tab') === 'mine')
  await page.locator('[data-test="ticket-tabs"] .is-active', { hasText: '我的' }).waitFor()

  await visible('[data-test="menu-callbacks"]').click()
  await page.waitForURL((u) => new URL(u).pathname === '/callbacks')
  await page.locator('[data-test="callbacks-table"]').waitFor()
  await shot('callbacks-1366.png')

  await visible('[data-test="menu-ticket-stats"]').click()   // not 巡访率统计
  await page.waitForURL((u) => new URL(u).pathname === '/tickets/stats')
  await page.locator('[data-test="stats-table"] .el-table__body tr').first().waitFor()
  assert.match(await page.locator('[data-test="stats-kpis"]').textContent(), /回访率[\s\S]*%/)
  await shot('stats-1366.png')
  assertNoProblems('the ticket lists')
})

test('agent opens 个人工作日志 and sees today’s registrations', { skip, timeout: 60000 }, async () => {
  assert.ok(number, 'the first walk registered a ticket')
  await page.setViewportSize(DESKTOP)
  await visible('.el-menu-item', { hasText: '个人工作日志' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/worklog')

  // one's own log: the name, no person selector
  await assertText('[data-test="worklog-user-name"]', '李静')
  assert.equal(await page.locator('[data-test="worklog-user"]').count(), 0, 'an agent picks nobody else')

  // today's 登记 of the first walk, with its number, and the 派工 that followed
  const rows = page.locator('[data-test="worklog-table"] .el-table__body tr')
  const created = rows.filter({ hasText: number }).filter({ has: page.locator('[data-test="worklog-action"]', { hasText: '登记' }) })
  await created.first().waitFor()
  assert.match(await created.first().textContent(), /BX\d{8}-\d{4}/)
  assert.match(await created.first().textContent(), /\d{2}:\d{2}/)
  await assertText('[data-test="worklog-sum-create"]', '登记')
  await assertText('[data-test="worklog-sum-dispatch"]', '派工')
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('worklog-1366.png')

  // the number opens the ticket
  await created.first().locator('[data-test="worklog-link"]').click()
  await page.waitForURL((u) => new URL(u).pathname === ticketPath)
  await assertText('[data-test="ticket-number"]', number)
  assertNoProblems('the work log')
})

test('agent opens 回访周报 and submits last week for approval', { skip, timeout: 60000 }, async () => {
  await page.setViewportSize(DESKTOP)
  // the menu entry reads 回访周报 as the page does (its data-test: hasText '回访' would match two)
  await assertText('[data-test="menu-reviews"]', '回访周报')
  await visible('[data-test="menu-reviews"]').click()
  await page.waitForURL((u) => new URL(u).pathname === '/reviews')
  await page.locator('[data-test="reviews-table"]').waitFor()
  await assertText('.page-title', '回访周报')
  await assertText('[data-test="review-tabs"]', '待审批')
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {})
  await shot('reviews-1366.png')

  // last week's Monday and Sunday in office time: the dialog offers it by default
  const today = new Date(new Date().toLocaleString('en-US', { timeZone: 'Asia/Shanghai' }))
  const monday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - ((today.getDay() + 6) % 7) - 7)
  const sunday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 6)
  const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  const week = `${ymd(monday)} ~ ${ymd(sunday)}`

  await page.locator('[data-test="review-create"]').click()
  const dialog = visible('[data-test="review-dialog"]')
  await dialog.waitFor()
  assert.equal(await dialog.locator('[data-test="review-week"] input').inputValue(), ymd(monday))
  assert.ok((await dialog.locator('[data-test="review-week-range"]').textContent()).includes(week))
  await dialog.locator('[data-test="review-note"]').fill('上周回访汇总（e2e）')
  await dialog.locator('[data-test="review-submit"]').click()

  // a fresh server: the new review opens; a server that already has last week's: the reason, at the field
  const outcome = await Promise.race([
    page.waitForURL((u) => /^\/reviews\/\d+$/.test(new URL(u).pathname)).then(() => 'created'),
    dialog.locator('.el-form-item__error').waitFor().then(() => 'refused'),
  ])
  if (outcome === 'created') {
    await assertText('[data-test="review-week"]', week)
    assert.equal((await page.locator('[data-test="review-state"]').first().textContent()).trim(), '待审批')
    await page.locator('[data-test="review-items"]').waitFor()
    await assertText('[data-test="review-kpis"]', '上周回访汇总（e2e）')
    await assertText('[data-test="ticket-events"]', '提交')
    assert.equal(await page.locator('[data-test="review-actions"] button').count(), 0, 'an agent may not approve')
    await shot('review-1366.png')
    assertNoProblems('the weekly callback review')
  } else {
    assert.equal((await dialog.locator('.el-form-item__error').textContent()).trim(), `这一周（${ymd(monday)} 起）已经提交过`)
    await shot('review-duplicate-1366.png')
    await dialog.locator('button', { hasText: '取消' }).click()
    try {
      assertNoProblems('the refused review')
    } catch (err) {
      assert.ok(Array.isArray(err.actual) && err.actual.every((p) => /status of 409/.test(p)), String(err.message))
    }
  }
})
