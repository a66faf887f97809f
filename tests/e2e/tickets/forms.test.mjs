// Browser walk of the forms' keyboard (issue 20, point 4): F2 opens empty after 取消, Esc and a
// save; a form that cannot be sent shows one message per field and names the missing fields in
// one line with the cursor on the first; a stray Space after Shift+Tab does not choose a radio;
// every action dialog starts with the cursor in its first field and Ctrl+Enter submits it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { PASSWORD, DESKTOP, skip, start, stop, assertNoProblems, shot, visible, login, pageApi } from '../lib.mjs'

let base = ''
let page = null

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
  await page.setViewportSize(DESKTOP)
  await page.goto(base + '/login')
  await login('agent', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname === '/')
})

after(stop)

const dialog = () => visible('[data-test="register-dialog"]')

async function openF2() {
  await page.keyboard.press('F2')
  await dialog().waitFor()
  await page.waitForFunction(() => !!document.activeElement?.closest('[data-test="register-lookup"]'))
}

const content = () => dialog().locator('[data-test="register-content"] textarea')

/** Texts of the visible field errors in the register dialog. */
const fieldErrors = () => page.$$eval('[data-test="register-dialog"] .el-form-item__error',
  (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.textContent.trim()))

async function closedToast(text) {
  const t = visible('.el-message', { hasText: text }).first()
  await t.waitFor()
  return (await t.textContent()).trim()
}

test('F2 opens an empty form after 取消, after Esc and after a save', { skip, timeout: 90000 }, async () => {
  await openF2()
  await content().fill('第一位来电：门铃不响')
  await dialog().locator('button', { hasText: '取消' }).click()
  await dialog().waitFor({ state: 'hidden' })
  await openF2()
  assert.equal(await content().inputValue(), '', 'empty after 取消')

  await content().fill('第二位来电：门铃不响')
  await page.keyboard.press('Escape')
  await dialog().waitFor({ state: 'hidden' })
  await openF2()
  assert.equal(await content().inputValue(), '', 'empty after Esc')

  // an inquiry answered at once, saved with Ctrl+Enter twice (form → read-back → save)
  await dialog().locator('[data-test="register-kind"] label', { hasText: /^咨询$/ }).click()
  await content().fill('物业费怎么交')
  await dialog().locator('[data-test="register-reply"] textarea').fill('可在服务中心或线上缴纳')
  await page.keyboard.press('Control+Enter')
  await dialog().locator('[data-test="register-readback-text"]').waitFor()
  await page.keyboard.press('Control+Enter')
  await dialog().locator('[data-test="register-number"]').waitFor()
  await page.keyboard.press('Escape')
  await dialog().waitFor({ state: 'hidden' })
  await openF2()
  assert.equal(await content().inputValue(), '', 'empty after a save')
  assert.equal((await dialog().locator('[data-test="register-kind"] .is-active').textContent()).trim(), '居家维修',
    'the kind starts again at 居家维修')
  assertNoProblems('F2 after cancel, Esc and save')
})

test('a form that cannot be sent: one message per field, the missing fields named, the cursor on the first', { skip, timeout: 60000 }, async () => {
  // (the dialog is open and empty from the walk before)
  await dialog().locator('[data-test="register-phone"] input').fill('123')
  await dialog().locator('[data-test="register-phone"] input').press('Control+Enter')
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test="register-dialog"] .el-form-item__error')]
    .filter((e) => e.offsetParent !== null && e.textContent.trim()).length >= 4)
  const toast = await closedToast('还不能提交')
  for (const label of ['查找房屋', '报修类别', '电话', '内容']) assert.ok(toast.includes(label), `${toast} names ${label}`)
  const errs = await fieldErrors()
  assert.equal(errs.length, new Set(errs).size, `no message twice: ${errs.join(' | ')}`)
  assert.equal(errs.filter((e) => e.includes('居家维修请先查找并选择房屋')).length, 1, errs.join(' | '))
  assert.ok(errs.some((e) => e.startsWith('电话格式不正确')), 'the phone message names 电话, as its label')
  // the cursor is in the first field that needs work: the lookup
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[data-test="register-lookup"]')))
  // an error is never cut off: its box is as wide as its text needs and inside the dialog
  const cut = await page.$$eval('[data-test="register-dialog"] .el-form-item__error', (els) => els
    .filter((e) => e.offsetParent !== null && (e.scrollWidth > e.clientWidth + 1 ||
      e.getBoundingClientRect().right > e.closest('.el-dialog').getBoundingClientRect().right)).map((e) => e.textContent))
  assert.deepEqual(cut, [])
  await shot('forms-missing-1366.png')
  await dialog().locator('button', { hasText: '取消' }).click()
  await dialog().waitFor({ state: 'hidden' })
  assertNoProblems('the missing-fields message')
})

test('a stray Space after Shift+Tab does not choose a radio; the arrows still do', { skip, timeout: 60000 }, async () => {
  await openF2()
  await dialog().locator('[data-test="register-caller"] input').click()
  await page.keyboard.press('Shift+Tab') // 有偿服务
  await page.keyboard.press('Shift+Tab') // 报修类别, none chosen: the cursor lands on its last option
  assert.equal(await page.evaluate(() => document.activeElement?.type), 'radio')
  await page.keyboard.press('Space')
  assert.equal(await dialog().locator('[data-test="register-category"] .is-active').count(), 0, 'Space chose nothing')
  await page.keyboard.press('ArrowLeft')
  await dialog().locator('[data-test="register-category"] .is-active').waitFor()
  await page.keyboard.press('Escape')
  await dialog().waitFor({ state: 'hidden' })
  assertNoProblems('the radio guard')
})

test('an action dialog starts in its first field and Ctrl+Enter sends it, naming what is missing first', { skip, timeout: 90000 }, async () => {
  const made = await pageApi('POST', '/tickets', {
    project_id: 1, kind: 'public_repair', channel: 'patrol',
    location: '3栋电梯厅', category: 'elevator', content: '按钮失灵',
  })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  await page.goto(`${base}/tickets/${made.body.id}`)
  await page.locator('[data-test="action-dispatch"]').click()
  const act = visible('[data-test="action-dialog"]')
  await act.waitFor()
  // the first field (the technician) has the cursor
  await page.waitForFunction(() => !!document.activeElement?.closest('[data-test="technician-select"]'))
  await page.keyboard.press('Control+Enter')
  const toast = await closedToast('还不能提交')
  assert.ok(toast.includes('维修'), toast)
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[data-test="technician-select"]')), 'the cursor is back on the technician')
  await shot('forms-dispatch-missing-1366.png')
  await act.locator('[data-test="technician-select"]').click()
  await visible('.el-select-dropdown__item', { hasText: '刘强' }).click()
  await act.locator('textarea, input').last().focus().catch(() => {})
  await page.keyboard.press('Control+Enter')
  await act.waitFor({ state: 'hidden' })
  await page.waitForFunction(() => document.querySelector('[data-test="ticket-state"]')?.textContent.trim() === '已派工')
  assertNoProblems('dispatch by keyboard')
})

test('a plain dialog (记录拜访) starts in its first field and Ctrl+Enter presses its button', { skip, timeout: 60000 }, async () => {
  await page.goto(`${base}/`)
  await page.locator('[data-test="user-menu"]').click()
  await visible('.el-dropdown-menu__item', { hasText: '退出登录' }).click()
  await page.waitForURL((u) => new URL(u).pathname === '/login')
  await login('steward', PASSWORD)
  await page.waitForURL((u) => new URL(u).pathname !== '/login')
  await page.goto(`${base}/visits`)
  await page.locator('[data-test="visit-record"]').click()
  const d = visible('[data-test="visit-dialog"]')
  await d.waitFor()
  await page.waitForFunction(() => {
    const a = document.activeElement
    return a?.tagName === 'INPUT' && !!a.closest('[data-test="visit-dialog"]') && !!a.closest('.el-form-item')
  })
  const first = await page.evaluate(() => document.activeElement.closest('.el-form-item').querySelector('.el-form-item__label')?.textContent.trim())
  assert.equal(first, '房屋', 'the cursor is in the first field')
  await page.keyboard.press('Control+Enter')
  await d.locator('.el-form-item__error', { hasText: '请先查找并选择房屋' }).waitFor()
  assert.ok(await d.isVisible(), 'nothing saved without a unit; the dialog stays')
  await d.locator('button', { hasText: '取消' }).click()
  await d.waitFor({ state: 'hidden' })
  assertNoProblems('the plain dialog by keyboard')
})
