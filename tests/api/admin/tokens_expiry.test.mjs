// tokens_expiry.test.mjs — an API token stops at its expiry (issue 19, defect 1), on a server
// with the test clock: a one-day token works for a day and answers 401 with a reason after it;
// the lists show it as expired.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, loginAs, assertError, assertOk } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer({ testClock: true }); });
after(async () => { await srv?.stop(); });

test('a one-day token works until its expiry and is refused after it', async () => {
  let c = await loginAs(srv.url, 'supervisor');
  const short = assertOk(await c.post('/api/v1/tokens', { name: '一天', expires_in_days: 1 }), 201);
  const long = assertOk(await c.post('/api/v1/tokens', { name: '默认' }), 201);
  const b = client(srv.url);
  b.token = short.token;
  assertOk(await b.get('/api/v1/me'));                     // now cached as a valid identity
  assertOk(await c.post('/api/v1/_test/clock', { advance_seconds: 86400 - 120 }));
  assertOk(await b.get('/api/v1/me'), 200, 'still valid two minutes before its expiry');
  assertOk(await c.post('/api/v1/_test/clock', { advance_seconds: 121 }));
  const r = await b.get('/api/v1/me');
  assertError(r, 401, 'unauthenticated');
  assert.match(r.json.error.message, /过期/);
  const lb = client(srv.url);
  lb.token = long.token;
  assertOk(await lb.get('/api/v1/me'), 200, 'the 90-day token still works');
  c = await loginAs(srv.url, 'supervisor');
  const items = assertOk(await c.get('/api/v1/tokens')).items;
  assert.equal(items.find((x) => x.id === short.id).status, 'expired');
  assert.equal(items.find((x) => x.id === short.id).status_label, '已过期');
  assert.equal(items.find((x) => x.id === long.id).status, 'active');
});
