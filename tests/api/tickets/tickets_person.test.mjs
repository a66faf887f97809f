// tickets_person.test.mjs — the archive's phone is used, not retyped (issue 20, point 2;
// docs/api.md "Tickets → Register" person_id, "Read", and "People → Calling without seeing"):
// a ticket registered for a person of the unit keeps person_id and takes the person's name and
// number from the archive; a person of another unit or project is refused (422, nothing
// written); a number from the archive is masked on the ticket page for the desk without
// people.reveal (a typed one stays whole there), whole for the order's technician; the desk
// dials it with the person's call action, which answers the whole number and is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, assertError, assertOk } from '../lib/harness.mjs';

const PHONE = '13912340517';
const PHONE2 = '02087654321';
const TYPED = '13600001111';
const mask = (p) => `${p.slice(0, 3)}****${p.slice(-4)}`;

let srv, admin, supervisor, agent, technician, cashier;
let unit, other, person, tenant, stranger, outsider, techId;

before(async () => {
  srv = await startServer();
  [admin, supervisor, agent, technician, cashier] = await Promise.all(
    ['admin', 'supervisor', 'agent', 'technician', 'cashier'].map((u) => loginAs(srv.url, u)));
  techId = assertOk(await technician.get('/api/v1/me')).user.id;
  const tag = String(process.pid % 100000);
  const b = assertOk(await supervisor.post('/api/v1/buildings', { project_id: 1, code: `Q${tag}`, name: '来电楼', entrances: 1, kind: '住宅楼' }), 201);
  const mk = async (room) => assertOk(await supervisor.post('/api/v1/units', {
    project_id: 1, building_id: b.id, entrance: '1', room, floor: 5, area_build: 88, use: '住宅', holder: '档案', status: '已入住',
  }), 201);
  unit = await mk('501');
  other = await mk('502');
  person = assertOk(await supervisor.post('/api/v1/people', { project_id: 1, name: '档案业主', phone: PHONE, phone2: PHONE2 }), 201);
  assertOk(await supervisor.post(`/api/v1/units/${unit.id}/residents`, { person_id: person.id, relation: '业主', since: '2023-01-01' }), 201);
  // a tenant with only a second number; a person of the other unit; a person of project 2
  const t = assertOk(await supervisor.post(`/api/v1/units/${unit.id}/residents`, {
    person: { name: '档案租户', phone2: '13500007777' }, relation: '租户', since: '2024-01-01' }), 201);
  tenant = t.person_id;
  const s = assertOk(await supervisor.post(`/api/v1/units/${other.id}/residents`, {
    person: { name: '隔壁业主', phone: '13500008888' }, relation: '业主', since: '2024-01-01' }), 201);
  stranger = s.person_id;
  outsider = assertOk(await admin.post('/api/v1/people', { project_id: 2, name: '外处人员', phone: '13500009999' }), 201);
});
after(async () => { await srv?.stop(); });

const body = (extra = {}) => ({
  project_id: 1, kind: 'home_repair', channel: 'phone', unit_id: unit.id, content: '厨房水管漏水', category: 'water', ...extra,
});
async function auditOf(c, entity, id) {
  return assertOk(await c.get(`/api/v1/audit?entity=${entity}&id=${id}&per_page=50`)).items;
}

test('person_id: the ticket keeps the person, and takes their name and archive number when left empty', async () => {
  const t = assertOk(await agent.post('/api/v1/tickets', body({ person_id: person.id })), 201);
  assert.equal(t.person_id, person.id);
  assert.equal(t.caller, '档案业主', 'the caller is the person');
  assert.equal(t.phone_from_archive, true);
  assert.equal(t.phone, mask(PHONE), 'the agent (no people.reveal) sees the archive number masked, even on the page');
  const seen = assertOk(await supervisor.get(`/api/v1/tickets/${t.id}`));
  assert.equal(seen.phone, PHONE, 'the number stored is the archive\'s whole number (supervisor holds people.reveal)');
  // a caller named and a second number: the given name stays; phone2 is used when phone is empty
  const t2 = assertOk(await agent.post('/api/v1/tickets', body({ person_id: tenant, caller: '租户本人' })), 201);
  assert.equal(t2.caller, '租户本人');
  assert.equal(assertOk(await supervisor.get(`/api/v1/tickets/${t2.id}`)).phone, '13500007777');
  assert.equal(t2.phone_from_archive, true);
  // the audit row of the registration names the person, with the number masked
  const row = (await auditOf(supervisor, 'ticket', t.id)).find((r) => r.action === 'create');
  assert.ok(row, 'create audit row');
  const text = JSON.stringify(row);
  assert.ok(text.includes(String(person.id)) && text.includes(mask(PHONE)) && !text.includes(PHONE), text);
});

test('a number the agent typed stays the caller\'s own: whole on the page for the desk, as before', async () => {
  const t = assertOk(await agent.post('/api/v1/tickets', body({ person_id: person.id, phone: TYPED })), 201);
  assert.equal(t.person_id, person.id);
  assert.equal(t.phone_from_archive, false);
  assert.equal(t.phone, TYPED, 'typed: whole on the ticket page for the agent');
  const list = assertOk(await agent.get(`/api/v1/tickets?unit_id=${unit.id}&per_page=50`));
  assert.equal(list.items.find((x) => x.id === t.id).phone, mask(TYPED), 'lists mask it without people.reveal, as before');
  // typed equal to the archive's number is the archive's number
  const same = assertOk(await agent.post('/api/v1/tickets', body({ person_id: person.id, phone: PHONE2 })), 201);
  assert.equal(same.phone_from_archive, true);
  assert.equal(same.phone, mask(PHONE2));
  // without person_id nothing changes
  const plain = assertOk(await agent.post('/api/v1/tickets', body({ phone: PHONE })), 201);
  assert.equal(plain.person_id, null);
  assert.equal(plain.phone_from_archive, false);
  assert.equal(plain.phone, PHONE);
});

test('the archive number: masked in lists and exports for roles without people.reveal, whole for the order\'s technician', async () => {
  const t = assertOk(await agent.post('/api/v1/tickets', body({ person_id: person.id })), 201);
  const list = await agent.get(`/api/v1/tickets?unit_id=${unit.id}&per_page=50`);
  assert.ok(!list.text.includes(PHONE) && list.text.includes(mask(PHONE)), 'agent list');
  const csv = await agent.get(`/api/v1/tickets?unit_id=${unit.id}&format=csv`);
  assert.equal(csv.status, 200);
  assert.ok(!csv.text.includes(PHONE) && csv.text.includes(mask(PHONE)), 'agent export');
  for (const c of [cashier, technician]) {
    const p = assertOk(await c.get(`/api/v1/tickets/${t.id}`));
    assert.equal(p.phone, mask(PHONE), 'not dispatched to them: masked');
  }
  assertOk(await agent.post(`/api/v1/tickets/${t.id}/actions/dispatch`, { technician_id: techId }));
  assert.equal(assertOk(await technician.get(`/api/v1/tickets/${t.id}`)).phone, PHONE, 'the technician gets it for the visit');
  assert.equal(assertOk(await agent.get(`/api/v1/tickets/${t.id}`)).phone, mask(PHONE), 'the agent still does not');
  const slip = await agent.get(`/api/v1/tickets/${t.id}/slip.pdf`);
  assert.equal(slip.status, 200);
});

test('person_id refused: of another unit, another project, nobody, without a unit — 422 on person_id, nothing written', async () => {
  const before = assertOk(await admin.get('/api/v1/tickets?per_page=1')).total;
  const cases = [
    [body({ person_id: stranger }), '来电人不是该房屋登记的住户'],
    [body({ person_id: outsider.id }), '来电人不是该房屋登记的住户'],
    [body({ person_id: 99999999 }), '来电人不是该房屋登记的住户'],
    [{ project_id: 1, kind: 'inquiry', channel: 'phone', content: '咨询', person_id: person.id }, '请先选择房屋，再选择来电人'],
  ];
  for (const [b, msg] of cases) {
    const r = await agent.post('/api/v1/tickets', b);
    assertError(r, 422, 'validation_failed', 'person_id');
    assert.equal(r.json.error.message, msg);
  }
  assertError(await agent.post('/api/v1/tickets', body({ person_id: 'x' })), 422, 'validation_failed', 'person_id');
  // an ended relation is not a person of the unit now
  const res = assertOk(await supervisor.get(`/api/v1/units/${unit.id}`)).residents.find((r) => r.person_id === tenant);
  assertOk(await supervisor.post(`/api/v1/units/${unit.id}/residents/${res.id}/actions/end`, { until: '2024-12-31' }));
  assertError(await agent.post('/api/v1/tickets', body({ person_id: tenant })), 422, 'validation_failed', 'person_id');
  assert.equal(assertOk(await admin.get('/api/v1/tickets?per_page=1')).total, before, 'no ticket written');
});

test('call: the whole number for the dialer, to the desk without people.reveal; each call audited with the number masked', async () => {
  const rowsBefore = (await auditOf(supervisor, 'person', person.id)).filter((r) => r.action === 'call').length;
  const r = assertOk(await agent.post(`/api/v1/people/${person.id}/actions/call`, {}));
  assert.deepEqual(r, { id: person.id, field: 'phone', phone: PHONE });
  const r2 = assertOk(await agent.post(`/api/v1/people/${person.id}/actions/call`, { field: 'phone2' }));
  assert.equal(r2.phone, PHONE2);
  const rows = (await auditOf(supervisor, 'person', person.id)).filter((x) => x.action === 'call');
  assert.equal(rows.length, rowsBefore + 2, 'one audit row per call');
  const text = JSON.stringify(rows);
  assert.ok(text.includes(mask(PHONE)) && !text.includes(PHONE) && !text.includes(PHONE2), text);
  assert.ok(rows.every((x) => x.actor_name === '李静'), 'the agent is named');
  // the agent still cannot reveal, and reads the person masked
  assertError(await agent.post(`/api/v1/people/${person.id}/actions/reveal`, {}), 403, 'forbidden');
  assert.equal(assertOk(await agent.get(`/api/v1/people/${person.id}`)).phone, mask(PHONE));
});

test('call refused: without people.call 403, no number 422, another project 404, bad field 422 — nothing audited', async () => {
  const count = async () => (await auditOf(supervisor, 'person', person.id)).filter((r) => r.action === 'call').length;
  const n = await count();
  for (const c of [technician, cashier]) {
    const r = await c.post(`/api/v1/people/${person.id}/actions/call`, {});
    assertError(r, 403, 'forbidden');
    assert.ok(!r.text.includes(PHONE));
  }
  assertError(await agent.post(`/api/v1/people/${person.id}/actions/call`, { field: 'id_no' }), 422, 'validation_failed', 'field');
  assertError(await agent.post(`/api/v1/people/${person.id}/actions/call`, { field: 'phone', extra: 1 }), 422);
  assertError(await agent.post(`/api/v1/people/${outsider.id}/actions/call`, {}), 404);
  assert.equal(await count(), n, 'refused calls are not audited');
  const t = await agent.post(`/api/v1/people/${tenant}/actions/call`, {});
  assertError(t, 422, 'validation_failed', 'field');
  assert.equal(t.json.error.message, '该人员没有登记手机');
});
