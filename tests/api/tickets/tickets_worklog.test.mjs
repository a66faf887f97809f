// tickets_worklog.test.mjs — the daily personal work log (docs/api.md "Daily work log", SPEC B5):
// what one person did on one office day, from the tickets' events; one's own for everyone,
// anyone's for roles with users.read; exported like every list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, assertError, assertOk } from '../lib/harness.mjs';

let srv, agent, technician, supervisor, unitId, techId, agentId;

before(async () => {
  srv = await startServer();
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now: '2026-11-25T09:00:00+08:00' }));
  [agent, technician, supervisor] = [client(srv.url), client(srv.url), client(srv.url)];
  for (const [c, u] of [[agent, 'agent'], [technician, 'technician'], [supervisor, 'supervisor']]) {
    assert.equal((await c.login(u, 'demo1234')).status, 200);
  }
  unitId = assertOk(await agent.get('/api/v1/lookup?q=3-2-1502')).units[0].id;
  techId = assertOk(await technician.get('/api/v1/me')).user.id;
  agentId = assertOk(await agent.get('/api/v1/me')).user.id;
});
after(() => srv?.stop());

test('the agent\'s day: registrations and dispatches with their numbers, counted by action', async () => {
  const body = { kind: 'home_repair', channel: 'phone', unit_id: unitId, content: '厨房水管漏水', category: 'water' };
  const a = assertOk(await agent.post('/api/v1/tickets', body), 201);
  const b = assertOk(await agent.post('/api/v1/tickets', { ...body, content: '客厅灯不亮', category: 'electric' }), 201);
  assertOk(await agent.post('/api/v1/tickets', { kind: 'inquiry', channel: 'visit', content: '停车费标准', reply: '每月300元' }), 201);
  assertOk(await agent.post(`/api/v1/tickets/${a.id}/actions/dispatch`, { technician_id: techId }));
  assertOk(await technician.post(`/api/v1/tickets/${a.id}/actions/accept`, {}));

  const log = assertOk(await agent.get('/api/v1/worklog?date=2026-11-25'));
  assert.equal(log.user_id, agentId);
  assert.equal(log.user_name, '李静');
  assert.deepEqual(log.summary, { create: 3, dispatch: 1, close: 1 });
  const numbers = log.items.map((i) => i.number);
  assert.ok(numbers.includes(a.number) && numbers.includes(b.number));
  const d = log.items.find((i) => i.action === 'dispatch');
  assert.equal(d.action_label, '派工');
  assert.equal(d.place, '3-2-1502');
  assert.equal(d.content, '厨房水管漏水');
  // the technician's own log holds the acceptance, not the agent's work
  const tlog = assertOk(await technician.get('/api/v1/worklog?date=2026-11-25'));
  assert.deepEqual(tlog.summary, { accept: 1 });
  // another day is empty
  const other = assertOk(await agent.get('/api/v1/worklog?date=2026-11-24'));
  assert.deepEqual([other.items.length, other.summary], [0, {}]);
});

test('someone else\'s log: the supervisor may, the technician may not; bad dates are refused', async () => {
  const sup = assertOk(await supervisor.get(`/api/v1/worklog?date=2026-11-25&user_id=${agentId}`));
  assert.equal(sup.user_name, '李静');
  assert.ok(sup.items.length >= 5);
  assertError(await technician.get(`/api/v1/worklog?user_id=${agentId}`), 403, 'forbidden');
  assertError(await supervisor.get('/api/v1/worklog?user_id=999999'), 404, 'not_found');
  assertError(await agent.get('/api/v1/worklog?date=25.11.2026'), 400, 'bad_request');
});

test('a complaint naming the reader is left out of the logs they read, as out of their lists', async () => {
  const supId = assertOk(await supervisor.get('/api/v1/me')).user.id;
  const cp = assertOk(await agent.post('/api/v1/tickets', { kind: 'complaint', channel: 'phone', unit_id: unitId,
    content: '投诉主管态度差', complaint_type: 'service_attitude', staff_ids: [supId] }), 201);
  const open = assertOk(await agent.post('/api/v1/tickets', { kind: 'complaint', channel: 'phone', unit_id: unitId,
    content: '投诉噪音', complaint_type: 'noise' }), 201);
  // the agent's own log has both; the supervisor, named in one, reads the agent's log without it
  const mine = assertOk(await agent.get('/api/v1/worklog?date=2026-11-25')).items.map((i) => i.ticket_id);
  assert.ok(mine.includes(cp.id) && mine.includes(open.id));
  const res = await supervisor.get(`/api/v1/worklog?date=2026-11-25&user_id=${agentId}`);
  const seen = assertOk(res).items.map((i) => i.ticket_id);
  assert.ok(seen.includes(open.id), 'the other complaint is there');
  assert.ok(!seen.includes(cp.id) && !res.text.includes('投诉主管态度差') && !res.text.includes(cp.number), 'not the one naming them');
  assertError(await supervisor.get(`/api/v1/tickets/${cp.id}`), 404, 'not_found');
  const csv = await fetch(`${srv.url}/api/v1/worklog?date=2026-11-25&user_id=${agentId}&format=csv`,
    { headers: { Cookie: supervisor.cookieHeader() } });
  assert.ok(!(await csv.text()).includes('投诉主管态度差'), 'nor in its export');
});

test('someone else\'s log is of a person the reader may see: another office\'s user is not found', async () => {
  const agent2Id = assertOk(await (await (async () => { const c = client(srv.url); await c.login('agent2', 'demo1234'); return c; })()).get('/api/v1/me')).user.id;
  assertError(await supervisor.get(`/api/v1/worklog?user_id=${agent2Id}`), 404, 'not_found');
  assertError(await supervisor.get(`/api/v1/users/${agent2Id}`), 404, 'not_found');
  const admin = client(srv.url);
  assert.equal((await admin.login('admin', 'demo1234')).status, 200);
  assert.equal(assertOk(await admin.get(`/api/v1/worklog?user_id=${agent2Id}`)).user_name, '周婷', 'a company-wide holder of users.read may');
});

test('the log exports to Excel with Chinese headers', async () => {
  const res = await fetch(`${srv.url}/api/v1/worklog?date=2026-11-25&format=csv`, { headers: { Cookie: agent.cookieHeader() } });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.ok(text.includes('单号') && text.includes('操作') && text.includes('派工'), text.slice(0, 300));
});
