// tickets_review.test.mjs — the weekly review of called-back repair orders (docs/api.md "Weekly
// callback review", SPEC R6): the desk submits last week's list, the manager returns or approves
// it; refusals change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, assertError, assertOk } from '../lib/harness.mjs';

let srv, agent, technician, manager, unitId, techId;
const clock = async (now) => assertOk(await client(srv.url).post('/api/v1/_test/clock', { now }));
async function loginAll() {
  [agent, technician, manager] = [client(srv.url), client(srv.url), client(srv.url)];
  for (const [c, u] of [[agent, 'agent'], [technician, 'technician'], [manager, 'manager']]) {
    assert.equal((await c.login(u, 'demo1234')).status, 200);
  }
}

async function calledBack(content, satisfaction) {
  const t = assertOk(await agent.post('/api/v1/tickets', { kind: 'home_repair', channel: 'phone', unit_id: unitId, content, category: 'water' }), 201);
  assertOk(await agent.post(`/api/v1/tickets/${t.id}/actions/dispatch`, { technician_id: techId }));
  assertOk(await technician.post(`/api/v1/tickets/${t.id}/actions/start`, {}));
  assertOk(await technician.post(`/api/v1/tickets/${t.id}/actions/complete`, { work_done: '已修复', confirm_code: '1234' }));
  assertOk(await agent.post(`/api/v1/tickets/${t.id}/actions/callback`, { method: 'phone', satisfaction, result: '已回访' }));
  return t;
}

before(async () => {
  srv = await startServer();
  await clock('2026-11-18T10:00:00+08:00');          // a Wednesday
  await loginAll();
  unitId = assertOk(await agent.get('/api/v1/lookup?q=3-2-1502')).units[0].id;
  techId = assertOk(await technician.get('/api/v1/me')).user.id;
});
after(() => srv?.stop());

test('the desk submits last week; the manager returns it, the desk submits again, the manager approves', async () => {
  const a = await calledBack('厨房水龙头漏水', 'satisfied');
  const b = await calledBack('卫生间地漏堵塞', 'unsatisfied');
  await clock('2026-11-24T09:00:00+08:00');          // the Tuesday after
  await loginAll();
  const late = await calledBack('阳台水管渗水', 'satisfied');   // called back this week: not in last week's list

  const r = assertOk(await agent.post('/api/v1/callback-reviews', { project_id: 1, week: '2026-11-16', note: '上周回访汇总' }), 201);
  assert.equal(r.state, 'submitted');
  assert.equal(r.state_label, '待审批');
  assert.equal(r.week_to, '2026-11-22');
  assert.deepEqual([r.tickets, r.unsatisfied], [2, 1]);
  assert.deepEqual(r.items.map((i) => i.number).sort(), [a.number, b.number].sort());
  assert.ok(!r.items.some((i) => i.number === late.number));
  assert.deepEqual(r.allowed_actions, [], 'the agent may not approve');
  assert.equal(r.events[0].action_label, '提交');

  // refusals, nothing changed
  assertError(await agent.post('/api/v1/callback-reviews', { project_id: 1, week: '2026-11-16' }), 409, 'duplicate');
  const bad = await agent.post('/api/v1/callback-reviews', { project_id: 1, week: '2026-11-17' });
  assertError(bad, 422, 'validation_failed');
  assert.equal(bad.json.error.field, 'week');
  assertError(await agent.post('/api/v1/callback-reviews', { project_id: 1, week: '2026-11-23' }), 422, 'validation_failed');
  assertError(await agent.post(`/api/v1/callback-reviews/${r.id}/actions/approve`, {}), 403, 'forbidden');
  assertError(await technician.post('/api/v1/callback-reviews', { project_id: 1, week: '2026-11-09' }), 403, 'forbidden');
  const noReason = await manager.post(`/api/v1/callback-reviews/${r.id}/actions/return`, {});
  assertError(noReason, 422, 'validation_failed');
  assert.equal(noReason.json.error.field, 'reason');
  assertError(await manager.post(`/api/v1/callback-reviews/${r.id}/actions/explode`, {}), 404, 'not_found');
  assert.equal(assertOk(await manager.get(`/api/v1/callback-reviews/${r.id}`)).version, r.version);

  const m = assertOk(await manager.get(`/api/v1/callback-reviews/${r.id}`));
  assert.deepEqual(m.allowed_actions.map((x) => x.action), ['approve', 'return']);
  const ret = assertOk(await manager.post(`/api/v1/callback-reviews/${r.id}/actions/return`, { reason: '不满意的单请写明原因' }));
  assert.equal(ret.state, 'returned');
  const again = assertOk(await agent.post(`/api/v1/callback-reviews/${r.id}/actions/resubmit`, { note: '已补充' }));
  assert.equal(again.state, 'submitted');
  assert.equal(again.tickets, 2);
  assertError(await manager.post(`/api/v1/callback-reviews/${r.id}/actions/approve`, { version: ret.version }), 409, 'conflict');
  const ok = assertOk(await manager.post(`/api/v1/callback-reviews/${r.id}/actions/approve`, { note: '同意', version: again.version }));
  assert.equal(ok.state_label, '已审批');
  assert.deepEqual(ok.events.map((e) => e.action), ['submit', 'return', 'resubmit', 'approve']);
  assert.equal(ok.events[3].actor_name, assertOk(await manager.get('/api/v1/me')).user.display_name);

  const list = assertOk(await manager.get('/api/v1/callback-reviews?state=approved'));
  assert.deepEqual(list.items.map((x) => x.id), [r.id]);
  assertError(await manager.get('/api/v1/callback-reviews?state=bogus'), 400, 'bad_request');
  const csv = await fetch(`${srv.url}/api/v1/callback-reviews?format=csv`, { headers: { Cookie: manager.cookieHeader() } });
  assert.equal(csv.status, 200);
  const text = await csv.text();
  assert.ok(text.includes('2026-11-16') && text.includes('已审批') && text.includes('回访单数'), text);
});
