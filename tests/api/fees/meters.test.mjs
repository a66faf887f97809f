// meters.test.mjs — meters and their readings (抄表, issue 21 point 2; docs/api.md "Meters and
// readings"): a meter's settings checked field by field, a reading's usage and its explanation to
// the letter (multiplier, loss, decimals), a reading below the last one refused with the rule's
// words, a rollover on a meter with a maximum, a replacement, a period entered twice, a correction
// with its version that computes the next period again, another project's meter, the audit rows,
// the reading sheet, the import (check → problems → commit, nothing written while a row is wrong)
// and the exports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, assertError, assertOk } from '../lib/harness.mjs';
import { xlsxRows } from '../lib/xlsx.mjs';

let srv, admin, manager, steward, technician;
const ids = {};
const P1 = '2026-03', P2 = '2026-04', P3 = '2026-05';

async function building(code, rooms) {
  const b = assertOk(await admin.post('/api/v1/buildings', { project_id: 1, code, name: `${code}栋`, floors: 5 }), 201);
  const units = [];
  for (const [i, room] of rooms.entries())
    units.push(assertOk(await admin.post('/api/v1/units', { project_id: 1, building_id: b.id, room, floor: i + 1, status: '已入住' }), 201));
  return { id: b.id, units };
}

async function upload(c, body, { mode = 'check', period = P3, project = 1 } = {}) {
  const res = await fetch(`${srv.url}/api/v1/meter-readings/import?project_id=${project}&period=${period}&mode=${mode}`, {
    method: 'POST', headers: { Cookie: c.cookieHeader(), 'X-CSRF-Token': c.csrf, 'Content-Type': 'text/csv' }, body,
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}

const sheet = async (q) => assertOk(await steward.get(`/api/v1/meter-readings?${new URLSearchParams(q)}`));
const auditRows = async (entity, id) => assertOk(await admin.get(`/api/v1/audit?entity=${entity}&id=${id}&per_page=50`)).items;

before(async () => {
  srv = await startServer();
  [admin, manager, steward, technician] = await Promise.all(['admin', 'manager', 'steward', 'technician'].map((u) => loginAs(srv.url, u)));
  ids.b = await building('MT', ['101', '201', '301']);
  ids.p2unit = assertOk(await admin.get('/api/v1/units?project_id=2&per_page=1')).items[0].id;
});
after(() => srv?.stop());

test('a meter: every field checked with its name, then created with its defaults', async () => {
  const unit_id = ids.b.units[0].id;
  const bad = [
    [{ kind: 'water' }, 'unit_id'], [{ unit_id: 999999, kind: 'water' }, 'unit_id'], [{ unit_id }, 'kind'],
    [{ unit_id, kind: 'oil' }, 'kind'], [{ unit_id, kind: 'water', decimals: 4 }, 'decimals'],
    [{ unit_id, kind: 'water', multiplier: 0 }, 'multiplier'], [{ unit_id, kind: 'water', decimals: 1, loss: '0.55' }, 'loss'],
    [{ unit_id, kind: 'water', loss: '-1' }, 'loss'], [{ unit_id, kind: 'water', maximum: '99', start_reading: '100' }, 'start_reading'],
    [{ unit_id, kind: 'water', measure: '升' }, 'measure'], [{ unit_id, kind: 'water', colour: 'blue' }, 'colour'],
  ];
  for (const [body, field] of bad) {
    const res = await manager.post('/api/v1/meters', body);
    assert.ok(res.status === 422, `${JSON.stringify(body)}: ${res.status} ${res.text}`);
    assertError(res, 422, undefined, field);
  }
  assertError(await steward.post('/api/v1/meters', { unit_id, kind: 'water' }), 403, 'forbidden');
  const m = assertOk(await manager.post('/api/v1/meters', { unit_id, kind: 'water', number: 'MT-W-101', decimals: 1, multiplier: 2,
    loss: '0.5', start_reading: '100.0', installed_at: '2026-01-10' }), 201);
  assert.equal(m.measure, '吨');
  assert.equal(m.kind_label, '水表');
  assert.equal(m.unit_code, ids.b.units[0].code);
  assert.deepEqual([m.loss, m.start_reading, m.maximum, m.multiplier, m.last_reading], ['0.5', '100.0', null, 2, null]);
  ids.m1 = m;
  assertError(await manager.post('/api/v1/meters', { unit_id, kind: 'electric', number: 'MT-W-101' }), 409, 'duplicate', 'number');
  const e = assertOk(await manager.post('/api/v1/meters', { unit_id: ids.b.units[1].id, kind: 'electric', maximum: 9999,
    start_reading: 9990 }), 201);
  assert.equal(e.measure, '度');
  assert.equal(e.maximum, '9999');
  ids.m2 = e;
  ids.m3 = assertOk(await manager.post('/api/v1/meters', { unit_id: ids.b.units[2].id, kind: 'water', number: 'MT-W-301' }), 201);
  const rows = await auditRows('meter', m.id);
  assert.equal(rows[0].action, 'create');
  assert.equal(rows[0].changes.number, 'MT-W-101');
});

test('a reading: its usage and explanation exactly; below the last one refused with the rule', async () => {
  const m = ids.m1;
  const r = assertOk(await steward.post('/api/v1/meter-readings', { meter_id: m.id, period: P1, reading: '123.4', read_at: '2026-03-25' }), 201);
  assert.equal(r.usage, '47.3');
  assert.equal(r.previous, '100.0');
  assert.equal(r.explanation, '本期 123.4 − 上期 100.0 = 23.4 × 倍率 2 + 损耗 0.5 = 47.3 吨');
  assert.equal(r.read_by_name, '张伟');
  ids.r1 = r;
  const refused = await steward.post('/api/v1/meter-readings', { meter_id: m.id, period: P2, reading: '120.0' });
  assertError(refused, 422, 'validation_failed', 'reading');
  assert.equal(refused.json.error.message, '本期读数 120.0 小于上期读数 123.4：如是换表或表已走满一圈，请注明');
  const s = await sheet({ meter_id: m.id, period: P2 });
  assert.equal(s.items[0].reading, null, 'nothing written');
  assert.equal(s.items[0].previous, '123.4');
  assert.equal(s.items[0].last_usage, '47.3');
  for (const [body, field] of [[{ reading: '12.34' }, 'reading'], [{ reading: 'abc' }, 'reading'], [{ reading: -1 }, 'reading'],
    [{ period: '2026-13' }, 'period'], [{ period: '2099-01' }, 'period'], [{ reading: null }, 'reading'],
    [{ old_final: '1' }, 'old_final'], [{ replaced: true }, 'old_final']])
    assertError(await steward.post('/api/v1/meter-readings', { meter_id: m.id, period: P2, reading: '130', ...body }), 422, 'validation_failed', field);
  assertError(await technician.post('/api/v1/meter-readings', { meter_id: m.id, period: P2, reading: '130' }), 403, 'forbidden');
});

test('a rollover on a meter with a maximum, a replacement, a period entered twice', async () => {
  const roll = assertOk(await steward.post('/api/v1/meter-readings', { meter_id: ids.m2.id, period: P1, reading: 5 }), 201);
  assert.equal(roll.usage, '15');
  assert.equal(roll.rollover, true);
  assert.equal(roll.explanation, '表走满一圈：本期 5 + 满圈 10000 − 上期 9990 = 15 × 倍率 1 + 损耗 0 = 15 度');
  const over = await steward.post('/api/v1/meter-readings', { meter_id: ids.m2.id, period: P2, reading: 10000 });
  assertError(over, 422, 'validation_failed', 'reading');
  assert.match(over.json.error.message, /超过表的最大读数 9999/);
  const rep = assertOk(await steward.post('/api/v1/meter-readings', { meter_id: ids.m1.id, period: P2, reading: '5.0', replaced: true,
    old_final: '130.0', new_start: '0.0', note: '表坏换新' }), 201);
  assert.equal(rep.explanation, '换表：旧表止码 130.0 − 上期 123.4 + 本期 5.0 − 新表起码 0.0 = 11.6 × 倍率 2 + 损耗 0.5 = 23.7 吨');
  assert.equal(rep.usage, '23.7');
  assert.deepEqual([rep.replaced, rep.old_final, rep.new_start], [true, '130.0', '0.0']);
  ids.r2 = rep;
  const dup = await steward.post('/api/v1/meter-readings', { meter_id: ids.m1.id, period: P2, reading: '6.0' });
  assertError(dup, 409, 'duplicate', 'period');
  assert.match(dup.json.error.message, /已录入读数 5\.0，如需更正请修改该读数/);
});

test('a correction carries the version, is audited from → to and computes the next period again', async () => {
  const r1 = ids.r1;
  assertError(await steward.patch(`/api/v1/meter-readings/${r1.id}`, { reading: '124.0' }), 422, 'validation_failed', 'version');
  const fixed = assertOk(await steward.patch(`/api/v1/meter-readings/${r1.id}`, { version: r1.version, reading: '124.0' }));
  assert.equal(fixed.usage, '48.5');
  assert.equal(fixed.version, r1.version + 1);
  assertError(await steward.patch(`/api/v1/meter-readings/${r1.id}`, { version: r1.version, reading: '124.5' }), 409, 'conflict', 'version');
  const next = (await sheet({ meter_id: ids.m1.id, period: P2 })).items[0];
  assert.equal(next.previous, '124.0');
  assert.equal(next.usage, '22.5');
  assert.equal(next.explanation, '换表：旧表止码 130.0 − 上期 124.0 + 本期 5.0 − 新表起码 0.0 = 11.0 × 倍率 2 + 损耗 0.5 = 22.5 吨');
  const broken = await steward.patch(`/api/v1/meter-readings/${r1.id}`, { version: fixed.version, reading: '131.0' });
  assertError(broken, 422, 'validation_failed', 'reading');
  assert.match(broken.json.error.message, /^2026-04 的读数将无法计算：旧表止码 130\.0 小于上期读数 131\.0/);
  assert.equal((await sheet({ meter_id: ids.m1.id, period: P1 })).items[0].reading, '124.0', 'nothing changed');
  const rows = await auditRows('meter_reading', r1.id);
  const upd = rows.find((x) => x.action === 'update');
  assert.deepEqual(upd.changes.reading, { from: '123.4', to: '124.0' });
  assert.deepEqual(upd.changes.usage, { from: '47.3', to: '48.5' });
  assert.match(upd.summary, /本期读数：123\.4 → 124\.0/);
  const re = (await auditRows('meter_reading', ids.r2.id)).find((x) => x.action === 'recompute');
  assert.deepEqual(re.changes.previous, { from: '123.4', to: '124.0' });
  assert.equal(re.action_label, '重算用量');
});

test('another project\'s meter is not found; the meter page lists its readings', async () => {
  const other = assertOk(await admin.post('/api/v1/meters', { unit_id: ids.p2unit, kind: 'gas' }), 201);
  assert.equal(other.measure, 'm³');
  assertError(await steward.post('/api/v1/meter-readings', { meter_id: other.id, period: P1, reading: 3 }), 404, 'not_found');
  assertError(await steward.get(`/api/v1/meters/${other.id}`), 404, 'not_found');
  const r = assertOk(await admin.post('/api/v1/meter-readings', { meter_id: other.id, period: P1, reading: 3 }), 201);
  assertError(await steward.patch(`/api/v1/meter-readings/${r.id}`, { version: r.version, reading: 4 }), 404, 'not_found');
  assertError(await steward.get(`/api/v1/meter-readings?project_id=2`), 404);
  const m = assertOk(await steward.get(`/api/v1/meters/${ids.m1.id}`));
  assert.deepEqual(m.readings.map((r) => [r.period, r.reading]), [[P2, '5.0'], [P1, '124.0']]);
  assert.equal(m.last_reading, '5.0');
});

test('a meter is edited with its version; its resolution stays once read', async () => {
  const m = assertOk(await steward.get(`/api/v1/meters/${ids.m1.id}`));
  assertError(await manager.patch(`/api/v1/meters/${m.id}`, { version: m.version, decimals: 2 }), 409, 'invalid_state', 'decimals');
  const e = assertOk(await manager.patch(`/api/v1/meters/${m.id}`, { version: m.version, multiplier: 3, note: '改倍率' }));
  assert.equal(e.multiplier, 3);
  assertError(await manager.patch(`/api/v1/meters/${m.id}`, { version: m.version, multiplier: 4 }), 409, 'conflict');
  const upd = (await auditRows('meter', m.id)).find((x) => x.action === 'update');
  assert.deepEqual(upd.changes.multiplier, { from: 2, to: 3 });
  ids.m1 = e;
  const off = assertOk(await manager.patch(`/api/v1/meters/${ids.m3.id}`, { version: ids.m3.version, active: false }));
  assert.equal(off.active, false);
  assertError(await steward.post('/api/v1/meter-readings', { meter_id: off.id, period: P1, reading: 1 }), 422, 'validation_failed', 'meter_id');
  ids.m3 = assertOk(await manager.patch(`/api/v1/meters/${off.id}`, { version: off.version, active: true }));
});

test('the reading sheet of a building walks the floors with last period\'s reading', async () => {
  const s = await sheet({ project_id: 1, building_id: ids.b.id, period: P2 });
  assert.equal(s.total, 3);
  assert.deepEqual(s.items.map((r) => r.unit_code), ids.b.units.map((u) => u.code));
  assert.deepEqual(s.items.map((r) => r.reading), ['5.0', null, null]);
  assert.deepEqual(s.items.map((r) => r.previous), ['124.0', '5', '0']);
  const missing = await sheet({ project_id: 1, building_id: ids.b.id, period: P2, state: 'missing' });
  assert.equal(missing.total, 2);
  assertError(await steward.get('/api/v1/meter-readings?period=2026-4'), 400, 'bad_request', 'period');
  const res = await fetch(`${srv.url}/api/v1/meter-readings?building_id=${ids.b.id}&period=${P2}&format=xlsx`, { headers: { Cookie: steward.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = xlsxRows(new Uint8Array(await res.arrayBuffer()));
  assert.deepEqual(rows[0].slice(0, 9), ['月份', '楼栋', '房号', '楼层', '表类', '表号', '上期读数', '本期读数', '用量']);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[1].slice(6, 9), ['124.0', '5.0', '22.5']);
  const mx = await fetch(`${srv.url}/api/v1/meters?building_id=${ids.b.id}&format=xlsx`, { headers: { Cookie: steward.cookieHeader() } });
  assert.equal(mx.status, 200);
  assert.equal(xlsxRows(new Uint8Array(await mx.arrayBuffer())).length, 4);
});

test('the demo: a water meter for each unit of building 1 with last month\'s reading', async () => {
  const b1 = assertOk(await steward.get('/api/v1/buildings?project_id=1&q=1栋')).items.find((b) => b.code === '1');
  const s = await sheet({ project_id: 1, building_id: b1.id });
  assert.equal(s.total, b1.unit_count);
  assert.ok(s.items.every((r) => r.kind === 'water' && r.previous_period && r.reading === null), JSON.stringify(s.items[0]));
});

test('the import: the template, a check with problems, a commit that writes nothing, then everything', async () => {
  const t = await fetch(`${srv.url}/api/v1/meter-readings/template?building_id=${ids.b.id}&period=${P3}&format=csv`,
    { headers: { Cookie: steward.cookieHeader() } });
  assert.equal(t.status, 200);
  const text = (await t.text()).replace(/^\uFEFF/, '');
  const lines = text.trim().split(/\r?\n/);
  assert.equal(lines[0], '"房号*","表类","表号","上期读数","本期读数*","换表","旧表止码","新表起码","抄表日期","备注"');
  assert.equal(lines.length, 4);
  const [u1, u2, u3] = ids.b.units.map((u) => u.code);
  const head = '房号,表类,表号,上期读数,本期读数,换表,旧表止码,新表起码,抄表日期,备注';
  const bad = [head, `${u1},水表,,,4.0,,,,2026-05-25,`, `${u2},电表,,,3,,,,,`, `${u3},燃气表,,,7,,,,,`, 'NOPE-1,水表,,,1,,,,,'].join('\n');
  const before = (await sheet({ building_id: ids.b.id, period: P3, state: 'entered' })).total;
  const check = await upload(steward, bad);
  assert.equal(check.status, 200, check.text);
  assert.equal(check.json.ok, false);
  const where = check.json.problems.map((p) => `${p.row}:${p.column}:${p.message}`);
  assert.ok(where.some((w) => w.startsWith('2:本期读数:本期读数 4.0 小于上期读数 5.0')), where.join('\n'));
  assert.ok(where.some((w) => w.startsWith(`4:房号:房号 ${u3} 没有在用的燃气表`)), where.join('\n'));
  assert.ok(where.some((w) => w.startsWith('5:房号:房号 NOPE-1 没有在用的水表')), where.join('\n'));
  const commit = await upload(steward, bad, { mode: 'commit' });
  assertError(commit, 422, 'validation_failed', 'file');
  assert.equal(commit.json.error.report.problem_count, 3);
  assert.equal((await sheet({ building_id: ids.b.id, period: P3, state: 'entered' })).total, before, 'nothing written');
  const good = [head, `${u1},水表,,,9.0,,,,2026-05-25,`, `${u2},电表,,,3,是,9999,0,,换新表`, `${u3},,MT-W-301,,7,,,,,`].join('\n');
  const ok = await upload(steward, good, { mode: 'commit' });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual([ok.json.ok, ok.json.imported, ok.json.readings], [true, true, 3]);
  const s = await sheet({ building_id: ids.b.id, period: P3 });
  assert.deepEqual(s.items.map((r) => r.usage), ['12.5', '9997', '7']);
  assert.equal(s.items[1].explanation, '换表：旧表止码 9999 − 上期 5 + 本期 3 − 新表起码 0 = 9997 × 倍率 1 + 损耗 0 = 9997 度');
  assert.equal(s.items[1].note, '换新表');
  const again = await upload(steward, good, { mode: 'check' });
  assert.equal(again.json.problem_count, 3, 'each reading is entered already');
  const imp = assertOk(await admin.get('/api/v1/audit?entity=meter_reading&action=import_readings&per_page=5')).items[0];
  assert.deepEqual(imp.changes, { period: P3, rows: 3, readings: 3 });
});
