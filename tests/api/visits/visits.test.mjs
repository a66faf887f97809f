// visits.test.mjs — owner visits and callbacks (docs/api.md "Visits and callback quotas", SPEC V1–V4):
// plans per steward and month over a district, appointments and records, a request turned into a
// ticket with one click, the visit rate on a district whose households are known, the managers'
// callback quotas (visits plus ticket callbacks), what a steward sees, refusals that change nothing,
// and the exports. The test clock stands in May 2031, a month the demo never fills.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, client, loginAs, assertError, assertOk, createUser, uniqueName } from '../lib/harness.mjs';

const MONTH = '2031-05';
let srv, admin, manager, supervisor, agent, steward, technician, other;
const ids = {};

async function setClock(now) {
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now }));
}
/** Moves the clock and logs everyone in again (a session idles out after 12 hours). */
async function moveClock(now) {
  await setClock(now);
  for (const [c, u] of [[admin, 'admin'], [manager, 'manager'], [supervisor, 'supervisor'], [agent, 'agent'],
    [steward, 'steward'], [technician, 'technician']]) assert.equal((await c.login(u)).status, 200);
  assert.equal((await other.c.login(other.name, 'Steward2031pw')).status, 200);
}

/** A new building of project 1 with units of the given statuses; returns {id, units:[ids]}. */
async function building(code, statuses) {
  const b = assertOk(await supervisor.post('/api/v1/buildings', { project_id: 1, code, name: `${code}栋`, floors: 5 }), 201);
  const units = [];
  for (const [i, status] of statuses.entries()) {
    const u = assertOk(await supervisor.post('/api/v1/units', { project_id: 1, building_id: b.id, room: `${i + 1}01`, floor: i + 1, status }), 201);
    units.push(u.id);
  }
  return { id: b.id, units };
}

/** A second steward of project 1, logged in with a password of their own. */
async function newSteward() {
  const name = uniqueName('stw');
  const u = await createUser(admin, { username: name, display_name: '李管家', password: 'Init2031pw', roles: [{ project_id: 1, role: 'steward' }] });
  const c = client(srv.url);
  assert.equal((await c.login(name, 'Init2031pw')).status, 200);
  assert.equal((await c.post('/api/v1/me/password', { old_password: 'Init2031pw', new_password: 'Steward2031pw' })).status, 204);
  return { id: u.id, c, name };
}

const visitAt = (day, hm = '10:00') => `${MONTH}-${day}T${hm}:00+08:00`;
const record = (c, unit_id, day, extra = {}) =>
  c.post('/api/v1/visits', { unit_id, state: 'done', visited_at: visitAt(day), ...extra });
const totals = async () => ({
  visits: assertOk(await supervisor.get('/api/v1/visits?per_page=1')).total,
  plans: assertOk(await supervisor.get('/api/v1/visit-plans?per_page=1')).total,
  requests: (await Promise.all(assertOk(await supervisor.get(`/api/v1/visits?month=${MONTH}&per_page=200`)).items.map((v) => v.requests_count))).reduce((a, b) => a + b, 0),
});

before(async () => {
  srv = await startServer();
  await setClock(`${MONTH}-20T10:00:00+08:00`);
  [admin, manager, supervisor, agent, steward, technician] = await Promise.all(
    ['admin', 'manager', 'supervisor', 'agent', 'steward', 'technician'].map((u) => loginAs(srv.url, u)));
  for (const [k, c] of Object.entries({ manager, steward, technician, supervisor })) ids[k] = assertOk(await c.get('/api/v1/me')).user.id;
  // the known district: three households (已入住, 出租, 已入住), a vacant unit and one being decorated
  ids.district = await building('V1', ['已入住', '出租', '空置', '装修中', '已入住']);
  ids.far = await building('V2', ['已入住', '已入住']);
  other = await newSteward();
  ids.p2Building = assertOk(await admin.get('/api/v1/buildings?project_id=2&per_page=1')).items[0].id;
  ids.p2Unit = assertOk(await admin.get('/api/v1/units?project_id=2&per_page=1')).items[0].id;
});
after(() => srv?.stop());

test('a plan per steward and month: create, read, duplicate, edit', async () => {
  const plan = assertOk(await supervisor.post('/api/v1/visit-plans',
    { project_id: 1, steward_id: ids.steward, month: MONTH, building_ids: [ids.district.id], note: '五月巡访' }), 201);
  ids.plan = plan.id;
  assert.equal(plan.steward_name, '张伟');
  assert.equal(plan.month, MONTH);
  assert.equal(plan.target_percent, 80);
  assert.deepEqual(plan.buildings.map((b) => b.id), [ids.district.id]);
  assert.equal(plan.district, 'V1栋');
  assert.deepEqual([plan.households, plan.visited, plan.rate, plan.met], [3, 0, 0, false]);
  assert.deepEqual(plan.units.map((u) => u.id), [ids.district.units[0], ids.district.units[1], ids.district.units[4]]);
  assert.ok(plan.units.every((u) => u.visited === false));

  // one plan per steward and month; a building is in one steward's district a month
  const dup = await supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: ids.steward, month: MONTH, building_ids: [ids.far.id] });
  assertError(dup, 409, 'duplicate', 'steward_id');
  assertError(await supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: MONTH, building_ids: [ids.far.id, ids.district.id] }),
    422, 'validation_failed', 'building_ids[1]');
  assertError(await steward.post('/api/v1/visit-plans', { project_id: 1, steward_id: ids.steward, month: '2031-06', building_ids: [ids.far.id] }), 403, 'forbidden');

  const edited = assertOk(await supervisor.patch(`/api/v1/visit-plans/${plan.id}`, { version: plan.version, target_percent: 60, note: '调整目标' }));
  assert.deepEqual([edited.target_percent, edited.version, edited.note], [60, plan.version + 1, '调整目标']);
  assertError(await supervisor.patch(`/api/v1/visit-plans/${plan.id}`, { version: plan.version, target_percent: 70 }), 409, 'conflict', 'version');
  const back = assertOk(await supervisor.patch(`/api/v1/visit-plans/${plan.id}`, { version: edited.version, target_percent: 80 }));
  assert.equal(back.target_percent, 80);

  const list = assertOk(await agent.get(`/api/v1/visit-plans?month=${MONTH}`));   // agents read
  assert.deepEqual(list.items.map((p) => p.id), [plan.id]);
  assertOk(await agent.get(`/api/v1/visit-plans/${plan.id}`));
});

test('an appointment may not be in the past; recorded later with its requests', async () => {
  const past = await steward.post('/api/v1/visits', { unit_id: ids.district.units[0], appointment_at: visitAt(19) });
  assertError(past, 422, 'validation_failed', 'appointment_at');
  const a = assertOk(await steward.post('/api/v1/visits', { unit_id: ids.district.units[0], appointment_at: visitAt(21, '15:00'), topic: '入住回访' }), 201);
  assert.deepEqual([a.state, a.state_label, a.kind, a.steward_name, a.plan_id], ['planned', '已预约', 'visit', '张伟', ids.plan]);
  assert.deepEqual(a.allowed_actions.map((x) => x.action), ['record', 'miss', 'cancel']);
  assertError(await agent.post(`/api/v1/visits/${a.id}/actions/record`, {}), 403, 'forbidden');

  await moveClock(visitAt(21, '15:20'));
  const r = assertOk(await steward.post(`/api/v1/visits/${a.id}/actions/record`, {
    version: a.version, met_person: '业主本人', opinions: '电梯噪音大', suggestions: '增加绿化',
    summary: '介绍物业服务', requests: [{ content: '卫生间漏水，请安排维修' }, { content: '物业费怎么交', answered: true, answer: '前台或微信' }],
  }));
  assert.deepEqual([r.state, r.met_person, r.opinions, r.visited_at.slice(0, 16)], ['done', '业主本人', '电梯噪音大', visitAt(21, '15:20').slice(0, 16)]);
  assert.deepEqual(r.requests.map((q) => [q.seq, q.answered, q.ticket_id]), [[1, false, null], [2, true, null]]);
  assert.deepEqual(r.events.map((e) => e.action), ['appoint', 'record']);
  assert.equal(r.open_requests, 1);
  assertError(await steward.post(`/api/v1/visits/${a.id}/actions/cancel`, { reason: '改期' }), 409, 'invalid_state');
  ids.recorded = r.id;

  const m = assertOk(await steward.post('/api/v1/visits', { unit_id: ids.district.units[1], appointment_at: visitAt(22) }), 201);
  assertError(await steward.post(`/api/v1/visits/${m.id}/actions/miss`, {}), 422, 'validation_failed', 'reason');
  const missed = assertOk(await steward.post(`/api/v1/visits/${m.id}/actions/miss`, { reason: '业主不在家' }));
  assert.deepEqual([missed.state_label, missed.reason], ['未遇', '业主不在家']);
});

test('an unanswered request becomes a ticket with one click, once', async () => {
  const t = assertOk(await steward.post(`/api/v1/visits/${ids.recorded}/requests/1/ticket`, { kind: 'home_repair', category: 'water' }), 201);
  const req = t.requests[0];
  assert.ok(req.ticket_id);
  assert.match(req.ticket_number, /^BX\d{8}-\d{4}$/);
  assert.deepEqual([req.ticket_state, req.ticket_state_label], ['pending_dispatch', '待派工']);
  assert.equal(t.open_requests, 0);
  assert.equal(t.events.at(-1).action_label, '诉求转工单');

  const ticket = assertOk(await agent.get(`/api/v1/tickets/${req.ticket_id}`));
  assert.deepEqual([ticket.channel, ticket.unit_id, ticket.kind, ticket.category, ticket.content],
    ['visit', ids.district.units[0], 'home_repair', 'water', '卫生间漏水，请安排维修']);
  assert.equal(ticket.received_by, ids.steward);
  assert.ok(ticket.deadlines.some((d) => d.kind === 'dispatch'), 'a repair is due for dispatch');

  const before = assertOk(await agent.get('/api/v1/tickets?per_page=1')).total;
  assertError(await steward.post(`/api/v1/visits/${ids.recorded}/requests/1/ticket`, {}), 409, 'invalid_state', 'seq');
  assertError(await steward.post(`/api/v1/visits/${ids.recorded}/requests/2/ticket`, {}), 409, 'invalid_state', 'seq');   // answered on the spot
  assertError(await steward.post(`/api/v1/visits/${ids.recorded}/requests/3/ticket`, {}), 404, 'not_found');
  assertError(await steward.post(`/api/v1/visits/${ids.recorded}/requests/1/ticket`, { kind: 'praise' }), 422, 'validation_failed', 'kind');
  assert.equal(assertOk(await agent.get('/api/v1/tickets?per_page=1')).total, before, 'no ticket was added');

  // without a kind: a service order of category other
  const v = assertOk(await record(steward, ids.district.units[4], 21, { requests: [{ content: '门铃坏了' }] }), 201);
  const s = assertOk(await steward.post(`/api/v1/visits/${v.id}/requests/1/ticket`, {}), 201);
  const t2 = assertOk(await agent.get(`/api/v1/tickets/${s.requests[0].ticket_id}`));
  assert.deepEqual([t2.kind, t2.category, t2.channel], ['service', 'other', 'visit']);
});

test('the visit rate counts the households of the district the steward visited', async () => {
  // households: units 0, 1, 4 (已入住, 出租, 已入住); unit 0 and 4 are visited by now
  let p = assertOk(await supervisor.get(`/api/v1/visit-plans/${ids.plan}`));
  assert.deepEqual([p.households, p.visited, p.rate, p.met], [3, 2, 0.6667, false]);
  assert.deepEqual(p.units.map((u) => u.visited), [true, false, true]);
  // a second visit of a household, the vacant unit, the decorated one: not more households
  assertOk(await record(steward, ids.district.units[0], 21, { visited_at: visitAt(21, '14:00') }), 201);
  assertOk(await record(steward, ids.district.units[2], 21), 201);
  assertOk(await record(steward, ids.district.units[3], 21), 201);
  // someone else's visit of the third household does not count for 张伟
  assertOk(await record(supervisor, ids.district.units[1], 21), 201);
  // nor a visit in another month
  await moveClock('2031-06-02T10:00:00+08:00');
  assertOk(await steward.post('/api/v1/visits', { unit_id: ids.district.units[1], state: 'done' }), 201);
  p = assertOk(await supervisor.get(`/api/v1/visit-plans/${ids.plan}`));
  assert.deepEqual([p.households, p.visited, p.rate, p.met], [3, 2, 0.6667, false]);
  assert.equal(p.visits_done, 5);

  // the third household visited by 张伟 in May: 3 of 3
  assertOk(await record(steward, ids.district.units[1], 30), 201);
  const stats = assertOk(await supervisor.get(`/api/v1/stats/visits?month=${MONTH}&project_id=1`));
  const row = stats.items.find((r) => r.id === ids.plan);
  assert.deepEqual([row.steward_name, row.households, row.visited, row.rate, row.target, row.met], ['张伟', 3, 3, 1, 0.8, true]);
  assert.equal(stats.total.plans, 1);
  assert.deepEqual([stats.total.households, stats.total.visited, stats.total.met_plans], [3, 3, 1]);
});

test('callback quotas: done is the callback visits plus the ticket callbacks of the month', async () => {
  const q = assertOk(await supervisor.put('/api/v1/callback-quotas', { project_id: 1, user_id: ids.manager, month: MONTH, required: 3 }));
  assert.deepEqual([q.user_name, q.required, q.done, q.met], ['王建国', 3, 0, false]);
  assertOk(await supervisor.put('/api/v1/callback-quotas', { project_id: 1, user_id: ids.supervisor, month: MONTH, required: 1 }));
  assertError(await steward.put('/api/v1/callback-quotas', { project_id: 1, user_id: ids.manager, month: MONTH, required: 5 }), 403, 'forbidden');
  assertError(await supervisor.put('/api/v1/callback-quotas', { project_id: 1, user_id: ids.technician, month: MONTH, required: 5 }), 422, 'validation_failed', 'user_id');
  assertError(await supervisor.put('/api/v1/callback-quotas', { project_id: 1, user_id: ids.manager, month: '2031-13', required: 5 }), 422, 'validation_failed', 'month');
  assertError(await supervisor.put('/api/v1/callback-quotas', { project_id: 1, user_id: ids.manager, month: MONTH, required: -1 }), 422, 'validation_failed', 'required');

  // a callback visit of the manager in May, and one in June that does not count
  assertOk(await record(manager, ids.far.units[0], 28, { kind: 'callback', summary: '回访维修结果' }), 201);
  assertOk(await manager.post('/api/v1/visits', { unit_id: ids.far.units[1], kind: 'callback', state: 'done' }), 201);
  // a ticket the manager calls back in May (the clock back in May for it)
  await moveClock(`${MONTH}-29T09:00:00+08:00`);
  const t = assertOk(await agent.post('/api/v1/tickets', { kind: 'home_repair', channel: 'phone', unit_id: ids.far.units[1], content: '水管漏水', category: 'water' }), 201);
  assertOk(await agent.post(`/api/v1/tickets/${t.id}/actions/dispatch`, { technician_id: ids.technician }));
  assertOk(await technician.post(`/api/v1/tickets/${t.id}/actions/start`, {}));
  assertOk(await technician.post(`/api/v1/tickets/${t.id}/actions/complete`, { work_done: '已更换', confirm_code: '1234' }));
  assertOk(await manager.post(`/api/v1/tickets/${t.id}/actions/callback`, { method: 'phone', satisfaction: 'satisfied', result: '满意' }));

  const list = assertOk(await agent.get(`/api/v1/callback-quotas?month=${MONTH}&project_id=1`));
  const m = list.items.find((x) => x.user_id === ids.manager);
  assert.deepEqual([m.required, m.visits_done, m.ticket_callbacks, m.done, m.met], [3, 1, 1, 2, false]);
  const s = list.items.find((x) => x.user_id === ids.supervisor);
  assert.deepEqual([s.required, s.done, s.met], [1, 0, false]);
  const again = assertOk(await supervisor.put('/api/v1/callback-quotas', { project_id: 1, user_id: ids.manager, month: MONTH, required: 2 }));
  assert.deepEqual([again.id, again.done, again.met], [q.id, 2, true]);
  assertError(await client(srv.url).get('/api/v1/callback-quotas'), 401, 'unauthenticated');
});

test('a steward sees their own visits and those of their district, nothing else', async () => {
  // the other steward has no plan yet: none of 张伟's plans or visits
  const seen = assertOk(await other.c.get(`/api/v1/visits?month=${MONTH}`));
  assert.deepEqual(seen.items, []);
  assert.equal(assertOk(await other.c.get(`/api/v1/visit-plans?month=${MONTH}`)).total, 0);
  assertError(await other.c.get(`/api/v1/visits/${ids.recorded}`), 404, 'not_found');
  assertError(await other.c.get(`/api/v1/visit-plans/${ids.plan}`), 404, 'not_found');
  assert.deepEqual(assertOk(await other.c.get(`/api/v1/stats/visits?month=${MONTH}`)).items, []);
  assert.deepEqual(assertOk(await other.c.get(`/api/v1/callback-quotas?month=${MONTH}`)).items, []);

  // given a district (V2), they see 张伟's visit there but may not act on it
  const plan = assertOk(await supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: MONTH, building_ids: [ids.far.id] }), 201);
  const z = assertOk(await steward.post('/api/v1/visits', { unit_id: ids.far.units[0], appointment_at: visitAt(30) }), 201);
  const list = assertOk(await other.c.get(`/api/v1/visits?month=${MONTH}`));
  assert.ok(list.items.some((v) => v.id === z.id), 'a visit in their district');
  assert.ok(!list.items.some((v) => v.id === ids.recorded), 'not a visit elsewhere');
  const one = assertOk(await other.c.get(`/api/v1/visits/${z.id}`));
  assert.deepEqual(one.allowed_actions, []);
  assertError(await other.c.post(`/api/v1/visits/${z.id}/actions/cancel`, { reason: '不是我的' }), 403, 'forbidden');
  assertError(await other.c.post('/api/v1/visits', { unit_id: ids.far.units[1], state: 'done', steward_id: ids.steward }), 403, 'forbidden', 'steward_id');
  assert.deepEqual(assertOk(await other.c.get(`/api/v1/visit-plans?month=${MONTH}`)).items.map((p) => p.id), [plan.id]);
  // 张伟 does not see the other steward's plan; the supervisor sees both
  assert.deepEqual(assertOk(await steward.get(`/api/v1/visit-plans?month=${MONTH}`)).items.map((p) => p.id), [ids.plan]);
  assert.equal(assertOk(await supervisor.get(`/api/v1/visit-plans?month=${MONTH}`)).total, 2);
  assertError(await technician.get('/api/v1/visits'), 403, 'forbidden');
});

test('bad input is a 4xx naming the field, and nothing is written', async () => {
  const was = await totals();
  const u = ids.district.units[0];
  const cases = [
    [steward.post('/api/v1/visits', { unit_id: u, kind: 'party', state: 'done' }), 422, 'validation_failed', 'kind'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'gone' }), 422, 'validation_failed', 'state'],
    [steward.post('/api/v1/visits', { unit_id: ids.p2Unit, state: 'done' }), 422, 'validation_failed', 'unit_id'],
    [steward.post('/api/v1/visits', { unit_id: u, project_id: 2, state: 'done' }), 422, 'validation_failed', 'unit_id'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', opinions: '很'.repeat(2001) }), 422, 'validation_failed', 'opinions'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', requests: [{ content: '长'.repeat(501) }] }), 422, 'validation_failed', 'requests[0].content'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', requests: [{ content: 'a' }, { content: 'b', extra: 1 }] }), 422, 'unknown_field', 'requests[1].extra'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', requests: [{ content: 'a', answered: true }] }), 422, 'validation_failed', 'requests[0].answer'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', requests: 'x' }), 422, 'validation_failed', 'requests'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', foo: 1 }), 422, 'unknown_field', 'foo'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', visited_at: '2031-07-01T10:00:00+08:00' }), 422, 'validation_failed', 'visited_at'],
    [steward.post('/api/v1/visits', { unit_id: u, appointment_at: visitAt(31), opinions: '预约时不写' }), 422, 'validation_failed', 'opinions'],
    [steward.post('/api/v1/visits', { unit_id: u }), 422, 'validation_failed', 'appointment_at'],
    [steward.post('/api/v1/visits', { state: 'done' }), 422, 'validation_failed', 'unit_id'],
    [steward.post('/api/v1/visits', { unit_id: u, state: 'done', person_id: 999999 }), 422, 'validation_failed', 'person_id'],
    [supervisor.post('/api/v1/visits', { unit_id: u, state: 'done', steward_id: ids.technician }), 422, 'validation_failed', 'steward_id'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-13', building_ids: [ids.far.id] }), 422, 'validation_failed', 'month'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-7', building_ids: [ids.far.id] }), 422, 'validation_failed', 'month'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-07', building_ids: [ids.p2Building] }), 422, 'validation_failed', 'building_ids[0]'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-07', building_ids: [ids.far.id, ids.far.id] }), 422, 'validation_failed', 'building_ids[1]'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-07', building_ids: [] }), 422, 'validation_failed', 'building_ids'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: ids.technician, month: '2031-07', building_ids: [ids.far.id] }), 422, 'validation_failed', 'steward_id'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-07', building_ids: [ids.far.id], target_percent: 120 }), 422, 'validation_failed', 'target_percent'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-07', building_ids: [ids.far.id], note: '注'.repeat(501) }), 422, 'validation_failed', 'note'],
    [supervisor.post('/api/v1/visit-plans', { project_id: 1, steward_id: other.id, month: '2031-07', building_ids: [ids.far.id], area: 1 }), 422, 'unknown_field', 'area'],
    [supervisor.patch(`/api/v1/visit-plans/${ids.plan}`, { target_percent: 50 }), 422, 'validation_failed', 'version'],
    [supervisor.patch(`/api/v1/visit-plans/${ids.plan}`, { version: 99, month: '2031-08' }), 422, 'unknown_field', 'month'],
    [supervisor.get('/api/v1/stats/visits?month=2031-13'), 400, 'bad_request', 'month'],
    [supervisor.get('/api/v1/visits?state=lost'), 400, 'bad_request', 'state'],
    [supervisor.get('/api/v1/visits?kind=party'), 400, 'bad_request', 'kind'],
    [supervisor.get('/api/v1/visits?date=2031-5-1'), 400, 'bad_request', 'date'],
    [steward.post(`/api/v1/visits/${ids.recorded}/actions/explode`, {}), 404, 'not_found', 'action'],
    [steward.post(`/api/v1/visits/${ids.recorded}/actions/appoint`, {}), 404, 'not_found', 'action'],
    [steward.post(`/api/v1/visits/${ids.recorded}/requests/x/ticket`, {}), 404, 'not_found'],
    [supervisor.get('/api/v1/visits/999999'), 404, 'not_found'],
  ];
  for (const [p, status, code, field] of cases) assertError(await p, status, code, field);
  assert.deepEqual(await totals(), was);
  // a malformed body
  assertError(await steward.post('/api/v1/visits', undefined, { raw: '{"unit_id":' }), 400, 'bad_json');
});

test('lists filter and export to Excel', async () => {
  const done = assertOk(await supervisor.get(`/api/v1/visits?month=${MONTH}&state=done&steward_id=${ids.steward}`));
  assert.ok(done.items.length >= 6 && done.items.every((v) => v.state === 'done' && v.steward_id === ids.steward));
  const day = assertOk(await supervisor.get(`/api/v1/visits?date=${MONTH}-21&unit_id=${ids.district.units[0]}`));
  assert.equal(day.items.length, 2);
  const planned = assertOk(await supervisor.get(`/api/v1/visits?state=planned&plan_id=${ids.plan}`));
  assert.ok(planned.items.every((v) => v.state === 'planned'));
  const callbacks = assertOk(await supervisor.get(`/api/v1/visits?kind=callback&month=${MONTH}`));
  assert.deepEqual(callbacks.items.map((v) => v.steward_id), [ids.manager]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-visits-'));
  try {
    for (const [p, name, heads] of [
      [`/api/v1/visits?month=${MONTH}&format=xlsx`, '拜访记录', ['房号', '拜访人', '业主意见', '诉求数']],
      [`/api/v1/stats/visits?month=${MONTH}&format=xlsx`, '巡访率统计', ['管家', '片区', '户数', '巡访率', '100.0%']],
      [`/api/v1/visit-plans?month=${MONTH}&format=xlsx`, '拜访计划', ['月份', '片区', 'V1栋']],
      [`/api/v1/callback-quotas?month=${MONTH}&format=xlsx`, '回访配额', ['回访人', '应回访', '王建国']],
    ]) {
      const res = await fetch(srv.url + p, { headers: { Cookie: supervisor.cookieHeader() } });
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type'), /spreadsheetml/);
      assert.ok(decodeURIComponent(res.headers.get('content-disposition').split("UTF-8''")[1]).startsWith(name));
      const f = path.join(dir, `${name}.xlsx`);
      fs.writeFileSync(f, Buffer.from(await res.arrayBuffer()));
      const strings = [...execFileSync('unzip', ['-p', f, 'xl/sharedStrings.xml']).toString('utf8').matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1]);
      for (const h of heads) assert.ok(strings.includes(h), `${name}: ${h}`);
    }
    const csv = await fetch(srv.url + `/api/v1/visits?month=${MONTH}&format=csv`, { headers: { Cookie: supervisor.cookieHeader() } });
    assert.match(await csv.text(), /电梯噪音大/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
