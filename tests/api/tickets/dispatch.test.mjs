// dispatch.test.mjs — the dispatch queue and the callback that closes (issue 20, point 3;
// docs/api.md "Lists" waiting=, "Settings" ticket-options): ?waiting=dispatch lists exactly
// the repairs waiting for dispatch and ?waiting=assign the complaints not yet assigned, oldest
// first; a satisfied callback closes the order when the project's callback_auto_close is on (the
// default), leaves it 已回访 when it is off; the switch is per project, checked and audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, assertError, assertOk, DEMO_PASSWORD } from '../lib/harness.mjs';

let srv, admin, supervisor, agent, technician, agent2;
const ids = {};
let UNIT;

async function login(username) {
  const c = client(srv.url);
  assert.equal((await c.login(username, DEMO_PASSWORD)).status, 200, `login ${username}`);
  return c;
}
const register = async (c, body) => assertOk(await c.post('/api/v1/tickets', body), 201);
const act = async (c, id, action, body = {}) => assertOk(await c.post(`/api/v1/tickets/${id}/actions/${action}`, body));
const repair = (extra = {}) => register(agent, {
  kind: 'home_repair', channel: 'phone', unit_id: UNIT, caller: '派工队列', phone: '13712348582',
  content: '厨房水龙头漏水', category: 'water', ...extra,
});
const complaint = (extra = {}) => register(agent, {
  kind: 'complaint', channel: 'phone', unit_id: UNIT, caller: '派工队列', phone: '13712348582',
  content: '楼上装修噪音', complaint_type: 'noise', ...extra,
});

/** Every item of a list (all pages of 200). */
async function all(c, query) {
  const items = [];
  let total = 0;
  for (let page = 1; ; page++) {
    const j = assertOk(await c.get(`/api/v1/tickets?project_id=1&per_page=200&page=${page}&${query}`));
    items.push(...j.items);
    total = j.total;
    if (j.items.length < 200) break;
  }
  assert.equal(items.length, total, `${query}: the total counts the items`);
  return items;
}
const idsOf = (items) => items.map((x) => x.id);
const REPAIRS = ['public_repair', 'home_repair', 'service'];

function assertOldestFirst(items, what) {
  for (let i = 1; i < items.length; i++) {
    const a = Date.parse(items[i - 1].created_at), b = Date.parse(items[i].created_at);
    assert.ok(a < b || (a === b && items[i - 1].id < items[i].id), `${what}: ${items[i - 1].number} before ${items[i].number}`);
  }
}

before(async () => {
  srv = await startServer();
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now: '2027-04-01T09:00:00+08:00' }));
  [admin, supervisor, agent, technician, agent2] = await Promise.all(['admin', 'supervisor', 'agent', 'technician', 'agent2'].map(login));
  for (const [n, c] of Object.entries({ admin, supervisor, agent, technician, agent2 })) ids[n] = assertOk(await c.get('/api/v1/me')).user.id;
  UNIT = assertOk(await agent.get('/api/v1/units?q=3-2-1502')).items.find((x) => x.code === '3-2-1502').id;
});
after(async () => { await srv?.stop(); });

test('waiting=dispatch: exactly the repairs 待派工, oldest first; a new one comes last and leaves when dispatched', async () => {
  const before = await all(agent, 'waiting=dispatch');
  const byState = await all(agent, 'state=pending_dispatch');
  assert.deepEqual(new Set(idsOf(before)), new Set(idsOf(byState)), 'the same tickets as state=pending_dispatch');
  for (const x of before) {
    assert.equal(x.state, 'pending_dispatch');
    assert.ok(REPAIRS.includes(x.kind), `${x.number} is a repair (${x.kind})`);
    assert.equal(x.project_id, 1);
  }
  assertOldestFirst(before, 'waiting=dispatch');

  const t = await repair();
  const c = await complaint();
  const inq = await register(agent, { kind: 'inquiry', channel: 'phone', caller: '派工队列', content: '物业费怎么交' });
  const now = await all(agent, 'waiting=dispatch');
  assert.equal(now.length, before.length + 1, 'one more: the repair, not the complaint or the inquiry');
  assert.equal(now.at(-1).id, t.id, 'the newest comes last');
  assert.equal(now.at(-1).due_kind, 'dispatch', 'with its dispatch clock');
  assert.ok(now.at(-1).due_at);
  assert.ok(!idsOf(now).includes(c.id) && !idsOf(now).includes(inq.id));
  // the first page of the home queue: the oldest, and the total
  const page = assertOk(await agent.get('/api/v1/tickets?project_id=1&waiting=dispatch&per_page=5'));
  assert.equal(page.total, now.length);
  assert.deepEqual(idsOf(page.items), idsOf(now.slice(0, 5)));

  await act(agent, t.id, 'dispatch', { technician_id: ids.technician });
  assert.ok(!idsOf(await all(agent, 'waiting=dispatch')).includes(t.id), 'dispatched: out of the queue');
  // another project's desk sees none of project 1's queue
  const other = assertOk(await agent2.get('/api/v1/tickets?waiting=dispatch&per_page=200'));
  assert.ok(other.items.every((x) => x.project_id !== 1), 'agent2 sees only their own project');
});

test('waiting=assign: the complaints not yet assigned, oldest first; assigned → out; both together', async () => {
  const before = await all(agent, 'waiting=assign');
  for (const x of before) {
    assert.equal(x.kind, 'complaint');
    assert.equal(x.state, 'registered');
    assert.equal(x.complaint.handler_id, null, `${x.number} has no handler`);
  }
  assertOldestFirst(before, 'waiting=assign');
  const byState = await all(agent, 'kind=complaint&state=registered');
  assert.deepEqual(new Set(idsOf(before)), new Set(idsOf(byState)));

  const c = await complaint({ content: '电梯口堆放杂物' });
  const now = await all(agent, 'waiting=assign');
  assert.equal(now.at(-1).id, c.id, 'the newest comes last');
  assert.equal(now.at(-1).due_kind, 'reply', 'with its reply clock');

  const t = await repair({ content: '灯不亮', category: 'electric' });
  const both = await all(agent, 'waiting=dispatch,assign');
  assert.equal(both.length, now.length + (await all(agent, 'waiting=dispatch')).length, 'both queues, nothing else');
  assertOldestFirst(both, 'waiting=dispatch,assign');
  assert.deepEqual(idsOf(both.slice(-2)), [c.id, t.id]);

  await act(agent, c.id, 'assign', { department: '工程部', handler_id: ids.supervisor });
  assert.ok(!idsOf(await all(agent, 'waiting=assign')).includes(c.id), 'assigned: out of the queue');
  assert.ok(idsOf(await all(agent, 'waiting=dispatch,assign')).includes(t.id));
});

test('waiting=: an unknown value is refused (400, Chinese, field waiting)', async () => {
  for (const v of ['x', 'dispatch,x', 'DISPATCH']) {
    const r = await agent.get(`/api/v1/tickets?waiting=${v}`);
    assertError(r, 400, 'bad_request', 'waiting');   // a Chinese message (assertError checks it)
    assert.match(r.json.error.message, /待派工/);
  }
});

// ---- the switch callback_auto_close ----

async function completed(content) {
  const t = await repair({ content });
  await act(agent, t.id, 'dispatch', { technician_id: ids.technician });
  await act(technician, t.id, 'start');
  return act(technician, t.id, 'complete', { work_done: '已修复', confirm_code: '2468' });
}
const callback = (t, satisfaction) => act(agent, t.id, 'callback', { method: 'phone', satisfaction, result: '已回访' });
const option = async (c, project) => assertOk(await c.get(`/api/v1/ticket-options?project_id=${project}`))
  .items.find((x) => x.code === 'callback_auto_close');

test('ticket-options: callback_auto_close is on by default, in Chinese, for every project', async () => {
  for (const [c, p] of [[agent, 1], [agent2, 2], [technician, 1]]) {
    const o = await option(c, p);
    assert.deepEqual(o, { code: 'callback_auto_close', label: '回访满意后自动关闭工单', enabled: true, custom: false });
  }
});

test('a satisfied callback closes the order (default): closed_at, out of 我的待办 and the callbacks', async () => {
  const t = await completed('默认满意即关闭');
  assert.ok(idsOf(await all(agent, 'mine=1')).includes(t.id), 'a completed order is the agent\'s to do');
  const mineBefore = assertOk(await agent.get('/api/v1/tickets?project_id=1&mine=1&per_page=1')).total;
  const z = await callback(t, 'satisfied');
  assert.equal(z.state, 'closed');
  assert.ok(z.closed_at);
  assert.deepEqual(z.events.slice(-2).map((e) => [e.action, e.to]), [['callback', 'called_back'], ['close', 'closed']]);
  assert.ok(z.deadlines.every((d) => d.state === 'met'), 'no deadline left open');
  assert.ok(!idsOf(await all(agent, 'mine=1')).includes(t.id), 'gone from 我的待办');
  assert.equal(assertOk(await agent.get('/api/v1/tickets?project_id=1&mine=1&per_page=1')).total, mineBefore - 1, 'the home count is one less');
  assert.ok(!idsOf(await all(agent, 'due=today')).includes(t.id), 'gone from the callbacks due');
  const audit = assertOk(await admin.get(`/api/v1/audit?entity=ticket&id=${t.id}&per_page=50`)).items.map((r) => r.action);
  assert.ok(audit.includes('callback') && audit.includes('close'), `both audited: ${audit}`);
  // 基本满意 closes too (the statistics count it as satisfied); 不满意 still reopens
  assert.equal((await callback(await completed('基本满意'), 'basically_satisfied')).state, 'closed');
  const u = await callback(await completed('不满意'), 'unsatisfied');
  assert.equal(u.state, 'pending_dispatch');
  assert.equal(u.closed_at, null);
});

test('the switch off: a satisfied callback leaves the order 已回访; the change is checked, audited and per project', async () => {
  const put = (c, body, code = 'callback_auto_close', project = 1) => c.put(`/api/v1/ticket-options/${code}?project_id=${project}`, body);
  // who may change it: tickets.settings (supervisor, manager, admin)
  assertError(await put(agent, { enabled: false }), 403, 'forbidden');
  // bad values change nothing
  for (const [body, field] of [[{ enabled: '否' }, 'enabled'], [{ enabled: 0 }, 'enabled'], [{}, 'enabled']]) {
    assertError(await put(supervisor, body), 422, 'validation_failed', field);   // in Chinese
  }
  assertError(await put(supervisor, { enabled: false, extra: 1 }), 422, 'unknown_field', 'extra');
  assertError(await put(supervisor, { enabled: false }, 'nope'), 404, 'not_found');
  assert.equal((await option(agent, 1)).enabled, true, 'the refused changes changed nothing');

  const o = assertOk(await put(supervisor, { enabled: false }));
  assert.deepEqual(o, { code: 'callback_auto_close', label: '回访满意后自动关闭工单', enabled: false, custom: true });
  assert.equal((await option(agent, 1)).enabled, false);
  assert.equal((await option(agent2, 2)).enabled, true, 'project 2 keeps the default');
  const audit = assertOk(await admin.get('/api/v1/audit?entity=ticket_option&per_page=5')).items[0];
  assert.equal(audit.action, 'update');
  assert.equal(audit.project_id, 1);
  assert.equal(audit.actor_id, ids.supervisor);
  assert.match(JSON.stringify(audit), /callback_auto_close/);

  const t = await completed('关闭开关后满意');
  const k = await callback(t, 'satisfied');
  assert.equal(k.state, 'called_back', 'today\'s behaviour: 已回访, closed by hand');
  assert.equal(k.closed_at, null);
  assert.ok(idsOf(await all(agent, 'mine=1')).includes(t.id));
  assert.equal((await act(agent, t.id, 'close', { note: '归档' })).state, 'closed');
  assert.equal((await callback(await completed('关闭开关后不满意'), 'unsatisfied')).state, 'pending_dispatch');

  assertOk(await put(supervisor, { enabled: true }));
  assert.equal((await callback(await completed('再打开'), 'satisfied')).state, 'closed');
});
