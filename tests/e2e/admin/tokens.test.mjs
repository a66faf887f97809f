// Browser walk of API tokens (issue 19, defect 1): the admin makes a 30-day token on 「API 令牌」,
// a script uses it, and on 「用户管理 → 更多 → API 令牌」 the admin sees when and from where it was
// last used and revokes it; the token then stops working. Screenshots in $KEFU_E2E_OUT.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { skip, start, stop, assertNoProblems, shot, visible, loginDesktop } from '../lib.mjs'

let base = ''
let page = null

before(async () => {
  if (skip) return
  ;({ base, page } = await start())
})
after(stop)

test('a token made on the page shows its expiry, last use and address, and an admin revokes it', { skip, timeout: 90000 }, async () => {
  await page.goto(base + '/login')
  await loginDesktop('admin')
  await page.goto(base + '/tokens')
  await visible('button', { hasText: '新建令牌' }).click()
  const name = `巡检脚本${Date.now() % 100000}`
  await visible('.el-dialog input[placeholder="用途，如：导入脚本"]').fill(name)
  await visible('.el-dialog .el-select').click()
  await visible('.el-select-dropdown__item', { hasText: '30 天' }).click()
  await visible('.el-dialog button', { hasText: '创建' }).click()
  // the secret is shown once: read it from the dialog
  const secretBox = visible('.el-dialog', { hasText: '令牌已创建' })
  await secretBox.waitFor()
  const text = await secretBox.textContent()
  const token = (text.match(/kf_[A-Za-z0-9_-]+/) || [])[0]
  assert.ok(token, `the token is shown once: ${text}`)
  await shot('tokens-created-1366.png')
  await secretBox.locator('button').last().click()
  const row = visible('.el-table__body tr', { hasText: name })
  await row.waitFor()
  assert.match(await row.textContent(), /有效/)
  assert.match(await row.textContent(), /从未使用/)

  // a script uses the token
  const me = (await fetch(base + '/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })).status
  assert.equal(me, 200)

  await page.goto(base + '/users')
  const adminRow = visible('.el-table__body tr', { hasText: 'admin' }).first()
  await adminRow.locator('button', { hasText: '更多' }).click()
  await visible('.el-dropdown-menu__item', { hasText: 'API 令牌' }).click()
  const dlg = visible('.el-dialog', { hasText: '的 API 令牌' })
  const trow = dlg.locator('.el-table__body tr', { hasText: name })
  await trow.waitFor()
  await page.waitForFunction((n) => [...document.querySelectorAll('.el-dialog .el-table__body tr')]
    .some((tr) => tr.textContent.includes(n) && tr.textContent.includes('来自 127.0.0.1')), name)
  await shot('user-tokens-1366.png')
  await trow.locator('button', { hasText: '撤销' }).click()
  await visible('.el-message-box button', { hasText: '撤销' }).click()
  await page.waitForFunction((n) => [...document.querySelectorAll('.el-dialog .el-table__body tr')]
    .some((tr) => tr.textContent.includes(n) && tr.textContent.includes('被管理员撤销') || (tr.textContent.includes(n) && tr.textContent.includes('已撤销'))), name)
  await shot('user-tokens-revoked-1366.png')
  const after = (await fetch(base + '/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })).status
  assert.equal(after, 401, 'the revoked token no longer works')
  assertNoProblems('the token pages')
})
