// bill_run.test.mjs — the bill run (docs/api.md "Fees", issue 21 points 3 and 8): a preview that
// writes nothing and tells the totals by item and the units skipped with why; the run itself,
// idempotent (a second run creates nothing, a run after a new unit adds only its bills); proration
// from a unit's start date, a vacancy share and 公摊 by the largest remainder, each bill with its
// explanation exactly; the bills list and its export; `kefu bill-run`; bad input refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, loginAs, assertError, assertOk, BIN } from '../lib/harness.mjs';
import { xlsxRows } from '../lib/xlsx.mjs';

const PERIOD = '2031-05';
let srv, admin, manager, supervisor, agent2;
const ids = {};

async function unit(room, status, area) {
  const body = { project_id: 1, building_id: ids.building, room, floor: 1, status };
  if (area) body.area_build = area;
  return assertOk(await supervisor.post('/api/v1/units', body), 201).id;
}
const run = (period, { preview = false, body, c = manager, project = 1 } = {}) =>
  c.post(`/api/v1/bill-runs?project_id=${project}&period=${period}${preview ? '&preview=1' : ''}`, body);
const billsOf = async (q) => assertOk(await manager.get(`/api/v1/bills?per_page=200&${q}`)).items;

before(async () => {
  srv = await startServer();
  [admin, manager, supervisor, agent2] = await Promise.all(['admin', 'manager', 'supervisor', 'agent2'].map((u) => loginAs(srv.url, u)));
  ids.building = assertOk(await supervisor.post('/api/v1/buildings', { project_id: 1, code: 'R1', name: 'R1栋', floors: 3 }), 201).id;
  ids.prorated = await unit('101', '已入住', '90.3');
  ids.unhanded = await unit('102', '未交房', '100');
  ids.vacant = await unit('103', '空置', '80');
  ids.noArea = await unit('104', '已入住');
  const mk = async (body) => assertOk(await manager.post('/api/v1/fee-items', { project_id: 1, applies: 'buildings', building_ids: [ids.building], ...body }), 201);
  ids.area = (await mk({ code: 'R-WY', name: '测试楼物业费', rule: 'area', price: '1.55' })).id;
  ids.shared = (await mk({ code: 'R-GT', name: '测试楼公摊电费', rule: 'shared' })).id;
  for (const [u, terms] of [[ids.prorated, { start_date: `${PERIOD}-16`, reason: '5 月 16 日交房' }],
    [ids.vacant, { vacancy_percent: 50, reason: '空置房减半' }]])
    assertOk(await manager.put(`/api/v1/fee-items/${ids.area}/units/${u}`, terms), 201);
});
after(() => srv?.stop());

test('bad requests are refused with the field and a Chinese message, and write nothing', async () => {
  assertError(await run('2031-13'), 400, 'bad_request', 'period');
  assertError(await run('2031-5'), 400, 'bad_request', 'period');
  assertError(await manager.post('/api/v1/bill-runs?project_id=1'), 400, 'bad_request', 'period');
  assertError(await run(PERIOD, { project: 999 }), 404, 'not_found', 'project_id');
  assertError(await run(PERIOD, { c: supervisor }), 403, 'forbidden');
  assertError(await run(PERIOD, { c: agent2 }), 403, 'forbidden');
  assertError(await run(PERIOD, { body: { shared: [{ item_id: ids.area, total: 100 }] } }), 422, 'validation_failed', 'shared');
  assertError(await run(PERIOD, { body: { shared: [{ item_id: ids.shared, total: -1 }] } }), 422, 'validation_failed', 'shared[0].total');
  assertError(await run(PERIOD, { body: { shared: [{ item_id: ids.shared, total: 1.5 }] } }), 422, 'validation_failed', 'shared[0].total');
  assert.equal((await billsOf(`period=${PERIOD}`)).length, 0);
});

test('the preview: totals by item, the units skipped with why, nothing written', async () => {
  const p = assertOk(await run(PERIOD, { preview: true, body: { shared: [{ item_id: ids.shared, total: 10000 }] } }));
  assert.equal(p.preview, true);
  assert.equal(p.run_id, null);
  const area = p.items.find((i) => i.item_id === ids.area);
  assert.deepEqual({ bills: area.bills, amount: area.amount, skipped: area.skipped }, { bills: 2, amount: 7224 + 6200, skipped: 2 });
  const shared = p.items.find((i) => i.item_id === ids.shared);
  assert.deepEqual({ bills: shared.bills, amount: shared.amount }, { bills: 2, amount: 10000 });
  const why = (u, item) => p.skipped_units.find((s) => s.unit_id === u && s.item_id === item)?.reason;
  assert.equal(why(ids.unhanded, ids.area), '未交房');
  assert.equal(why(ids.noArea, ids.area), '无建筑面积');
  assert.equal(why(ids.noArea, ids.shared), '无建筑面积');
  assert.ok(p.reasons.some((r) => r.reason === '未交房' && r.count >= 2));
  const water = p.items.find((i) => i.code === 'SF');
  assert.equal(water.bills, 0);
  assert.ok(p.reasons.some((r) => r.reason === '无本期读数'), 'meter items wait for the readings');
  assert.ok(p.bills > 4 && p.amount > 0);
  assert.equal((await billsOf(`period=${PERIOD}`)).length, 0, 'the preview writes nothing');
});

test('the run: each bill explained exactly, prorated from the start date, the vacancy share, 公摊 adding up', async () => {
  const r = assertOk(await run(PERIOD, { body: { shared: [{ item_id: ids.shared, total: 10000 }] } }), 201);
  assert.ok(r.run_id > 0 && r.bills > 4);
  const byUnit = async (u) => billsOf(`unit_id=${u}&period=${PERIOD}`);
  const [pr] = (await byUnit(ids.prorated)).filter((b) => b.item_id === ids.area);
  assert.equal(pr.text, '90.30 m² × 1.5500 元/m²·月 × 16/31 天 = 72.24 元，四舍五入');
  assert.equal(pr.amount, 7224);
  assert.deepEqual([pr.period_start, pr.period_end, pr.due_date, pr.state, pr.state_label], ['2031-05-01', '2031-05-31', '2031-06-15', 'unpaid', '未缴']);
  const [vac] = (await byUnit(ids.vacant)).filter((b) => b.item_id === ids.area);
  assert.equal(vac.text, '80.00 m² × 1.5500 元/m²·月 × 50%（空置） = 62.00 元，四舍五入');
  const shares = (await billsOf(`item_id=${ids.shared}&period=${PERIOD}`)).sort((a, b) => a.unit_id - b.unit_id);
  assert.deepEqual(shares.map((b) => b.amount), [5302, 4698]);
  assert.equal(shares[0].text, '公摊 100.00 元 × 90.30 m² ÷ 170.30 m² = 53.02 元，最大余数法');
  assert.equal((await byUnit(ids.unhanded)).length, 0);
  const audit = assertOk(await admin.get(`/api/v1/audit?entity=bill_run&id=${r.run_id}`)).items;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].action, 'run');
  assert.deepEqual([audit[0].changes.period, audit[0].changes.bills, audit[0].changes.amount], [PERIOD, r.bills, r.amount]);
});

test('idempotent: a second run creates nothing; after a new unit only its bills', async () => {
  const again = assertOk(await run(PERIOD, { body: { shared: [{ item_id: ids.shared, total: 10000 }] } }), 201);
  assert.equal(again.bills, 0);
  assert.equal(again.amount, 0);
  assert.ok(again.existing > 4);
  assert.equal(again.items.find((i) => i.item_id === ids.shared).note, '本期已分摊');
  const fresh = await unit('105', '已入住', '50');
  const third = assertOk(await run(PERIOD), 201);
  const made = await billsOf(`run_id=${third.run_id}`);
  assert.equal(third.bills, made.length);
  assert.ok(made.length >= 1 && made.every((b) => b.unit_id === fresh), 'only the new unit is billed');
  assert.equal(made.find((b) => b.item_id === ids.area).text, '50.00 m² × 1.5500 元/m²·月 = 77.50 元，四舍五入');
});

test('the bills list filters, refuses a bad period, and exports with the explanations', async () => {
  assertError(await manager.get('/api/v1/bills?period=2031-13'), 400, 'bad_request', 'period');
  assertError(await manager.get('/api/v1/bills?state=owing'), 400, 'bad_request', 'state');
  assertError(await supervisor.get('/api/v1/bills?project_id=2'), 404, 'not_found');
  const unpaid = await billsOf(`period=${PERIOD}&state=unpaid&building_id=${ids.building}`);
  assert.ok(unpaid.length >= 5 && unpaid.every((b) => b.state === 'unpaid' && b.owed === b.amount));
  const res = await fetch(`${srv.url}/api/v1/bills?period=${PERIOD}&unit_id=${ids.prorated}&format=xlsx`, { headers: { Cookie: manager.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = xlsxRows(new Uint8Array(await res.arrayBuffer()));
  assert.deepEqual(rows[0], ['账期', '房号', '楼栋', '收费项目', '计费起', '计费止', '应收（元）', '已收（元）', '欠收（元）', '缴费期限', '状态', '计算方法']);
  assert.ok(rows.some((r) => r.at(-1) === '90.30 m² × 1.5500 元/m²·月 × 16/31 天 = 72.24 元，四舍五入'));
});

test('kefu bill-run: a preview, then the run, on the same database', () => {
  const out = (args) => execFileSync(BIN, ['bill-run', ...srv.db, '--project', '1', '--period', '2031-07', ...args], { stdio: 'pipe' }).toString();
  const p = out(['--preview']);
  assert.match(p, /^预览 2031-07：将生成 \d+ 张账单/);
  assert.match(p, /跳过原因 未交房：\d+/);
  const r = out([]);
  assert.match(r, /^已生成 2031-07：新建 \d+ 张账单/);
  assert.match(out([]), /^已生成 2031-07：新建 0 张账单/);
  assert.throws(() => execFileSync(BIN, ['bill-run', ...srv.db, '--project', '1', '--period', '2031-13'], { stdio: 'pipe' }), /账期应为/);
});

test('a run of one item (added mid-month) bills that item only; an unknown item is refused', async () => {
  const period = '2031-08';
  const late = assertOk(await manager.post('/api/v1/fee-items', {
    project_id: 1, applies: 'buildings', building_ids: [ids.building], code: 'R-GX', name: '测试楼光纤使用费', rule: 'fixed', price: '20',
  }), 201);
  const r = assertOk(await manager.post(`/api/v1/bill-runs?project_id=1&period=${period}&item_id=${late.id}`), 201);
  assert.equal(r.item_id, late.id);
  assert.deepEqual(r.items.map((i) => i.item_id), [late.id], 'only the item asked for');
  const bills = await billsOf(`project_id=1&period=${period}`);
  assert.ok(bills.length > 0 && bills.every((b) => b.item_id === late.id), 'no bill of another item');
  // the whole run afterwards adds the other items and leaves this one's bills as they are
  const all = assertOk(await manager.post(`/api/v1/bill-runs?project_id=1&period=${period}`), 201);
  assert.equal(all.items.find((i) => i.item_id === late.id).existing, bills.length);
  for (const bad of ['0', 'x', '999999']) {
    const res = await manager.post(`/api/v1/bill-runs?project_id=1&period=${period}&item_id=${bad}`);
    assertError(res, bad === '999999' ? 422 : 400, undefined, 'item_id');
  }
});
