// privacy.test.mjs — owners' phone and ID numbers (SPEC A6): masked for roles without
// people.reveal everywhere (lists, records, unit owners, lookup, history, exports); the reveal
// action answers the full values to manager / supervisor / steward and leaves an audit row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, loginAs, assertError, assertOk, uniqueName } from '../lib/harness.mjs';

let srv, dir;
let admin, manager, supervisor, agent, steward, technician;
let ids = {};     // user ids
let person;       // the secret holder (project 1), created by the supervisor
let unit;         // their unit (业主)
let plate;

function residentId(first17) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * W[i];
  return first17 + '10X98765432'[s % 11];
}
const SECRET = {
  name: '钱保密',
  phone: '13812345678',
  phone2: '13987654321',
  emergency_phone: '13700001234',
  id_no: residentId('11010519491231002'),
};
const FULL = [SECRET.phone, SECRET.phone2, SECRET.emergency_phone, SECRET.id_no];
const maskPhone = (p) => `${p.slice(0, 3)}****${p.slice(-4)}`;
const maskId = (id) => `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
/** The full numbers, and their hidden middles, appear nowhere in text. */
function noLeak(text, what) {
  for (const v of FULL) assert.ok(!text.includes(v), `${what}: full value ${v} must not appear`);
  assert.ok(!text.includes(SECRET.id_no.slice(4, 14)), `${what}: the hidden middle of the ID number must not appear`);
  assert.ok(!text.includes(SECRET.phone.slice(3, 7) + SECRET.phone.slice(-4)), `${what}: hidden phone digits must not appear`);
}
function assertMaskedPerson(p, what) {
  assert.equal(p.masked, true, `${what}: masked true`);
  assert.equal(p.phone, maskPhone(SECRET.phone), `${what}: phone`);
  assert.equal(p.phone2, maskPhone(SECRET.phone2), `${what}: phone2`);
  assert.equal(p.emergency_phone, maskPhone(SECRET.emergency_phone), `${what}: emergency_phone`);
  assert.equal(p.id_no, maskId(SECRET.id_no), `${what}: id_no`);
}

before(async () => {
  srv = await startServer();
  [admin, manager, supervisor, agent, steward, technician] = await Promise.all(
    ['admin', 'manager', 'supervisor', 'agent', 'steward', 'technician'].map((u) => loginAs(srv.url, u)));
  for (const [n, c] of Object.entries({ manager, supervisor, agent, steward })) ids[n] = assertOk(await c.get('/api/v1/me')).user.id;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-privacy-'));

  person = assertOk(await supervisor.post('/api/v1/people', {
    project_id: 1, name: SECRET.name, phone: SECRET.phone, phone2: SECRET.phone2, id_type: '身份证', id_no: SECRET.id_no,
    emergency_name: '钱家属', emergency_phone: SECRET.emergency_phone, remark: '隐私测试',
  }), 201);
  const b = assertOk(await supervisor.post('/api/v1/buildings', { project_id: 1, code: `P${process.pid % 1000}`, name: '隐私楼', entrances: 1, kind: '住宅楼' }), 201);
  unit = assertOk(await supervisor.post('/api/v1/units', {
    project_id: 1, building_id: b.id, entrance: '1', room: '808', floor: 8, area_build: 99.5, use: '住宅', holder: SECRET.name, status: '已入住',
  }), 201);
  assertOk(await supervisor.post(`/api/v1/units/${unit.id}/residents`, { person_id: person.id, relation: '业主', since: '2023-01-01' }), 201);
  plate = `粤AP${String(process.pid % 10000).padStart(4, '0')}`;
  assertOk(await supervisor.post(`/api/v1/units/${unit.id}/vehicles`, { plate, person_id: person.id }), 201);
  // an edit of the phone, so the history holds old → new values
  const cur = assertOk(await supervisor.get(`/api/v1/people/${person.id}`));
  assertOk(await supervisor.patch(`/api/v1/people/${person.id}`, { version: cur.version, phone: '13812340000' }));
  const cur2 = assertOk(await supervisor.get(`/api/v1/people/${person.id}`));
  assertOk(await supervisor.patch(`/api/v1/people/${person.id}`, { version: cur2.version, phone: SECRET.phone }));
});
after(async () => { await srv?.stop(); if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

async function revealRows(id) {
  const j = assertOk(await manager.get(`/api/v1/audit?entity=person&id=${id}&per_page=200`));
  return j.items.filter((r) => r.action === 'reveal');
}
function fullOf(j) { return j.person && typeof j.person === 'object' ? j.person : j; }

async function download(c, p) {
  const res = await fetch(srv.url + p, { headers: { Cookie: c.cookieHeader() } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
/** All text of an xlsx (every XML part). */
function xlsxText(bytes) {
  const f = path.join(dir, `${uniqueName('p')}.xlsx`);
  fs.writeFileSync(f, bytes);
  return execFileSync('unzip', ['-p', f], { maxBuffer: 64 << 20 }).toString('utf8');
}

test('agent: people list and person record are masked, with masked: true', async () => {
  const list = assertOk(await agent.get(`/api/v1/people?q=${encodeURIComponent(SECRET.name)}`));
  const item = list.items.find((p) => p.id === person.id);
  assert.ok(item, 'found');
  assertMaskedPerson(item, 'list item');
  const listText = (await agent.get(`/api/v1/people?per_page=200`)).text;
  noLeak(listText, 'people list');
  const rec = await agent.get(`/api/v1/people/${person.id}`);
  assertMaskedPerson(assertOk(rec), 'record');
  assert.equal(rec.json.emergency_name, '钱家属', 'names are not masked');
  noLeak(rec.text, 'person record (with its history)');
  // every person the agent sees has the mask shape
  for (const p of assertOk(await agent.get('/api/v1/people?per_page=200')).items) {
    assert.equal(p.masked, true, `${p.name}: masked`);
    for (const k of ['phone', 'phone2', 'emergency_phone']) {
      if (p[k]) assert.match(p[k], /^.{3}\*{4}.{4}$/, `${p.name} ${k} = ${p[k]}`);
    }
    if (p.id_no) assert.match(p.id_no, /^.{4}\*+.{4}$/, `${p.name} id_no = ${p.id_no}`);
  }
});

test('agent and technician: history of an edited phone shows masked old and new values', async () => {
  for (const c of [agent, technician]) {
    const rec = assertOk(await c.get(`/api/v1/people/${person.id}`));
    assert.ok(rec.history.length >= 3, 'create + two edits');
    const edit = rec.history.find((h) => h.changes && h.changes.phone);
    assert.ok(edit, JSON.stringify(rec.history));
    assert.match(String(edit.changes.phone.from), /^\d{3}\*{4}\d{4}$/);
    assert.match(String(edit.changes.phone.to), /^\d{3}\*{4}\d{4}$/);
    assert.ok(!JSON.stringify(rec.history).includes('13812340000'), 'the intermediate number is not shown either');
  }
});

test('agent: unit owners, residents and the units list are masked', async () => {
  const g = await agent.get(`/api/v1/units/${unit.id}`);
  const u = assertOk(g);
  const o = u.owners.find((x) => x.person_id === person.id);
  assert.ok(o, 'owner listed');
  assert.equal(o.phone, maskPhone(SECRET.phone));
  noLeak(g.text, 'unit page (owners, residents, vehicles, history)');
  const l = await agent.get(`/api/v1/units?q=${encodeURIComponent(unit.code)}`);
  const li = assertOk(l).items.find((x) => x.id === unit.id);
  assert.equal(li.owners.find((x) => x.person_id === person.id).phone, maskPhone(SECRET.phone));
  noLeak(l.text, 'units list');
  noLeak((await agent.get(`/api/v1/vehicles?q=${encodeURIComponent(plate)}`)).text, 'vehicles list');
  noLeak((await agent.get('/api/v1/archive/completeness')).text, 'completeness');
});

test('agent: lookup results are masked', async () => {
  for (const q of [SECRET.name, '钱保', SECRET.phone.slice(-4), SECRET.phone, unit.code, plate, plate.slice(2)]) {
    const r = await agent.get(`/api/v1/lookup?q=${encodeURIComponent(q)}`);
    const j = assertOk(r);
    noLeak(r.text, `lookup ${q}`);
    const p = j.people.find((x) => x.id === person.id);
    if (p) assertMaskedPerson(p, `lookup ${q}`);
  }
  const byName = assertOk(await agent.get(`/api/v1/lookup?q=${encodeURIComponent(SECRET.name)}`));
  assert.ok(byName.people.some((x) => x.id === person.id), 'found by name');
  const byUnit = assertOk(await agent.get(`/api/v1/lookup?q=${encodeURIComponent(unit.code)}`));
  const lu = byUnit.units.find((x) => x.id === unit.id);
  assert.ok(lu, 'unit found');
  assert.equal(lu.owners.find((x) => x.person_id === person.id).phone, maskPhone(SECRET.phone));
});

test('agent: xlsx and csv exports are masked', async () => {
  for (const [p, what] of [
    [`/api/v1/people?q=${encodeURIComponent(SECRET.name)}`, 'people'],
    ['/api/v1/people', 'all people'],
    [`/api/v1/units?q=${encodeURIComponent(unit.code)}`, 'units'],
    [`/api/v1/vehicles?q=${encodeURIComponent(plate)}`, 'vehicles'],
  ]) {
    const x = await download(agent, `${p}${p.includes('?') ? '&' : '?'}format=xlsx`);
    assert.equal(x.status, 200, `${what} xlsx: ${x.bytes.toString('utf8').slice(0, 200)}`);
    const xt = xlsxText(x.bytes);
    noLeak(xt, `${what} xlsx`);
    const c = await download(agent, `${p}${p.includes('?') ? '&' : '?'}format=csv`);
    assert.equal(c.status, 200, `${what} csv`);
    const ct = c.bytes.toString('utf8');
    noLeak(ct, `${what} csv`);
    if (what === 'people') {
      assert.ok(xt.includes(maskPhone(SECRET.phone)), 'xlsx carries the masked phone');
      assert.ok(ct.includes(maskPhone(SECRET.phone)), 'csv carries the masked phone');
      assert.ok(ct.includes(maskId(SECRET.id_no)), 'csv carries the masked ID number');
    }
  }
});

test('agent and technician may not reveal: 403, nothing logged', async () => {
  const before = (await revealRows(person.id)).length;
  for (const c of [agent, technician]) {
    const r = await c.post(`/api/v1/people/${person.id}/actions/reveal`, {});
    assertError(r, 403, 'forbidden');
    noLeak(r.text, 'refused reveal');
  }
  assert.equal((await revealRows(person.id)).length, before);
});

test('manager, supervisor and steward reveal the full values; each reveal writes an audit row', async () => {
  for (const [who, c] of [['manager', manager], ['steward', steward], ['supervisor', supervisor]]) {
    const before = await revealRows(person.id);
    const res = await c.post(`/api/v1/people/${person.id}/actions/reveal`, {});
    const full = fullOf(assertOk(res));
    assert.equal(full.phone, SECRET.phone, `${who}: phone`);
    assert.equal(full.phone2, SECRET.phone2, `${who}: phone2`);
    assert.equal(full.emergency_phone, SECRET.emergency_phone, `${who}: emergency_phone`);
    assert.equal(full.id_no, SECRET.id_no, `${who}: id_no`);
    if ('masked' in full) assert.equal(full.masked, false, `${who}: revealed values are not masked`);
    const after = await revealRows(person.id);
    assert.equal(after.length, before.length + 1, `${who}: one new reveal row`);
    const row = after[0];
    assert.equal(row.entity, 'person');
    assert.equal(row.entity_id, person.id);
    assert.equal(row.action, 'reveal');
    assert.equal(row.actor_id, ids[who], `${who}: the row names the actor`);
    assert.equal(row.project_id, 1);
    assert.equal(row.ip, '127.0.0.1');
    noLeak(JSON.stringify(row.changes ?? {}), 'the reveal audit row does not copy the secrets');
  }
  // the reveal shows in the person's history too (who looked)
  const h = assertOk(await supervisor.get(`/api/v1/people/${person.id}`)).history;
  assert.ok(h.some((r) => r.action === 'reveal' && r.actor_name === '张伟'), 'steward reveal in history');
});

test('reveal of another project\'s person → 404; of nobody → 404', async () => {
  const p2 = assertOk(await manager.post('/api/v1/people', { project_id: 2, name: '金桂隐私', phone: '13511112222' }), 201);
  for (const c of [steward, supervisor]) {
    const r = await c.post(`/api/v1/people/${p2.id}/actions/reveal`, {});
    assertError(r, 404, 'not_found');
    assert.ok(!r.text.includes('13511112222'));
  }
  const ra = await agent.post(`/api/v1/people/${p2.id}/actions/reveal`, {});
  assert.ok(ra.status === 404 || ra.status === 403, `${ra.status} ${ra.text}`);
  assertError(ra, ra.status);
  assertError(await steward.post('/api/v1/people/99999999/actions/reveal', {}), 404, 'not_found');
  assertError(await steward.post('/api/v1/people/abc/actions/reveal', {}), 404);
  assert.equal((await revealRows(p2.id)).length, 0, 'no reveal row for refused reveals');
  // the manager of project 2 may
  assert.equal(fullOf(assertOk(await manager.post(`/api/v1/people/${p2.id}/actions/reveal`, {}))).phone, '13511112222');
});

test('masked values are never written back; a masked edit keeps the real numbers', async () => {
  const cur = assertOk(await agent.get(`/api/v1/people/${person.id}`));
  assertError(await agent.patch(`/api/v1/people/${person.id}`, { version: cur.version, phone: cur.phone }), 422, 'validation_failed', 'phone');
  assertError(await agent.patch(`/api/v1/people/${person.id}`, { version: cur.version, id_no: cur.id_no }), 422, 'validation_failed', 'id_no');
  assertError(await agent.patch(`/api/v1/people/${person.id}`, { version: cur.version, emergency_phone: cur.emergency_phone }), 422, 'validation_failed', 'emergency_phone');
  const e = assertOk(await agent.patch(`/api/v1/people/${person.id}`, { version: cur.version, remark: '前台改了备注' }));
  assertMaskedPerson(e, 'PATCH answer to the agent');
  const full = fullOf(assertOk(await supervisor.post(`/api/v1/people/${person.id}/actions/reveal`, {})));
  assert.equal(full.phone, SECRET.phone);
  assert.equal(full.id_no, SECRET.id_no);
  assert.equal(full.emergency_phone, SECRET.emergency_phone);
});

test('a person the agent creates is answered masked too', async () => {
  const phone = '13698765432';
  const res = await agent.post('/api/v1/people', { project_id: 1, name: '前台新建', phone });
  const p = assertOk(res, 201);
  assert.equal(p.masked, true);
  assert.equal(p.phone, maskPhone(phone));
  assert.ok(!res.text.includes(phone));
  // a person without numbers: nothing to mask, no stars invented
  const q = assertOk(await agent.post('/api/v1/people', { project_id: 1, name: '无号码人' }), 201);
  assert.ok(q.phone === null || q.phone === '', `empty phone stays empty: ${q.phone}`);
  assert.ok(q.id_no === null || q.id_no === '', `empty id_no stays empty: ${q.id_no}`);
});
