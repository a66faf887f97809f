// tickets_flow.test.mjs — the repair order through its life (docs/api.md "Tickets": Actions,
// Deadlines, Lists): dispatch → accept → start → complete (signature or code) → callback →
// close (at once when satisfied), every step an event and an audit row; an unsatisfied callback reopens; the dispatch,
// completion and callback deadlines on the test clock; the repair categories' own times; the
// working views (mine, queue, carryover, overdue, due today) and the list filters.
//
// Every test sets the test clock to a day of its own (later than the previous test's), so the
// figures are exact. Sessions follow the test clock (12 h idle), so every client logs in again
// after the clock moves (setClock).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, client, assertError, assertOk, createUser, uniqueName, hasCJK, DEMO_PASSWORD, BIN } from '../lib/harness.mjs';
import { makePng, PNG_MAGIC } from '../lib/png.mjs';

let srv;
let admin, supervisor, agent, steward, technician, agent2, tech2;
const ids = {};
let UNIT, BUILDING;

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const ms = (s) => Date.parse(s);

// ---- sessions that survive clock jumps ----
const sessions = new Map(); // client → [username, password]
async function login(username, password = DEMO_PASSWORD) {
  const c = client(srv.url);
  const r = await c.login(username, password);
  assert.equal(r.status, 200, `login ${username}: ${r.text}`);
  sessions.set(c, [username, password]);
  return c;
}
async function relogin() {
  await Promise.all([...sessions].map(async ([c, [u, p]]) => {
    c.jar.clear();
    c.csrf = null;
    const r = await c.login(u, p);
    assert.equal(r.status, 200, `login ${u} again: ${r.text}`);
  }));
}
/** Moves the test clock ({now} or {advance_seconds}) and logs everyone in again. */
async function setClock(body) {
  const j = assertOk(await client(srv.url).post('/api/v1/_test/clock', body));
  await relogin();
  return j;
}


// ---- helpers ----
const repairBody = (extra = {}) => ({
  kind: 'home_repair', channel: 'phone', unit_id: UNIT, caller: '魏一鸣', phone: '13712348582',
  content: '卫生间漏水', category: 'water', ...extra,
});
async function register(c, body) { return assertOk(await c.post('/api/v1/tickets', body), 201); }
async function get(c, id) { return assertOk(await c.get(`/api/v1/tickets/${id}`)); }
async function act(c, id, action, body = {}) { return assertOk(await c.post(`/api/v1/tickets/${id}/actions/${action}`, body)); }
const actionsOf = (t) => t.allowed_actions.map((a) => a.action).sort();
const deadline = (t, kind) => t.deadlines.filter((d) => d.kind === kind).at(-1);
async function list(c, query) { return assertOk(await c.get(`/api/v1/tickets?per_page=200&${query}`)); }
async function listIds(c, query) { return (await list(c, query)).items.map((x) => x.id); }
async function openOrders(techId) {
  const j = assertOk(await agent.get('/api/v1/technicians?project_id=1'));
  const t = j.items.find((x) => x.id === techId);
  assert.ok(t, `technician ${techId} listed for dispatch`);
  return t.open_orders;
}
/** A repair taken to completed by the technician (confirm code). */
async function completedRepair(extra = {}, tech = technician, techId = ids.technician) {
  const t = await register(agent, repairBody(extra));
  await act(agent, t.id, 'dispatch', { technician_id: techId });
  await act(tech, t.id, 'start');
  return act(tech, t.id, 'complete', { work_done: '已修复', confirm_code: '8888' });
}

before(async () => {
  srv = await startServer();
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now: '2027-02-01T07:00:00+08:00' }));
  [admin, supervisor, agent, steward, technician, agent2] = await Promise.all(
    ['admin', 'supervisor', 'agent', 'steward', 'technician', 'agent2'].map((u) => login(u)));
  for (const [n, c] of Object.entries({ admin, supervisor, agent, steward, technician, agent2 })) {
    ids[n] = assertOk(await c.get('/api/v1/me')).user.id;
  }
  const u = assertOk(await agent.get('/api/v1/units?q=3-2-1502')).items.find((x) => x.code === '3-2-1502');
  assert.ok(u, 'demo unit 3-2-1502');
  UNIT = u.id;
  BUILDING = u.building_id;
  const name = uniqueName('tech');
  ids.tech2 = (await createUser(admin, { username: name, display_name: '赵师傅', password: 'Init2027pw', roles: [{ project_id: 1, role: 'technician' }] })).id;
  const t2 = client(srv.url);
  assertOk(await t2.login(name, 'Init2027pw'));
  assert.equal((await t2.post('/api/v1/me/password', { old_password: 'Init2027pw', new_password: 'Tech2027pw' })).status, 204);
  tech2 = await login(name, 'Tech2027pw');
});
after(async () => { await srv?.stop(); });

// ---------------------------------------------------------------------------
// the repair order end to end

let flowTicket;  // the order of the first test, read by the next two

test('repair order: dispatch → accept → start → complete (signature) → callback → close', async () => {
  await setClock({ now: '2027-02-01T08:00:00+08:00' });
  const busy = await openOrders(ids.technician);
  const t0 = await register(agent, repairBody({ paid: true }));
  assert.equal(t0.state, 'pending_dispatch');
  assert.deepEqual(actionsOf(t0), ['cancel', 'dispatch', 'note']);

  // 派工 by the desk, with the agreed time
  const appt = '2027-02-01T10:00:00+08:00';
  const d = await act(agent, t0.id, 'dispatch', { version: t0.version, technician_id: ids.technician, appointment_at: appt, note: '带三角阀' });
  assert.equal(d.state, 'dispatched');
  assert.equal(d.version, t0.version + 1);
  assert.equal(d.technician_id, ids.technician);
  assert.equal(d.technician_name, '刘强');
  assert.ok(d.dispatched_at);
  assert.equal(ms(d.appointment_at), ms(appt));
  assert.equal(deadline(d, 'dispatch').state, 'met');
  assert.ok(deadline(d, 'dispatch').met_at);
  const comp = deadline(d, 'complete');
  assert.equal(comp.state, 'open');
  assert.equal(ms(comp.due_at), ms(appt) + 240 * MIN, 'water: completion due 240 minutes after the appointment');
  assert.equal(ms(comp.warn_at), ms(comp.due_at) - 60 * MIN, 'warned 60 minutes before');
  let ev = d.events.at(-1);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.actor_id, ev.note], ['dispatch', 'pending_dispatch', 'dispatched', ids.agent, '带三角阀']);
  assert.equal(ev.data.technician_id, ids.technician);
  assert.deepEqual(actionsOf(await get(technician, t0.id)), ['accept', 'note', 'start']);
  assert.deepEqual(actionsOf(await get(agent, t0.id)), ['cancel', 'note', 'reassign']);
  assert.equal(await openOrders(ids.technician), busy + 1, 'the technician holds one more order');

  // 接单
  const a = await act(technician, t0.id, 'accept', { note: '马上到' });
  assert.equal(a.state, 'dispatched');
  assert.ok(a.accepted_at);
  ev = a.events.at(-1);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.actor_id], ['accept', 'dispatched', 'dispatched', ids.technician]);
  assert.deepEqual(actionsOf(a), ['note', 'start'], 'no second 接单');
  const again = await technician.post(`/api/v1/tickets/${t0.id}/actions/accept`, {});
  assertError(again, 409, 'invalid_state');
  assert.equal((await get(agent, t0.id)).version, a.version, 'the refused accept changed nothing');

  // 开始处理
  await setClock({ now: '2027-02-01T10:05:00+08:00' });
  const s = await act(technician, t0.id, 'start');
  assert.equal(s.state, 'in_progress');
  assert.ok(s.started_at);
  ev = s.events.at(-1);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.actor_id], ['start', 'dispatched', 'in_progress', ids.technician]);
  assert.deepEqual(actionsOf(s), ['complete', 'note']);
  assert.deepEqual(actionsOf(await get(agent, t0.id)), ['note', 'reassign']);

  // 完工 with the owner's signature
  await setClock({ now: '2027-02-01T11:00:00+08:00' });
  const png = makePng();
  const materials = [{ name: '三角阀', qty: 1, unit: '个' }, { name: '生料带', qty: 2, unit: '卷' }];
  const c = await act(technician, t0.id, 'complete', {
    work_done: '更换三角阀，疏通地漏', materials, labour_minutes: 45, charge: 3500,
    signature: `data:image/png;base64,${png.toString('base64')}`,
  });
  assert.equal(c.state, 'completed');
  assert.ok(c.completed_at);
  assert.equal(c.work_done, '更换三角阀，疏通地漏');
  assert.deepEqual(c.materials, materials);
  assert.equal(c.labour_minutes, 45);
  assert.equal(c.charge, 3500, 'charge in fen');
  assert.deepEqual(c.confirmation, { kind: 'signature', signature_url: `/api/v1/tickets/${t0.id}/signature` });
  assert.equal(deadline(c, 'complete').state, 'met');
  const cb = deadline(c, 'callback');
  assert.equal(cb.state, 'open');
  assert.equal(ms(cb.due_at) - ms(c.completed_at), 24 * HOUR, 'callback due 24 h after completion');
  assert.equal(ms(cb.warn_at) - ms(c.completed_at), 20 * HOUR, 'warned at 20 h');
  ev = c.events.at(-1);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.actor_id], ['complete', 'in_progress', 'completed', ids.technician]);
  assert.deepEqual(actionsOf(await get(agent, t0.id)), ['callback', 'note']);
  assert.deepEqual(actionsOf(await get(supervisor, t0.id)), ['callback', 'note', 'reopen']);
  assert.equal(await openOrders(ids.technician), busy, 'a completed order no longer counts');

  // the signature comes back as the PNG it was
  const sig = await fetch(srv.url + c.confirmation.signature_url, { headers: { Cookie: agent.cookieHeader() } });
  assert.equal(sig.status, 200);
  assert.equal(sig.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await sig.arrayBuffer());
  assert.deepEqual(bytes.subarray(0, 8), PNG_MAGIC);
  assert.ok(bytes.equals(png), 'the same bytes');
  const other = await fetch(srv.url + c.confirmation.signature_url, { headers: { Cookie: agent2.cookieHeader() } });
  assert.equal(other.status, 404, 'another project\'s desk cannot fetch it');

  // 回访: satisfied, and the project closes a satisfied order at once (callback_auto_close, on
  // by default): the callback and the close are two events of the one write
  await setClock({ now: '2027-02-01T15:00:00+08:00' });
  const z = await act(agent, t0.id, 'callback', { method: 'phone', satisfaction: 'satisfied', result: '业主表示满意' });
  assert.ok(z.called_back_at);
  assert.equal(z.satisfaction, 'satisfied');
  assert.equal(z.callback_method, 'phone');
  assert.equal(z.callback_result, '业主表示满意');
  assert.equal(deadline(z, 'callback').state, 'met');
  ev = z.events.at(-2);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.actor_id], ['callback', 'completed', 'called_back', ids.agent]);
  ev = z.events.at(-1);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.actor_id, ev.note], ['close', 'called_back', 'closed', ids.agent, '回访满意，自动关闭']);

  // 关闭
  assert.equal(z.state, 'closed');
  assert.ok(z.closed_at);
  assert.deepEqual(actionsOf(z), []);
  assert.deepEqual(actionsOf(await get(supervisor, t0.id)), ['reopen']);
  assert.ok(z.deadlines.every((x) => x.state === 'met'), JSON.stringify(z.deadlines));
  assertError(await agent.post(`/api/v1/tickets/${t0.id}/actions/note`, { note: '晚了' }), 409, 'invalid_state');

  // the timeline: every step, its actor, a chain of states
  assert.deepEqual(z.events.map((e) => e.action), ['create', 'dispatch', 'accept', 'start', 'complete', 'callback', 'close']);
  assert.deepEqual(z.events.map((e) => e.actor_id),
    [ids.agent, ids.agent, ids.technician, ids.technician, ids.technician, ids.agent, ids.agent]);
  for (let i = 1; i < z.events.length; i++) {
    assert.equal(z.events[i].from, z.events[i - 1].to, `event ${i} starts where ${i - 1} ended`);
    assert.ok(z.events[i].id > z.events[i - 1].id);
    assert.ok(ms(z.events[i].at) >= ms(z.events[i - 1].at));
  }
  assert.equal(z.events.at(-1).to, 'closed');

  // the audit trail: one row per step
  const audit = assertOk(await supervisor.get(`/api/v1/audit?entity=ticket&id=${t0.id}&per_page=200`));
  assert.deepEqual(audit.items.map((r) => r.action).sort(), ['accept', 'callback', 'close', 'complete', 'create', 'dispatch', 'start']);
  for (const r of audit.items) {
    assert.equal(r.entity, 'ticket');
    assert.equal(r.entity_id, t0.id);
    assert.equal(r.project_id, 1);
  }
  const byAction = Object.fromEntries(audit.items.map((r) => [r.action, r]));
  assert.equal(byAction.complete.actor_id, ids.technician);
  assert.equal(byAction.dispatch.actor_id, ids.agent);
  assert.ok(ms(audit.items[0].at) >= ms(audit.items.at(-1).at), 'newest first');
  flowTicket = z;
});

test('events carry their action label and actor name (action_label, actor_name)', async () => {
  assert.ok(flowTicket, 'the end-to-end order exists');
  const ev = flowTicket.events;
  assert.equal(ev[0].action_label, '登记');
  assert.equal(ev[0].actor_name, '李静');
  assert.equal(ev[1].action_label, '派工');
  assert.equal(ev[2].actor_name, '刘强');
});

test('reopen by hand: admin, manager or supervisor, with a reason; the order waits for dispatch again', async () => {
  assert.ok(flowTicket, 'the end-to-end order exists');
  const id = flowTicket.id;
  assertError(await agent.post(`/api/v1/tickets/${id}/actions/reopen`, { reason: '复发' }), 403, 'forbidden');
  assertError(await supervisor.post(`/api/v1/tickets/${id}/actions/reopen`, {}), 422, 'validation_failed', 'reason');
  assert.equal((await get(agent, id)).version, flowTicket.version, 'the refused reopens changed nothing');
  const r = await act(supervisor, id, 'reopen', { version: flowTicket.version, reason: '业主反映又漏水' });
  assert.equal(r.state, 'pending_dispatch');
  assert.equal(r.reopen_count, 1);
  const ev = r.events.at(-1);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.actor_id], ['reopen', 'closed', 'pending_dispatch', ids.supervisor]);
  assert.equal(deadline(r, 'dispatch').state, 'open', 'a new dispatch deadline');
  assert.deepEqual(actionsOf(await get(agent, id)), ['cancel', 'dispatch', 'note']);
  // cancelling a dispatched order ends its deadlines and takes it out of the queue
  const d = await act(agent, id, 'dispatch', { technician_id: ids.technician });
  assert.ok((await listIds(technician, 'queue=1')).includes(id));
  const c = await act(agent, id, 'cancel', { version: d.version, reason: '业主自行处理' });
  assert.equal(c.state, 'cancelled');
  assert.ok(c.deadlines.every((x) => x.state === 'met'), JSON.stringify(c.deadlines));
  assert.ok(!(await listIds(technician, 'queue=1')).includes(id));
  assert.deepEqual(actionsOf(c), []);
});

test('complete with the owner\'s confirm code: confirmation {kind:"code"}, no signature to fetch', async () => {
  const t = await register(agent, repairBody());
  await act(agent, t.id, 'dispatch', { technician_id: ids.technician });
  const s = await act(technician, t.id, 'start');
  assert.equal(s.accepted_at !== null, true, 'starting also accepts');
  const c = await act(technician, t.id, 'complete', { work_done: '已修', confirm_code: '402913' });
  assert.equal(c.state, 'completed');
  assert.deepEqual(c.confirmation, { kind: 'code' });
  assert.deepEqual(c.materials, []);
  assert.equal(c.charge, null);
  assert.equal(c.labour_minutes, null);
  assertError(await agent.get(`/api/v1/tickets/${t.id}/signature`), 404, 'not_found');
  // a supervisor may complete for the technician (the table's roles)
  const t2 = await register(agent, repairBody());
  await act(agent, t2.id, 'dispatch', { technician_id: ids.technician });
  await act(supervisor, t2.id, 'start');
  const c2 = await act(supervisor, t2.id, 'complete', { work_done: '主管代为完工', confirm_code: '1111' });
  assert.equal(c2.events.at(-1).actor_id, ids.supervisor);
});

test('unsatisfied callback reopens the order: pending_dispatch, reopen_count 1, a reopen event, a new dispatch deadline', async () => {
  await setClock({ now: '2027-02-02T09:00:00+08:00' });
  const c = await completedRepair();
  const k = await act(agent, c.id, 'callback', { version: c.version, method: 'visit', satisfaction: 'unsatisfied', result: '仍在渗水' });
  assert.equal(k.state, 'pending_dispatch');
  assert.equal(k.reopen_count, 1);
  assert.equal(k.satisfaction, 'unsatisfied');
  const tail = k.events.slice(-2);
  assert.deepEqual(tail.map((e) => [e.action, e.from, e.to]), [['callback', 'completed', 'called_back'], ['reopen', 'called_back', 'pending_dispatch']]);
  assert.ok(tail[1].id > tail[0].id, 'reopen follows the callback');
  const dispatches = k.deadlines.filter((x) => x.kind === 'dispatch');
  assert.equal(dispatches.length, 2, JSON.stringify(k.deadlines));
  assert.equal(dispatches[0].state, 'met');
  assert.equal(dispatches[1].state, 'open');
  assert.equal(ms(dispatches[1].due_at) - ms(tail[1].at), 30 * MIN, 'water: dispatch again within 30 minutes');
  assert.equal(deadline(k, 'callback').state, 'met');
  assert.ok(k.deadlines.filter((x) => x.state !== 'met').length === 1, 'only the new dispatch deadline is open');
  assert.ok(actionsOf(k).includes('dispatch'));
  const audit = assertOk(await supervisor.get(`/api/v1/audit?entity=ticket&id=${c.id}&per_page=200`)).items.map((r) => r.action);
  assert.ok(audit.includes('callback') && audit.includes('reopen'), audit.join());
  // listed as waiting for dispatch again, and dispatched again
  assert.ok((await listIds(agent, 'state=pending_dispatch')).includes(c.id));
  const d = await act(agent, c.id, 'dispatch', { technician_id: ids.tech2 });
  assert.equal(d.state, 'dispatched');
  assert.equal(d.technician_id, ids.tech2);
  assert.equal(d.events.filter((e) => e.action === 'dispatch').length, 2);
});

// ---------------------------------------------------------------------------
// deadlines on the test clock

test('callback deadline: due 24 h after completion, overdue at 25 h, listed, met by the late callback', async () => {
  await setClock({ now: '2027-02-03T09:00:00+08:00' });
  const a = await completedRepair({ caller: '回访甲' });
  const cbA = deadline(a, 'callback');
  assert.equal(ms(cbA.due_at), ms(a.completed_at) + 24 * HOUR);
  await setClock({ advance_seconds: 3 * 3600 });
  const b = await completedRepair({ caller: '回访乙' });
  // due tomorrow: not today's callbacks, not overdue
  assert.ok(!(await listIds(agent, 'due=today')).some((id) => id === a.id || id === b.id));
  assert.ok(!(await listIds(agent, 'overdue=callback')).includes(a.id));

  // 25 hours after A was completed
  await setClock({ advance_seconds: 90000 - 3 * 3600 });
  let g = await get(agent, a.id);
  assert.equal(deadline(g, 'callback').state, 'overdue');
  assert.ok(deadline(g, 'callback').overdue_at);
  assert.equal(deadline(await get(agent, b.id), 'callback').state, 'due_soon', 'B is past its 20 h warning');
  const over = await list(agent, 'overdue=callback');
  const item = over.items.find((x) => x.id === a.id);
  assert.ok(item, 'listed by overdue=callback');
  assert.deepEqual(item.overdue, ['callback']);
  assert.ok(!over.items.some((x) => x.id === b.id), 'B is not overdue yet');
  for (const x of over.items) assert.deepEqual(x.overdue, ['callback'], `${x.number} is overdue on its callback`);
  assert.ok((await listIds(agent, 'overdue=any')).includes(a.id));
  assert.ok(!(await listIds(agent, 'overdue=dispatch')).includes(a.id));
  assert.ok(!(await listIds(agent, 'overdue=complete')).includes(a.id));
  // today's callbacks: the overdue A before B (due at noon)
  const due = await listIds(agent, 'due=today');
  assert.ok(due.includes(a.id) && due.includes(b.id), `due today: ${due}`);
  assert.ok(due.indexOf(a.id) < due.indexOf(b.id), 'overdue first');
  // the deadlines list agrees
  const dl = assertOk(await agent.get('/api/v1/deadlines?entity=ticket&state=overdue&per_page=200')).items;
  assert.ok(dl.some((x) => x.entity_id === a.id && x.kind === 'callback'));

  // the late callback meets it
  const k = await act(agent, a.id, 'callback', { method: 'phone', satisfaction: 'basically_satisfied', result: '基本满意' });
  assert.equal(k.state, 'closed', '基本满意 counts as satisfied: closed at once');
  assert.equal(deadline(k, 'callback').state, 'met');
  assert.ok(deadline(k, 'callback').met_at);
  assert.ok(!(await listIds(agent, 'overdue=callback')).includes(a.id));
  assert.ok(!(await listIds(agent, 'overdue=any')).includes(a.id));
  assert.ok(!(await listIds(agent, 'due=today')).includes(a.id));
  g = await get(agent, b.id);
  assert.deepEqual(g.deadlines.filter((x) => x.state === 'overdue'), [], 'B is still in time');
});

test('dispatch deadline: a water repair is overdue 31 minutes after registration (30 by default)', async () => {
  await setClock({ now: '2027-02-05T09:00:00+08:00' });
  const t = await register(agent, repairBody({ caller: '派工时限' }));
  const d0 = deadline(t, 'dispatch');
  assert.equal(ms(d0.due_at) - ms(t.created_at), 30 * MIN);
  assert.equal(d0.state, 'open');
  const item0 = (await list(agent, `q=${t.number}`)).items[0];
  assert.equal(item0.due_kind, 'dispatch');
  assert.equal(ms(item0.due_at), ms(d0.due_at));
  assert.deepEqual(item0.overdue, []);

  await setClock({ advance_seconds: 29 * 60 });
  assert.equal(deadline(await get(agent, t.id), 'dispatch').state, 'due_soon', 'warned at two thirds');
  assert.ok(!(await listIds(agent, 'overdue=dispatch')).includes(t.id));

  const tick = await setClock({ advance_seconds: 2 * 60 });
  assert.ok(tick.overdue_marked >= 1, `the tick marked it: ${JSON.stringify(tick)}`);
  const g = await get(agent, t.id);
  assert.equal(deadline(g, 'dispatch').state, 'overdue');
  const over = await list(agent, 'overdue=dispatch');
  const item = over.items.find((x) => x.id === t.id);
  assert.ok(item, 'listed by overdue=dispatch');
  assert.deepEqual(item.overdue, ['dispatch']);
  assert.ok((await listIds(agent, 'overdue=any')).includes(t.id));
  assert.ok(!(await listIds(agent, 'overdue=callback')).includes(t.id));

  // dispatching late meets it (late) and opens the completion deadline
  const d = await act(agent, t.id, 'dispatch', { technician_id: ids.technician });
  assert.equal(deadline(d, 'dispatch').state, 'met');
  assert.equal(deadline(d, 'complete').state, 'open');
  assert.equal(ms(deadline(d, 'complete').due_at) - ms(d.dispatched_at), 240 * MIN, 'no appointment: due 240 minutes after dispatch');
  assert.ok(!(await listIds(agent, 'overdue=dispatch')).includes(t.id));
  // an elevator repair must be dispatched within 15 minutes
  const e = await register(agent, { kind: 'public_repair', channel: 'phone', location: '3栋2单元电梯', content: '电梯困人', category: 'elevator' });
  assert.equal(ms(deadline(e, 'dispatch').due_at) - ms(e.created_at), 15 * MIN);
});

// ---------------------------------------------------------------------------
// working views

test('mine=1: the open tickets I received, also while others work on them; queue=1: the technician\'s own', async () => {
  await setClock({ now: '2027-02-08T09:00:00+08:00' });
  const m1 = await register(agent, repairBody({ caller: '我的一' }));
  await act(agent, m1.id, 'dispatch', { technician_id: ids.technician, appointment_at: '2027-02-08T14:00:00+08:00' });
  const m2 = await register(agent, { kind: 'inquiry', channel: 'phone', content: '我的咨询' });
  const m3 = await register(agent, { kind: 'suggestion', channel: 'phone', content: '已关闭的建议' });
  await act(agent, m3.id, 'close', { reply: '谢谢建议' });
  const s1 = await register(steward, repairBody({ caller: '管家登记' }));
  const q = await register(agent, repairBody({ caller: '处理中' }));
  await act(agent, q.id, 'dispatch', { technician_id: ids.technician, appointment_at: '2027-02-08T11:00:00+08:00' });
  await act(technician, q.id, 'start');
  const done = await completedRepair({ caller: '已完工' });
  const p = await register(agent, repairBody({ caller: '待派工' }));
  const x = await register(agent, repairBody({ caller: '改派' }));
  await act(agent, x.id, 'dispatch', { technician_id: ids.technician });
  const rx = await act(agent, x.id, 'reassign', { technician_id: ids.tech2, reason: '刘师傅请假' });
  assertError(await agent.post(`/api/v1/tickets/${x.id}/actions/reassign`, { technician_id: ids.tech2 }), 422, 'validation_failed', 'technician_id');
  assert.equal(rx.state, 'dispatched');
  assert.equal(rx.technician_id, ids.tech2);
  assert.deepEqual([rx.events.at(-1).action, rx.events.at(-1).from, rx.events.at(-1).to], ['reassign', 'dispatched', 'dispatched']);

  const mine = await list(agent, 'mine=1');
  const mineIds = mine.items.map((t) => t.id);
  for (const t of [m1, m2, q, done, p, x]) assert.ok(mineIds.includes(t.id), `${t.caller || t.content} in agent's mine`);
  assert.ok(!mineIds.includes(m3.id), 'closed ones are done');
  assert.ok(!mineIds.includes(s1.id), 'the steward\'s are not mine');
  for (const t of mine.items) {
    assert.equal(t.received_by, ids.agent);
    assert.ok(!['closed', 'cancelled'].includes(t.state), `${t.number} ${t.state}`);
  }
  assert.ok((await listIds(steward, 'mine=1')).includes(s1.id));
  assert.ok(!(await listIds(steward, 'mine=1')).includes(m1.id));
  const other = await list(agent2, 'mine=1');
  assert.ok(!other.items.some((t) => t.received_by === ids.agent), 'agent2 does not see agent\'s');
  assertError(await agent2.get(`/api/v1/tickets/${m1.id}`), 404, 'not_found');

  const queue = await list(technician, 'queue=1');
  const qIds = queue.items.map((t) => t.id);
  assert.ok(qIds.includes(m1.id) && qIds.includes(q.id));
  for (const t of [done, p, x, m2]) assert.ok(!qIds.includes(t.id), `${t.number} not in the technician's queue`);
  for (const t of queue.items) {
    assert.equal(t.technician_id, ids.technician);
    assert.ok(['dispatched', 'in_progress'].includes(t.state), `${t.number} ${t.state}`);
  }
  assert.ok(qIds.indexOf(q.id) < qIds.indexOf(m1.id), 'the 11:00 appointment before the 14:00 one');
  const q2 = await list(tech2, 'queue=1');
  assert.ok(q2.items.some((t) => t.id === x.id), 'the reassigned order is in the new technician\'s queue');
  for (const t of q2.items) assert.equal(t.technician_id, ids.tech2);
  // the dispatch dialog's list: each technician's open orders are their queue, least busy first
  const techs = assertOk(await agent.get('/api/v1/technicians?project_id=1')).items;
  assert.equal(techs.find((t) => t.id === ids.technician).open_orders, queue.total);
  assert.equal(techs.find((t) => t.id === ids.tech2).open_orders, q2.total);
  for (let i = 1; i < techs.length; i++) assert.ok(techs[i - 1].open_orders <= techs[i].open_orders, 'least busy first');
  assert.ok(!techs.some((t) => t.id === ids.agent), 'only technicians');
});

test('carryover=1: registered before today and not finished', async () => {
  await setClock({ now: '2027-02-10T16:00:00+08:00' });
  const open = await register(agent, repairBody({ caller: '昨天未完' }));
  const answered = await register(agent, { kind: 'inquiry', channel: 'phone', content: '昨天的咨询' });
  await act(agent, answered.id, 'close', { reply: '已答复' });
  const cancelled = await register(agent, repairBody({ caller: '昨天取消' }));
  await act(agent, cancelled.id, 'cancel', { reason: '业主撤销' });
  const waiting = await register(agent, { kind: 'complaint', channel: 'phone', content: '昨天的投诉' });

  // 07:30 in the office is still the 10th in UTC: the office's day counts
  await setClock({ now: '2027-02-11T07:30:00+08:00' });
  const today = await register(agent, repairBody({ caller: '今天' }));
  assert.equal(today.number, 'BX20270211-0001', 'a new office day starts the sequence again');
  const carry = await list(agent, 'carryover=1');
  const cIds = carry.items.map((t) => t.id);
  assert.ok(cIds.includes(open.id), 'yesterday\'s open repair');
  assert.ok(cIds.includes(waiting.id), 'yesterday\'s complaint still registered');
  for (const t of [answered, cancelled, today]) assert.ok(!cIds.includes(t.id), `${t.number} ${t.state} not carried over`);
  const dayStart = ms('2027-02-11T00:00:00+08:00');
  for (const t of carry.items) {
    assert.ok(ms(t.created_at) < dayStart, `${t.number} registered before today`);
    assert.ok(!['closed', 'cancelled'].includes(t.state));
  }
  // from/to: registration dates
  const y = await listIds(agent, 'from=2027-02-10&to=2027-02-10');
  for (const t of [open, answered, cancelled, waiting]) assert.ok(y.includes(t.id));
  assert.ok(!y.includes(today.id));
  const tIds = await listIds(agent, 'from=2027-02-11');
  assert.deepEqual(tIds, [today.id]);
  assert.ok(!(await listIds(agent, 'to=2027-02-10')).includes(today.id));
});

test('list filters: state (comma list), kind, channel, category, unit_id, building_id, q; bad codes → 400', async () => {
  await setClock({ now: '2027-02-12T09:00:00+08:00' });
  const water = await register(agent, repairBody({ caller: '筛选水' }));
  const elec = await register(agent, { kind: 'public_repair', channel: 'visit', location: '会所', content: '插座没电', category: 'electric', caller: '筛选电' });
  await act(agent, elec.id, 'dispatch', { technician_id: ids.technician });
  const praise = await register(agent, { kind: 'praise', channel: 'email', content: '表扬保洁', caller: '筛选表扬' });
  const day = 'from=2027-02-12&to=2027-02-12';

  const st = await list(agent, `${day}&state=pending_dispatch,dispatched`);
  assert.deepEqual(st.items.map((t) => t.id).sort(), [water.id, elec.id].sort());
  assert.deepEqual((await listIds(agent, `${day}&state=dispatched`)), [elec.id]);
  assert.deepEqual((await listIds(agent, `${day}&kind=praise,inquiry`)), [praise.id]);
  assert.deepEqual((await listIds(agent, `${day}&kind=home_repair`)), [water.id]);
  assert.deepEqual((await listIds(agent, `${day}&channel=visit`)), [elec.id]);
  assert.deepEqual((await listIds(agent, `${day}&category=electric`)), [elec.id]);
  assert.deepEqual((await listIds(agent, `${day}&unit_id=${UNIT}`)), [water.id]);
  assert.deepEqual((await listIds(agent, `${day}&building_id=${BUILDING}`)), [water.id]);
  assert.deepEqual((await listIds(agent, `${day}&technician_id=${ids.technician}`)), [elec.id]);
  assert.deepEqual((await listIds(agent, `${day}&received_by=${ids.agent}`)).sort(), [water.id, elec.id, praise.id].sort());
  // q: number, caller, content, unit code
  assert.deepEqual(await listIds(agent, `q=${water.number}`), [water.id]);
  assert.deepEqual(await listIds(agent, `q=${encodeURIComponent('筛选电')}`), [elec.id]);
  assert.deepEqual(await listIds(agent, `q=${encodeURIComponent('表扬保洁')}`), [praise.id]);
  assert.ok((await listIds(agent, `${day}&q=3-2-1502`)).includes(water.id));
  // every item of a filtered list matches the filter
  for (const t of (await list(agent, 'state=open,closed')).items) assert.ok(['open', 'closed'].includes(t.state));
  for (const t of (await list(agent, 'kind=public_repair')).items) assert.equal(t.kind, 'public_repair');
  // malformed query parameters
  assertError(await agent.get('/api/v1/tickets?state=bogus'), 400, 'bad_request', 'state');
  assertError(await agent.get('/api/v1/tickets?state=open,bogus'), 400, 'bad_request', 'state');
  assertError(await agent.get('/api/v1/tickets?kind=repair'), 400, 'bad_request', 'kind');
  assertError(await agent.get('/api/v1/tickets?channel=fax'), 400, 'bad_request', 'channel');
  assertError(await agent.get('/api/v1/tickets?category=gas'), 400, 'bad_request', 'category');
  assertError(await agent.get('/api/v1/tickets?overdue=late'), 400, 'bad_request', 'overdue');
  assertError(await agent.get('/api/v1/tickets?due=tomorrow'), 400, 'bad_request', 'due');
  assertError(await agent.get('/api/v1/tickets?from=2027-2-1'), 400, 'bad_request', 'from');
  assertError(await agent.get('/api/v1/tickets?unit_id=abc'), 400, 'bad_request', 'unit_id');
  assertError(await agent.get('/api/v1/tickets?per_page=500'), 400, 'bad_request', 'per_page');
  // a single ticket, its slip and its signature are not lists: no export
  assertError(await agent.get(`/api/v1/tickets/${water.id}?format=xlsx`), 400, 'bad_request', 'format');
  assertError(await agent.get(`/api/v1/tickets/${water.id}/slip.pdf?format=csv`), 400, 'bad_request', 'format');
});

// ---------------------------------------------------------------------------
// repair categories: the project's own times (last: it changes water for project 1)

test('repair categories: defaults; supervisor sets water\'s times (agent 403); a new ticket follows them', async () => {
  await setClock({ now: '2027-02-15T09:00:00+08:00' });
  const cats = assertOk(await agent.get('/api/v1/repair-categories?project_id=1')).items;
  const table = Object.fromEntries(cats.map((c) => [c.code, [c.dispatch_minutes, c.complete_minutes, c.warn_minutes, c.custom]]));
  assert.deepEqual(table, {
    water: [30, 240, 60, false], electric: [30, 240, 60, false], elevator: [15, 120, 30, false], heating: [30, 480, 60, false],
    civil: [60, 2880, 240, false], door_window: [60, 2880, 240, false], facility: [60, 2880, 240, false], other: [60, 1440, 120, false],
  });
  for (const c of cats) assert.ok(hasCJK(c.label), c.code);

  const body = { dispatch_minutes: 10, complete_minutes: 120, warn_minutes: 30 };
  assertError(await agent.put('/api/v1/repair-categories/water?project_id=1', body), 403, 'forbidden');
  assertError(await technician.put('/api/v1/repair-categories/water?project_id=1', body), 403, 'forbidden');
  for (const [b, field, code = 'validation_failed'] of [
    [{ ...body, warn_minutes: 120 }, 'warn_minutes'],
    [{ ...body, dispatch_minutes: 0 }, 'dispatch_minutes'],
    [{ ...body, complete_minutes: 43201 }, 'complete_minutes'],
    [{ ...body, dispatch_minutes: '10' }, 'dispatch_minutes'],
    [{ dispatch_minutes: 10, complete_minutes: 120 }, 'warn_minutes'],
    [{ ...body, sla: 1 }, 'sla', 'unknown_field'],
  ]) {
    assertError(await supervisor.put('/api/v1/repair-categories/water?project_id=1', b), 422, code, field);
  }
  assertError(await supervisor.put('/api/v1/repair-categories/gas?project_id=1', body), 404, 'not_found');
  assertError(await supervisor.put('/api/v1/repair-categories/water?project_id=2', body), 404, 'not_found');
  assert.equal(assertOk(await agent.get('/api/v1/repair-categories?project_id=1')).items.find((c) => c.code === 'water').custom, false,
    'the refused attempts changed nothing');

  const put = await supervisor.put('/api/v1/repair-categories/water?project_id=1', body);
  assert.ok([200, 204].includes(put.status), `${put.status} ${put.text}`);
  const after = Object.fromEntries(assertOk(await agent.get('/api/v1/repair-categories?project_id=1')).items.map((c) => [c.code, c]));
  assert.deepEqual([after.water.dispatch_minutes, after.water.complete_minutes, after.water.warn_minutes, after.water.custom], [10, 120, 30, true]);
  assert.equal(after.electric.custom, false, 'other categories keep the defaults');
  assert.equal(after.electric.dispatch_minutes, 30);
  // project 2 is not touched
  const p2 = assertOk(await admin.get('/api/v1/repair-categories?project_id=2')).items.find((c) => c.code === 'water');
  assert.deepEqual([p2.dispatch_minutes, p2.custom], [30, false]);

  const t = await register(agent, repairBody({ caller: '新时限' }));
  assert.equal(ms(deadline(t, 'dispatch').due_at) - ms(t.created_at), 10 * MIN, 'dispatch within 10 minutes now');
  const d = await act(agent, t.id, 'dispatch', { technician_id: ids.technician });
  const comp = deadline(d, 'complete');
  assert.equal(ms(comp.due_at) - ms(d.dispatched_at), 120 * MIN);
  assert.equal(ms(comp.due_at) - ms(comp.warn_at), 30 * MIN);
  await setClock({ advance_seconds: 11 * 60 });
  const late = await register(agent, repairBody({ caller: '新时限二' }));
  await setClock({ advance_seconds: 11 * 60 });
  assert.ok((await listIds(agent, 'overdue=dispatch')).includes(late.id), 'overdue after 11 minutes');

  // back to the defaults' figures
  assertOk(await supervisor.put('/api/v1/repair-categories/water?project_id=1', { dispatch_minutes: 30, complete_minutes: 240, warn_minutes: 60 }));
});

test('kefu check: the day sums of the figures equal the tickets after all of the above', () => {
  const out = execFileSync(BIN, ['check', ...srv.db], { env: { ...process.env } }).toString('utf8');
  assert.match(out, /工单统计汇总：与工单一致 ✓/);
  assert.match(out, /检查通过/);
});
