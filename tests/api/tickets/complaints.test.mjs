// complaints.test.mjs — the complaint (客情记录表, docs/api.md "Complaints"): registration with
// type, severity and the staff named; the workflow 已登记 → 已分派 → 已答复 → 已处理 → 已回访 →
// 已关闭 with reassign, escalate, reopen and void; the reply / handling / callback deadlines of
// 000 管家职责 9 on the test clock, and the escalation of late complaints to the supervisor and
// then the manager (level, notification, history); who may act and who may see; bad input;
// the project's own types and time limits; the monthly summary as JSON, xlsx and PDF.
//
// Every test moves the test clock to a day of its own (later than the previous test's), and
// everyone logs in again after a move (sessions follow the clock).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, client, assertError, assertOk, hasCJK, DEMO_PASSWORD, BIN } from '../lib/harness.mjs';
import { xlsxRows } from '../lib/xlsx.mjs';

let srv, dir;
let admin, manager, supervisor, agent, steward, technician, agent2;
const ids = {};
let UNIT, OTHER_UNIT;
const HOUR = 3600 * 1000;
const ms = (s) => Date.parse(s);

const sessions = new Map();
async function login(username, password = DEMO_PASSWORD) {
  const c = client(srv.url);
  assert.equal((await c.login(username, password)).status, 200, `login ${username}`);
  sessions.set(c, username);
  return c;
}
async function setClock(body) {
  const j = assertOk(await client(srv.url).post('/api/v1/_test/clock', body));
  await Promise.all([...sessions].map(async ([c, u]) => {
    c.jar.clear();
    c.csrf = null;
    assert.equal((await c.login(u, DEMO_PASSWORD)).status, 200);
  }));
  return j;
}

const body = (extra = {}) => ({ kind: 'complaint', channel: 'phone', unit_id: UNIT, caller: '苏海燕', phone: '13812345678',
  content: '楼上装修噪音很大，晚上十点还在施工', ...extra });
async function register(c, extra) { return assertOk(await c.post('/api/v1/tickets', body(extra)), 201); }
async function get(c, id) { return assertOk(await c.get(`/api/v1/tickets/${id}`)); }
async function act(c, id, action, b = {}) { return assertOk(await c.post(`/api/v1/tickets/${id}/actions/${action}`, b)); }
const actionsOf = (t) => t.allowed_actions.map((a) => a.action).sort();
const deadline = (t, kind) => t.deadlines.filter((d) => d.kind === kind).at(-1);
async function listIds(c, q) { return assertOk(await c.get(`/api/v1/tickets?per_page=200&${q}`)).items.map((x) => x.id); }
async function notes(c) { return assertOk(await c.get('/api/v1/notifications?per_page=200')).items; }
const assign = (t, extra = {}) => act(agent, t.id, 'assign', { department: '工程部', handler_id: ids.technician, ...extra });
const handleBody = { result: '已协调停工', cause: '装修管理未告知施工时间', corrective_action: '装修巡查每晚 21:30 一次', valid: true };

async function download(c, p) {
  const res = await fetch(srv.url + p, { headers: { Cookie: c.cookieHeader() } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

before(async () => {
  srv = await startServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-complaints-'));
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now: '2027-03-01T08:00:00+08:00' }));
  [admin, manager, supervisor, agent, steward, technician, agent2] = await Promise.all(
    ['admin', 'manager', 'supervisor', 'agent', 'steward', 'technician', 'agent2'].map((u) => login(u)));
  for (const [n, c] of Object.entries({ admin, manager, supervisor, agent, steward, technician, agent2 })) {
    ids[n] = assertOk(await c.get('/api/v1/me')).user.id;
  }
  UNIT = assertOk(await agent.get('/api/v1/units?q=3-2-1502')).items.find((x) => x.code === '3-2-1502').id;
  OTHER_UNIT = assertOk(await admin.get('/api/v1/units?project_id=2&per_page=1')).items[0].id;
});
after(async () => { await srv?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

test('register: type, severity and staff named; reply and handling limits of the severity (24 h / 3 d, major 3 d / 5 d)', async () => {
  await setClock({ now: '2027-03-01T09:00:00+08:00' });
  const t = await register(agent, { complaint_type: 'noise', severity: 'major', staff_ids: [ids.steward] });
  assert.equal(t.kind, 'complaint');
  assert.equal(t.state, 'registered');
  assert.equal(t.state_label, '已登记');
  const c = t.complaint;
  assert.equal(c.type, 'noise');
  assert.equal(c.type_label, '噪音');
  assert.equal(c.severity, 'major');
  assert.equal(c.severity_label, '重大');
  assert.equal(c.escalation_level, 0);
  assert.deepEqual(c.staff.map((s) => s.id), [ids.steward]);
  const at = ms(t.created_at);
  assert.equal(ms(deadline(t, 'reply').due_at) - at, 72 * HOUR, 'a major complaint is replied to within 3 days');
  assert.equal(ms(deadline(t, 'handle').due_at) - at, 120 * HOUR, 'and handled within 5 days');
  assert.deepEqual(actionsOf(t), ['assign', 'classify', 'escalate', 'note', 'void']);
  for (const a of t.allowed_actions) assert.ok(hasCJK(a.label));

  const n = await register(agent, {});
  assert.equal(n.complaint.type, 'other', 'the type defaults to 其他');
  assert.equal(n.complaint.severity, 'normal');
  assert.equal(ms(deadline(n, 'reply').due_at) - ms(n.created_at), 24 * HOUR);
  assert.equal(ms(deadline(n, 'handle').due_at) - ms(n.created_at), 72 * HOUR);
  const alias = await register(agent, { type: 'charges' });
  assert.equal(alias.complaint.type, 'charges', '"type" is accepted for complaint_type');

  // a major complaint tells the supervisor and the manager at once
  assert.ok((await notes(supervisor)).some((x) => x.entity_id === t.id && x.kind === 'major'));
  assert.ok((await notes(manager)).some((x) => x.entity_id === t.id && x.kind === 'major'));
  assert.ok(!(await notes(steward)).some((x) => x.entity_id === t.id), 'the steward named is not told');
});

test('the whole way: assign → reply → handle → callback satisfied → close; events in order, deadlines met', async () => {
  await setClock({ now: '2027-03-02T09:00:00+08:00' });
  const t = await register(agent, { complaint_type: 'environment' });
  const a = await assign(t, { version: t.version, due_at: '2027-03-03T18:00:00+08:00', note: '请尽快' });
  assert.equal(a.state, 'assigned');
  assert.equal(a.complaint.department, '工程部');
  assert.equal(a.complaint.handler_id, ids.technician);
  assert.equal(a.complaint.handler_name, '刘强');
  assert.equal(ms(deadline(a, 'handle').due_at), ms('2027-03-03T18:00:00+08:00'), 'the handler\'s deadline');
  assert.ok((await notes(technician)).some((x) => x.entity_id === t.id && x.kind === 'assigned'), 'the handler is told');
  // the handler sees reply and note only; handling needs a reply first
  const h = await get(technician, t.id);
  assert.deepEqual(actionsOf(h), ['note', 'reply']);
  assertError(await technician.post(`/api/v1/tickets/${t.id}/actions/handle`, handleBody), 409, 'invalid_state');

  const r = await act(technician, t.id, 'reply', { reply: '已联系保洁返工，今天下午处理', method: 'phone' });
  assert.equal(r.state, 'replied');
  assert.equal(r.complaint.reply, '已联系保洁返工，今天下午处理');
  assert.equal(deadline(r, 'reply').state, 'met');
  const { corrective_action: corrective, ...rest } = handleBody;
  const d = await act(technician, t.id, 'handle', { ...rest, corrective, preventive: '每周抽查' });
  assert.equal(d.state, 'handled');
  assert.equal(d.complaint.cause, handleBody.cause);
  assert.equal(d.complaint.corrective_action, handleBody.corrective_action);
  assert.equal(d.complaint.preventive_action, '每周抽查');
  assert.equal(d.complaint.valid, true);
  assert.equal(deadline(d, 'handle').state, 'met');
  assert.equal(ms(deadline(d, 'callback').due_at) - ms(d.complaint.handled_at), 24 * HOUR, 'callback within 24 h of handling');

  const cb = await act(agent, t.id, 'callback', { method: 'phone', satisfaction: 'satisfied', result: '业主表示满意' });
  assert.equal(cb.state, 'called_back');
  assert.equal(cb.satisfaction, 'satisfied');
  const closed = await act(agent, t.id, 'close', {});
  assert.equal(closed.state, 'closed');
  assert.deepEqual(closed.events.map((e) => e.action), ['create', 'assign', 'reply', 'handle', 'callback', 'close']);
  assert.ok(closed.deadlines.every((x) => x.state === 'met'));
  assert.deepEqual(actionsOf(closed), ['reopen'].filter(() => false), 'an agent has nothing more to do');
  assert.deepEqual(actionsOf(await get(supervisor, t.id)), ['reopen']);
  // audit rows for each action
  const audit = assertOk(await admin.get(`/api/v1/audit?entity=ticket&entity_id=${t.id}&per_page=50`)).items.map((x) => x.action);
  for (const x of ['create', 'assign', 'reply', 'handle', 'callback', 'close']) assert.ok(audit.includes(x), `audit ${x}`);
});

test('only the handler, the supervisor or the manager records the result; a stale version is a 409', async () => {
  await setClock({ now: '2027-03-03T09:00:00+08:00' });
  const t = await register(agent, {});
  const a = await assign(t);
  await act(agent, t.id, 'reply', { reply: '已受理' });
  const before = await get(agent, t.id);
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/handle`, handleBody), 403, 'forbidden');
  assertError(await agent2.post(`/api/v1/tickets/${t.id}/actions/reply`, { reply: 'x' }), 404, 'not_found');
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/reassign`, { version: a.version, handler_id: ids.steward, reason: '换人' }),
    409, 'conflict');
  assert.equal((await get(agent, t.id)).version, before.version, 'nothing changed');
  const s = await act(supervisor, t.id, 'handle', handleBody);
  assert.equal(s.state, 'handled', 'the supervisor may record it');
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/dispatch`, { technician_id: ids.technician }), 404, 'not_found');
});

test('a complaint naming a staff member is not visible to that staff member, anywhere', async () => {
  await setClock({ now: '2027-03-04T09:00:00+08:00' });
  const t = await register(agent, { complaint_type: 'service_attitude', staff_ids: [ids.steward], content: '管家态度差' });
  assertError(await steward.get(`/api/v1/tickets/${t.id}`), 404, 'not_found');
  assertError(await steward.post(`/api/v1/tickets/${t.id}/actions/note`, { note: 'x' }), 404, 'not_found');
  assert.ok(!(await listIds(steward, 'kind=complaint')).includes(t.id));
  assert.ok(!(await listIds(steward, '')).includes(t.id));
  assert.ok((await listIds(agent, 'kind=complaint')).includes(t.id), 'others see it');
  // the one named cannot be its handler
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/assign`, { department: '客服部', handler_id: ids.steward }),
    422, 'validation_failed', 'handler_id');
});

test('deadlines on the test clock: overdue=reply|handle|callback lists; late complaints rise to the supervisor, then the manager', async () => {
  await setClock({ now: '2027-03-05T09:00:00+08:00' });
  const late = await register(agent, {});
  const assigned = await register(agent, { severity: 'major' });
  await assign(assigned, { due_at: '2027-03-07T09:00:00+08:00' });
  // +25 h: the normal one is late for its reply
  await setClock({ now: '2027-03-06T10:00:00+08:00' });
  let l = await get(agent, late.id);
  assert.equal(deadline(l, 'reply').state, 'overdue');
  assert.equal(l.complaint.escalation_level, 1, 'to the supervisor at once');
  assert.equal(l.complaint.escalation_label, '已升级至客服主管');
  assert.ok((await listIds(agent, 'kind=complaint&overdue=reply')).includes(late.id));
  assert.ok(!(await listIds(agent, 'kind=complaint&overdue=reply')).includes(assigned.id), 'the major one has 3 days');
  assert.ok((await notes(supervisor)).some((x) => x.entity_id === late.id && x.kind === 'escalated'));
  assert.ok(!(await notes(manager)).some((x) => x.entity_id === late.id && x.kind === 'escalated'), 'not yet the manager');
  assert.ok((await listIds(supervisor, 'escalated=1')).includes(late.id), 'the supervisor\'s escalation list');
  // +24 h more: still late → the manager
  await setClock({ now: '2027-03-07T11:00:00+08:00' });
  l = await get(agent, late.id);
  assert.equal(l.complaint.escalation_level, 2);
  assert.ok((await notes(manager)).some((x) => x.entity_id === late.id && x.kind === 'escalated'));
  const esc = l.events.filter((e) => e.action === 'escalate');
  assert.equal(esc.length, 2, 'both steps in the history');
  assert.equal(esc[0].actor_id, null, 'by the system');
  assert.ok(hasCJK(esc[1].note));
  // the major one's handler deadline (2 days) passed: overdue for handling
  const m = await get(agent, assigned.id);
  assert.equal(deadline(m, 'handle').state, 'overdue');
  assert.ok((await listIds(agent, 'kind=complaint&overdue=handle')).includes(assigned.id));
  assert.ok(m.complaint.escalation_level >= 1);
  // callback overdue 24 h after handling
  await act(technician, assigned.id, 'reply', { reply: '已受理' });
  await act(technician, assigned.id, 'handle', handleBody);
  await setClock({ now: '2027-03-08T12:00:00+08:00' });
  assert.ok((await listIds(agent, 'kind=complaint&overdue=callback')).includes(assigned.id));
  // a deadline view by kind reads only that kind's deadlines: the same tickets as the whole
  // view filtered by kind, and the same totals
  const all = assertOk(await agent.get('/api/v1/tickets?per_page=200&overdue=any'));
  const byKind = (k) => all.items.filter((x) => k.split(',').includes(x.kind)).map((x) => x.id).sort((a, b) => a - b);
  for (const k of ['complaint', 'home_repair', 'public_repair,service', 'inquiry', 'complaint,home_repair']) {
    const v = assertOk(await agent.get(`/api/v1/tickets?per_page=200&overdue=any&kind=${k}`));
    assert.deepEqual(v.items.map((x) => x.id).sort((a, b) => a - b), byKind(k), `overdue=any&kind=${k}`);
    if (all.total <= 200) assert.equal(v.total, byKind(k).length, `the total of overdue=any&kind=${k}`);
  }
  assert.ok(byKind('complaint').includes(assigned.id) && byKind('complaint').includes(late.id));
  assertError(await agent.get('/api/v1/tickets?overdue=later'), 400, 'bad_request', 'overdue');
});

test('an unsatisfied callback reopens the complaint to its handler with new limits; reopen by hand needs a reason', async () => {
  await setClock({ now: '2027-03-09T09:00:00+08:00' });
  const t = await register(agent, {});
  await assign(t);
  await act(technician, t.id, 'reply', { reply: '已受理' });
  await act(technician, t.id, 'handle', handleBody);
  await setClock({ now: '2027-03-09T15:00:00+08:00' });
  const r = await act(agent, t.id, 'callback', { method: 'visit', satisfaction: 'unsatisfied', result: '仍有噪音' });
  assert.equal(r.state, 'assigned', 'back to the handler');
  assert.equal(r.reopen_count, 1);
  assert.deepEqual(r.events.slice(-2).map((e) => e.action), ['callback', 'reopen']);
  // from the moment of the reopening (the test clock runs on from 15:00:00 between requests)
  assert.equal(ms(deadline(r, 'reply').due_at) - ms(r.events.at(-1).at), 24 * HOUR, 'a new reply limit from now');
  assert.equal(deadline(r, 'reply').state, 'open');
  assert.ok((await notes(technician)).some((x) => x.entity_id === t.id && x.kind === 'reopened'));
  // by hand
  await act(technician, t.id, 'reply', { reply: '再次处理' });
  await act(technician, t.id, 'handle', handleBody);
  await act(agent, t.id, 'callback', { method: 'phone', satisfaction: 'satisfied', result: '满意' });
  assertError(await supervisor.post(`/api/v1/tickets/${t.id}/actions/reopen`, {}), 422, 'validation_failed', 'reason');
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/reopen`, { reason: 'x' }), 403, 'forbidden');
  const again = await act(supervisor, t.id, 'reopen', { reason: '业主再次来电' });
  assert.equal(again.state, 'assigned');
});

test('void keeps a mistaken registration; escalate by hand goes up one level at a time', async () => {
  await setClock({ now: '2027-03-10T09:00:00+08:00' });
  const t = await register(agent, {});
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/void`, {}), 422, 'validation_failed', 'reason');
  const v = await act(agent, t.id, 'void', { reason: '重复登记' });
  assert.equal(v.state, 'voided');
  assert.equal(v.state_label, '已作废');
  assert.deepEqual(actionsOf(v), []);
  assert.ok(v.deadlines.every((d) => d.state === 'met'), 'a voided complaint owes nothing');
  assert.ok((await listIds(agent, 'state=voided')).includes(t.id), 'kept, listed');

  const e = await register(agent, {});
  const e1 = await act(agent, e.id, 'escalate', {});
  assert.equal(e1.events.at(-1).action, 'escalate', 'a reason is optional');
  assert.equal(e1.complaint.escalation_level, 1);
  const e2 = await act(agent, e.id, 'escalate', { reason: '要求经理出面' });
  assert.equal(e2.complaint.escalation_level, 2);
  assertError(await agent.post(`/api/v1/tickets/${e.id}/actions/escalate`, { reason: '再升' }), 409, 'invalid_state');
  assert.ok((await notes(manager)).some((x) => x.entity_id === e.id && x.title.includes('要求经理出面')));
});

test('classify after registration: type, severity (the open limits move to the new rule) and the staff named', async () => {
  await setClock({ now: '2027-03-10T14:00:00+08:00' });
  const t = await register(agent, {});
  assert.equal(ms(deadline(t, 'reply').due_at) - ms(t.created_at), 24 * HOUR);
  await setClock({ now: '2027-03-10T16:00:00+08:00' });
  const k = await act(agent, t.id, 'classify', { complaint_type: 'noise', severity: 'major', staff_ids: [ids.steward], note: '经核实为装修噪音' });
  assert.equal(k.state, 'registered');
  assert.equal(k.complaint.type, 'noise');
  assert.equal(k.complaint.severity, 'major');
  assert.deepEqual(k.complaint.staff.map((x) => x.id), [ids.steward]);
  assert.equal(ms(deadline(k, 'reply').due_at) - ms(t.created_at), 72 * HOUR, 'a major complaint: 3 days from registration');
  assert.equal(ms(deadline(k, 'handle').due_at) - ms(t.created_at), 120 * HOUR);
  assert.deepEqual(k.events.at(-1).data, { complaint_type: 'noise', type_label: '噪音', severity: 'major', severity_label: '重大',
    staff_ids: [ids.steward], staff_names: '张伟' });
  assertError(await steward.get(`/api/v1/tickets/${t.id}`), 404, 'not_found', undefined);
  const cleared = await act(agent, t.id, 'classify', { staff_ids: [] });
  assert.deepEqual(cleared.complaint.staff, [], 'an empty list names nobody');
  assert.equal(cleared.complaint.type, 'noise', 'fields not given stay');
  assertOk(await steward.get(`/api/v1/tickets/${t.id}`));
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/classify`, {}), 422, 'validation_failed', 'complaint_type');
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/classify`, { severity: 'huge' }), 422, 'validation_failed', 'severity');
  await assign(t);
  assertError(await agent.post(`/api/v1/tickets/${t.id}/actions/classify`, { staff_ids: [ids.technician] }), 422, 'validation_failed', 'staff_ids[0]');
});

test('bad input: each a clear 4xx naming the field, nothing written', async () => {
  await setClock({ now: '2027-03-11T09:00:00+08:00' });
  const total = async () => assertOk(await agent.get('/api/v1/tickets?kind=complaint&per_page=1')).total;
  const n0 = await total();
  const bad = async (extra, field, status = 422) => {
    const r = await agent.post('/api/v1/tickets', body(extra));
    assertError(r, status, status === 422 ? 'validation_failed' : undefined, field);
    assert.ok(hasCJK(r.json.error.message), `a Chinese message for ${field}`);
  };
  await bad({ severity: 'urgent' }, 'severity');
  await bad({ complaint_type: 'aliens' }, 'complaint_type');
  await bad({ staff_ids: [999999] }, 'staff_ids[0]');
  await bad({ staff_ids: 'steward' }, 'staff_ids');
  await bad({ unit_id: OTHER_UNIT }, 'unit_id');
  await bad({ kind: 'home_repair', category: 'water', severity: 'major' }, 'severity');
  await bad({ content: 'x'.repeat(2001) }, 'content');
  assert.equal(await total(), n0, 'nothing registered');

  const t = await register(agent, {});
  const v0 = (await get(agent, t.id)).version;
  const badAct = async (action, b, field, c = agent, status = 422) => {
    const r = await c.post(`/api/v1/tickets/${t.id}/actions/${action}`, b);
    assertError(r, status, undefined, field);
  };
  await badAct('assign', { department: '工程部', handler_id: ids.technician, due_at: '2027-03-10T09:00:00+08:00' }, 'due_at');
  await badAct('assign', { department: '工程部', handler_id: ids.technician, deadline: '2027-03-20T09:00:00+08:00' }, 'deadline');
  await badAct('assign', { department: '工程部', handler_id: 999999 }, 'handler_id');
  await badAct('assign', { handler_id: ids.technician }, 'department');
  await badAct('assign', { department: '工程部', handler_id: ids.technician, colour: 'red' }, 'colour');
  await badAct('frobnicate', {}, 'action', agent, 404);
  assert.equal((await get(agent, t.id)).version, v0, 'nothing changed');
  await assign(t);
  await badAct('reply', { reply: '答'.repeat(2001) }, 'reply', technician);
  await badAct('reply', { reply: '好', method: 'pigeon' }, 'method', technician);
  await act(technician, t.id, 'reply', { reply: '已受理' });
  await badAct('handle', { ...handleBody, valid: 'yes' }, 'valid', technician);
  await badAct('handle', { ...handleBody, cause: undefined }, 'cause', technician);
  assert.equal((await get(agent, t.id)).state, 'replied');
});

test('a project\'s own types and time limits', async () => {
  await setClock({ now: '2027-03-12T09:00:00+08:00' });
  const types = assertOk(await agent.get('/api/v1/complaint-types?project_id=1')).items;
  assert.deepEqual(types.map((x) => x.code), ['service_attitude', 'engineering', 'charges', 'safety', 'environment', 'noise', 'neighbour', 'other']);
  assertError(await agent.put('/api/v1/complaint-types/parking?project_id=1', { label: '停车' }), 403, 'forbidden');
  assertOk(await supervisor.put('/api/v1/complaint-types/parking?project_id=1', { label: '停车管理' }));
  assertOk(await supervisor.put('/api/v1/complaint-types/noise?project_id=1', { label: '噪音', active: false }));
  assertError(await supervisor.put('/api/v1/complaint-types/Bad-Code?project_id=1', { label: 'x' }), 422, 'validation_failed', 'code');
  const p = await register(agent, { complaint_type: 'parking' });
  assert.equal(p.complaint.type_label, '停车管理');
  assertError(await agent.post('/api/v1/tickets', body({ complaint_type: 'noise' })), 422, 'validation_failed', 'complaint_type');
  assertOk(await supervisor.put('/api/v1/complaint-types/noise?project_id=1', { label: '噪音', active: true }));

  const rules = assertOk(await agent.get('/api/v1/complaint-rules?project_id=1')).items;
  assert.deepEqual(rules.map((r) => [r.severity, r.reply_hours, r.handle_hours, r.callback_hours]), [['normal', 24, 72, 24], ['major', 72, 120, 24]]);
  assertError(await supervisor.put('/api/v1/complaint-rules/normal?project_id=1', { reply_hours: 80, handle_hours: 48, callback_hours: 24, escalate_hours: 24 }),
    422, 'validation_failed', 'reply_hours');
  assertOk(await supervisor.put('/api/v1/complaint-rules/normal?project_id=1', { reply_hours: 12, handle_hours: 48, callback_hours: 24, escalate_hours: 12 }));
  const t = await register(agent, {});
  assert.equal(ms(deadline(t, 'reply').due_at) - ms(t.created_at), 12 * HOUR);
  assert.equal(ms(deadline(t, 'handle').due_at) - ms(t.created_at), 48 * HOUR);
  assertOk(await supervisor.put('/api/v1/complaint-rules/normal?project_id=1', { reply_hours: 24, handle_hours: 72, callback_hours: 24, escalate_hours: 24 }));
});

test('monthly summary (客户投诉汇总及处理情况表): exact figures, xlsx of the month\'s complaints, A4 PDF', async () => {
  await setClock({ now: '2027-04-02T09:00:00+08:00' });
  // April: 3 complaints — noise (major, handled on time, valid, satisfied), service attitude naming the steward twice, one voided
  const a = await register(agent, { complaint_type: 'noise', severity: 'major' });
  await assign(a);
  await act(technician, a.id, 'reply', { reply: '已受理' });
  await act(technician, a.id, 'handle', handleBody);
  await act(agent, a.id, 'callback', { method: 'phone', satisfaction: 'satisfied', result: '满意' });
  const b = await register(agent, { complaint_type: 'service_attitude', staff_ids: [ids.steward] });
  await register(agent, { complaint_type: 'service_attitude', staff_ids: [ids.steward] });
  const v = await register(agent, {});
  await act(agent, v.id, 'void', { reason: '误登记' });
  await assign(b);
  const s = assertOk(await manager.get('/api/v1/stats/complaints?month=2027-04&project_id=1'));
  assert.equal(s.month, '2027-04');
  const t = s.totals;
  assert.equal(t.count, 3, 'the voided one is not counted');
  assert.equal(t.voided, 1);
  assert.equal(t.major, 1);
  assert.equal(t.valid, 1);
  assert.equal(t.replied, 1);
  assert.equal(t.replied_on_time, 1);
  assert.equal(t.handled, 1);
  assert.equal(t.handled_on_time, 1);
  assert.equal(t.callback_rate, 1);
  assert.equal(t.valid_satisfaction_rate, 1);
  assert.equal(t.open, 2);
  assert.deepEqual(s.by_type.map((x) => [x.label, x.count]), [['服务态度', 2], ['噪音', 1]]);
  assert.deepEqual(s.by_severity.map((x) => [x.key, x.count]).sort(), [['major', 1], ['normal', 2]]);
  assert.equal(s.by_building.reduce((n, x) => n + x.count, 0), 3);
  assert.ok(s.by_department.some((x) => x.label === '工程部' && x.count === 2));
  assert.deepEqual(s.top_causes, [{ cause: handleBody.cause, count: 1 }]);
  assert.deepEqual(s.staff.map((x) => [x.display_name, x.count, x.flagged]), [['张伟', 2, true]], 'two in a month is flagged (C7)');
  assert.ok(s.hotspots.some((x) => x.type === 'service_attitude' && x.count === 2));
  assertError(await manager.get('/api/v1/stats/complaints?month=2027-13'), 400, 'bad_request', 'month');
  assertError(await technician.get('/api/v1/stats/complaints?month=2027-04'), 403, 'forbidden');

  const x = await download(manager, '/api/v1/stats/complaints?month=2027-04&project_id=1&format=xlsx');
  assert.equal(x.status, 200);
  const rows = xlsxRows(x.bytes);
  assert.equal(rows[0][0], '投诉编号');
  assert.ok(rows[0].includes('原因分析') && rows[0].includes('整改措施') && rows[0].includes('有效投诉'));
  assert.equal(rows.length, 1 + 4, 'a row per complaint of the month, the voided one marked');
  assert.ok(rows.some((r) => r.includes(a.number) && r.includes(handleBody.cause)));

  const viaFormat = await download(manager, '/api/v1/stats/complaints?month=2027-04&project_id=1&format=pdf');
  assert.equal(viaFormat.status, 200);
  assert.equal(viaFormat.bytes.subarray(0, 4).toString(), '%PDF', '?format=pdf prints the same summary');
  assertError(await manager.get('/api/v1/stats/complaints?month=2027-04&format=doc'), 400, 'bad_request', 'format');
  assertError(await manager.get('/api/v1/tickets?format=pdf'), 400, 'bad_request', 'format');
  const pdf = await download(manager, '/api/v1/stats/complaints/summary.pdf?month=2027-04&project_id=1');
  assert.equal(pdf.status, 200);
  assert.match(pdf.headers.get('content-type'), /^application\/pdf/);
  const f = path.join(dir, 'summary.pdf');
  fs.writeFileSync(f, pdf.bytes);
  assert.match(execFileSync('pdfinfo', [f]).toString(), /Pages:\s+1[\s\S]*\(A4\)/);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-']).toString('utf8').replace(/\s+/g, '');
  for (const w of ['客户投诉汇总及处理情况表', '2027-04', '翠湖花园', '服务态度2', '张伟2（本月两次及以上）', handleBody.cause])
    assert.ok(text.includes(w.replace(/\s+/g, '')), `PDF has ${w}`);
});

test('the complaints list (GET /complaints): complaints only, with their handling; its xlsx has the 客情记录表 columns', async () => {
  await setClock({ now: '2027-05-06T09:00:00+08:00' });
  const t = await register(agent, { complaint_type: 'noise', severity: 'major', staff_ids: [ids.steward] });
  await assign(t);
  await act(technician, t.id, 'reply', { reply: '已联系施工方停工', method: 'phone' });
  await act(technician, t.id, 'handle', { ...handleBody, preventive: '装修登记时告知施工时间' });
  await act(agent, t.id, 'callback', { method: 'visit', satisfaction: 'satisfied', result: '业主认可整改' });
  const closed = await act(agent, t.id, 'close', {});
  const open = await register(agent, { complaint_type: 'charges' });
  const repair = assertOk(await agent.post('/api/v1/tickets', { ...body(), kind: 'home_repair', category: 'water', content: '厨房漏水' }), 201);

  const list = assertOk(await agent.get('/api/v1/complaints?project_id=1&per_page=200&from=2027-05-06&to=2027-05-06'));
  assert.ok(list.items.every((x) => x.kind === 'complaint'), 'complaints only');
  assert.deepEqual(list.items.map((x) => x.id).sort((a, b) => a - b), [t.id, open.id]);
  assert.ok(!list.items.some((x) => x.id === repair.id));
  const row = list.items.find((x) => x.id === t.id);
  assert.equal(row.complaint.cause, handleBody.cause);
  assert.equal(row.complaint.corrective_action, handleBody.corrective_action);
  assert.equal(row.complaint.preventive_action, '装修登记时告知施工时间');
  assert.equal(row.complaint.reply, '已联系施工方停工');
  assert.equal(row.callback_method_label, '上门');
  assert.equal(row.callback_result, '业主认可整改');
  assert.equal(row.closed_at, closed.closed_at);
  // the same filters and views as the tickets list, on complaints
  assert.deepEqual(assertOk(await agent.get(`/api/v1/complaints?project_id=1&handler_id=${ids.technician}&from=2027-05-06`)).items.map((x) => x.id), [t.id]);
  assert.deepEqual(assertOk(await agent.get('/api/v1/complaints?project_id=1&complaint_type=charges&from=2027-05-06')).items.map((x) => x.id), [open.id]);
  assert.ok(!assertOk(await steward.get('/api/v1/complaints?project_id=1&per_page=200&from=2027-05-06')).items.some((x) => x.id === t.id),
    'the staff member named does not see it here either');
  assertError(await agent.get('/api/v1/complaints?project_id=1&severity=huge'), 400, 'bad_request', 'severity');
  assertError(await technician.get('/api/v1/complaints?project_id=2'), 404, 'not_found');

  const x = await download(agent, '/api/v1/complaints?project_id=1&from=2027-05-06&to=2027-05-06&format=xlsx');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-disposition'), /filename/);
  const rows = xlsxRows(x.bytes);
  assert.deepEqual(rows[0], ['投诉编号', '登记时间', '来源', '房号', '公共位置', '投诉人', '电话', '投诉内容', '投诉类型', '严重程度',
    '责任部门', '处理人', '状态', '时限', '时限状态', '已升级至', '答复内容', '答复时间', '原因分析', '整改措施', '预防措施',
    '处理结果', '有效投诉', '处理完毕时间', '回访方式', '回访结果', '满意度', '回访时间', '关闭时间']);
  assert.equal(rows.length, 3, 'a row per complaint, the repair left out');
  const col = (r, h) => r[rows[0].indexOf(h)] ?? '';
  const done = rows.find((r) => r[0] === t.number), late = rows.find((r) => r[0] === open.number);
  assert.ok(done && late);
  assert.equal(col(done, '投诉类型'), '噪音');
  assert.equal(col(done, '严重程度'), '重大');
  assert.equal(col(done, '处理人'), '刘强');
  assert.equal(col(done, '责任部门'), '工程部');
  assert.equal(col(done, '原因分析'), handleBody.cause);
  assert.equal(col(done, '整改措施'), handleBody.corrective_action);
  assert.equal(col(done, '处理结果'), handleBody.result);
  assert.equal(col(done, '答复内容'), '已联系施工方停工');
  assert.equal(col(done, '有效投诉'), '是');
  assert.equal(col(done, '回访方式'), '上门');
  assert.equal(col(done, '回访结果'), '业主认可整改');
  assert.equal(col(done, '满意度'), '满意');
  assert.equal(col(done, '状态'), '已关闭');
  assert.match(col(done, '关闭时间'), /^2027-05-06 \d\d:\d\d$/);
  assert.equal(col(done, '时限状态'), '', 'nothing open when closed');
  assert.equal(col(late, '投诉类型'), '收费');
  assert.equal(col(late, '处理人'), '');
  assert.equal(col(late, '时限状态'), '答复未到期');
  assert.equal(col(late, '原因分析'), '');
  await setClock({ now: '2027-05-08T09:00:00+08:00' });
  const later = xlsxRows((await download(agent, '/api/v1/complaints?project_id=1&from=2027-05-06&to=2027-05-06&format=xlsx')).bytes);
  assert.equal(col(later.find((r) => r[0] === open.number), '时限状态'), '答复超时', 'a day later the reply is late');
});

test('the staff directory: the desk lists the project\'s active staff with their roles to name or assign', async () => {
  const staff = assertOk(await agent.get('/api/v1/staff?project_id=1')).items;
  const by = Object.fromEntries(staff.map((u) => [u.id, u]));
  assert.equal(by[ids.steward].display_name, '张伟');
  assert.equal(by[ids.steward].role_label, '客服管家');
  assert.ok(by[ids.technician] && by[ids.agent] && by[ids.supervisor]);
  assert.ok(!by[ids.agent2], 'staff of another project are not listed');
  assert.deepEqual(Object.keys(staff[0]).sort(), ['display_name', 'id', 'role_label'], 'names and roles only');
  assertError(await agent.get('/api/v1/staff?project_id=2'), 404, 'not_found');
});

test('notifications: unread count, read one, read all; someone else\'s is a 404', async () => {
  const mine = assertOk(await supervisor.get('/api/v1/notifications?unread=1'));
  assert.ok(mine.unread > 0 && mine.items.length > 0);
  const first = mine.items[0];
  assert.ok(hasCJK(first.title));
  assertError(await manager.post(`/api/v1/notifications/${first.id}/read`, {}), 404, 'not_found');
  assert.equal((await supervisor.post(`/api/v1/notifications/${first.id}/read`, {})).status, 204);
  assert.equal(assertOk(await supervisor.get('/api/v1/notifications')).unread, mine.unread - 1);
  assert.equal((await supervisor.post('/api/v1/notifications/read-all', {})).status, 204);
  assert.equal(assertOk(await supervisor.get('/api/v1/notifications')).unread, 0);
});

test('kefu check: the day sums of the figures equal the tickets after all of the above', () => {
  const out = execFileSync(BIN, ['check', ...srv.db], { env: { ...process.env } }).toString('utf8');
  assert.match(out, /工单统计汇总：与工单一致 ✓/);
  assert.match(out, /检查通过/);
});
