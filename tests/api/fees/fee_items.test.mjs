// fee_items.test.mjs — fee items per project (docs/api.md "Fees", issue 21 point 1): create with a
// pricing rule, exact prices (at most 4 decimals), the units they apply to, edits with the version,
// a unit's own terms with their reason, who sees and changes what, the audit rows, the export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, assertError, assertOk, uniqueName } from '../lib/harness.mjs';
import { xlsxRows } from '../lib/xlsx.mjs';

let srv, admin, manager, supervisor, agent, agent2;
const ids = {};

before(async () => {
  srv = await startServer();
  [admin, manager, supervisor, agent, agent2] = await Promise.all(
    ['admin', 'manager', 'supervisor', 'agent', 'agent2'].map((u) => loginAs(srv.url, u)));
  const b = assertOk(await supervisor.post('/api/v1/buildings', { project_id: 1, code: 'F1', name: 'F1栋', floors: 3 }), 201);
  ids.building = b.id;
  ids.unit = assertOk(await supervisor.post('/api/v1/units', { project_id: 1, building_id: b.id, room: '101', floor: 1, status: '已入住', area_build: '90.3' }), 201).id;
  ids.p2Building = assertOk(await admin.get('/api/v1/buildings?project_id=2&per_page=1')).items[0].id;
  ids.p2Unit = assertOk(await admin.get('/api/v1/units?project_id=2&per_page=1')).items[0].id;
});
after(() => srv?.stop());

const item = (extra = {}) => ({ project_id: 1, code: uniqueName('T'), name: '测试物业费', rule: 'area', price: '1.55', ...extra });
const count = async () => assertOk(await manager.get('/api/v1/fee-items?per_page=1')).total;
const auditOf = async (entity, id) => assertOk(await admin.get(`/api/v1/audit?entity=${entity}&id=${id}`)).items;

test('a manager creates an area item: exact price, labels, defaults, an audit row', async () => {
  const it = assertOk(await manager.post('/api/v1/fee-items', item({ code: 'T-WY', fixed: '2', note: '含公共照明' })), 201);
  ids.item = it.id;
  assert.equal(it.price, '1.5500');
  assert.equal(it.fixed, '2.0000');
  assert.equal(it.price_text, '1.5500 元/m²·月 + 2.00 元/月');
  assert.equal(it.rule_label, '按面积');
  assert.equal(it.cycle, 'monthly');
  assert.equal(it.cycle_label, '按月');
  assert.equal(it.due_day, 15);
  assert.equal(it.prepaid, false);
  assert.equal(it.rounding_text, '四舍五入');
  assert.equal(it.late_rate, 0, 'late fees are off by default');
  assert.equal(it.late_text, '不收');
  assert.equal(it.applies_text, '全部房屋');
  assert.equal(it.version, 1);
  const rows = await auditOf('fee_item', it.id);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'create');
  assert.deepEqual(rows[0].changes.price, { from: null, to: 15500 });
  assert.equal(rows[0].changes.code.to, 'T-WY');
  assertOk(await agent.get(`/api/v1/fee-items/${it.id}`));
});

test('bad input is refused with the field and a Chinese message, and changes nothing', async () => {
  const before = await count();
  const cases = [
    [{ price: '1.55555' }, 'price', /最多 4 位小数/],
    [{ price: 1.55555 }, 'price', /最多 4 位小数/],
    [{ price: '-1.5' }, 'price', /不能为负数/],
    [{ price: '1,5' }, 'price', /格式不对/],
    [{ price: '0' }, 'price', /须大于 0/],
    [{ rule: 'volume' }, 'rule', /计费方式应为/],
    [{ cycle: 'weekly' }, 'cycle', /计费周期应为/],
    [{ due_day: 31 }, 'due_day', /缴费日/],
    [{ late_rate: -1 }, 'late_rate', /滞纳金/],
    [{ rule: 'meter' }, 'unit_name', /计量单位/],
    [{ rule: 'fixed', fixed: '1' }, 'fixed', /只有按面积/],
    [{ rule: 'shared' }, 'price', /公摊项目没有单价/],
    [{ rule: 'meter', unit_name: '吨', cycle: 'yearly' }, 'cycle', /按月计费/],
    [{ applies: 'buildings' }, 'building_ids', /请选择收费范围/],
    [{ applies: 'buildings', building_ids: [ids.p2Building] }, 'building_ids[0]', /不属于该管理处/],
    [{ applies: 'uses', use_types: ['别墅'] }, 'use_types[0]', /用途应为/],
    [{ building_ids: [ids.building] }, 'building_ids', /不用填写/],
    [{ name: '' }, 'name', /不能为空/],
    [{ colour: 'red' }, 'colour', undefined],
  ];
  for (const [extra, field, msg] of cases) {
    const res = await manager.post('/api/v1/fee-items', item(extra));
    assertError(res, 422, undefined, field);
    if (msg) assert.match(res.json.error.message, msg, JSON.stringify(extra));
  }
  assertError(await manager.post('/api/v1/fee-items', item({ code: 'T-WY' })), 409, 'duplicate', 'code');
  assertError(await supervisor.post('/api/v1/fee-items', item()), 403, 'forbidden');
  assertError(await agent2.post('/api/v1/fee-items', item()), 403, 'forbidden');
  assert.equal(await count(), before);
});

test('the units an item applies to: buildings, uses, a list of units', async () => {
  const b = assertOk(await manager.post('/api/v1/fee-items', item({ applies: 'buildings', building_ids: [ids.building] })), 201);
  assert.deepEqual(b.building_ids, [ids.building]);
  assert.equal(b.applies_text, '指定楼栋：F1栋');
  const u = assertOk(await manager.post('/api/v1/fee-items', item({ rule: 'fixed', price: 300, applies: 'units', unit_ids: [ids.unit] })), 201);
  assert.deepEqual(u.unit_ids, [ids.unit]);
  assert.equal(u.price_text, '300.00 元/月');
  const s = assertOk(await manager.post('/api/v1/fee-items', item({ applies: 'uses', use_types: ['商铺', '办公'] })), 201);
  assert.deepEqual(s.use_types, ['办公', '商铺']);
  const p = assertOk(await manager.patch(`/api/v1/fee-items/${b.id}`, { version: 1, applies: 'all' }));
  assert.equal(p.applies_text, '全部房屋');
  assert.equal(p.building_ids, undefined);
});

test('an edit carries the version: 200, then 409 on the stale one; audited with what changed', async () => {
  const it = assertOk(await manager.get(`/api/v1/fee-items/${ids.item}`));
  const ok = assertOk(await manager.patch(`/api/v1/fee-items/${ids.item}`, { version: it.version, price: '1.6', late_rate: 5, late_grace: 10 }));
  assert.equal(ok.price, '1.6000');
  assert.equal(ok.version, it.version + 1);
  assert.equal(ok.late_text, '每日万分之 5，宽限 10 天');
  assertError(await manager.patch(`/api/v1/fee-items/${ids.item}`, { version: it.version, price: '1.7' }), 409, 'conflict', 'version');
  assertError(await manager.patch(`/api/v1/fee-items/${ids.item}`, { version: ok.version, price: '1.00001' }), 422, 'validation_failed', 'price');
  assertError(await manager.patch(`/api/v1/fee-items/${ids.item}`, { version: ok.version, project_id: 2 }), 422, 'validation_failed', 'project_id');
  assertError(await manager.patch(`/api/v1/fee-items/${ids.item}`, { price: '1.7' }), 422, 'validation_failed', 'version');
  assert.equal(assertOk(await manager.get(`/api/v1/fee-items/${ids.item}`)).price, '1.6000');
  const upd = (await auditOf('fee_item', ids.item)).find((r) => r.action === 'update');
  assert.deepEqual(upd.changes.price, { from: 15500, to: 16000 });
  assert.deepEqual(upd.changes.late_rate, { from: 0, to: 5 });
  assert.equal(upd.changes.name, undefined, 'unchanged fields are not in the audit');
});

test("another project's item: 404 for whom cannot see it, 403 for whom may only read", async () => {
  const p2 = assertOk(await manager.post('/api/v1/fee-items', item({ project_id: 2 })), 201);
  assertError(await supervisor.get(`/api/v1/fee-items/${p2.id}`), 404, 'not_found');
  assertError(await agent2.get(`/api/v1/fee-items/${ids.item}`), 404, 'not_found');
  assertError(await agent.patch(`/api/v1/fee-items/${ids.item}`, { version: 1, price: '2' }), 403, 'forbidden');
  // without fees.write in any project the route itself refuses, before the record is looked at
  assertError(await supervisor.patch(`/api/v1/fee-items/${p2.id}`, { version: 1, price: '2' }), 403, 'forbidden');
  const list = assertOk(await supervisor.get('/api/v1/fee-items?per_page=200'));
  assert.ok(list.items.every((i) => i.project_id === 1));
  assertError(await supervisor.get('/api/v1/fee-items?project_id=2'), 404, 'not_found');
});

test("a unit's own terms with a reason: create, replace with the version, list, delete — audited", async () => {
  const url = `/api/v1/fee-items/${ids.item}/units/${ids.unit}`;
  assertError(await manager.put(url, { discount_percent: 90 }), 422, 'validation_failed', 'reason');
  assertError(await manager.put(url, { discount_percent: 0, reason: '测试' }), 422, 'validation_failed', 'discount_percent');
  assertError(await manager.put(url, { start_date: '2031-02-30', reason: '测试' }), 422, 'validation_failed', 'start_date');
  assertError(await manager.put(`/api/v1/fee-items/${ids.item}/units/${ids.p2Unit}`, { reason: '测试' }), 404, 'not_found');
  assertError(await agent.put(url, { reason: '测试' }), 403, 'forbidden');
  const o = assertOk(await manager.put(url, { discount_percent: 90, vacancy_percent: 50, start_date: '2031-05-16', reason: '交房延期补偿' }), 201);
  assert.equal(o.terms_text, '按 90% 收取；空置按 50% 收取；自 2031-05-16 起收');
  assert.equal(o.area, 90.3);
  const o2 = assertOk(await manager.put(url, { exempt: true, reason: '困难户减免', version: o.version }));
  assert.equal(o2.terms_text, '免收');
  assertError(await manager.put(url, { exempt: true, reason: '再次', version: o.version }), 409, 'conflict', 'version');
  const list = assertOk(await agent.get(`/api/v1/fee-items/${ids.item}/units`));
  assert.equal(list.total, 1);
  assert.equal(list.items[0].reason, '困难户减免');
  assert.equal(assertOk(await manager.get(`/api/v1/fee-items/${ids.item}`)).overrides, 1);
  assert.equal((await manager.del(url)).status, 204);
  assertError(await manager.del(url), 404, 'not_found');
  const rows = assertOk(await admin.get('/api/v1/audit?entity=fee_unit_override&per_page=50')).items.filter((r) => r.project_id === 1);
  assert.deepEqual(rows.slice(0, 3).map((r) => r.action), ['delete', 'update', 'create']);
  assert.equal(rows[2].changes.reason, '交房延期补偿');
});

test('the lists filter and export to Excel', async () => {
  const areas = assertOk(await manager.get('/api/v1/fee-items?project_id=1&rule=area&per_page=200'));
  assert.ok(areas.items.length >= 2 && areas.items.every((i) => i.rule === 'area'));
  const found = assertOk(await manager.get('/api/v1/fee-items?project_id=1&q=物业服务'));
  assert.deepEqual(found.items.map((i) => i.code), ['WY']);
  assertError(await manager.get('/api/v1/fee-items?rule=x'), 400, 'bad_request', 'rule');
  const res = await fetch(`${srv.url}/api/v1/fee-items?project_id=1&format=xlsx`, { headers: { Cookie: manager.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = xlsxRows(new Uint8Array(await res.arrayBuffer()));
  assert.deepEqual(rows[0].slice(0, 4), ['编码', '项目名称', '计费方式', '单价']);
  assert.ok(rows.some((r) => r[1] === '物业服务费' && r[3] === '1.5500 元/m²·月'));
  const ov = await fetch(`${srv.url}/api/v1/fee-items/${ids.item}/units?format=xlsx`, { headers: { Cookie: manager.cookieHeader() } });
  assert.equal(ov.status, 200);
  assert.equal(xlsxRows(new Uint8Array(await ov.arrayBuffer()))[0][0], '房号');
});
