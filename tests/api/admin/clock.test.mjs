// clock.test.mjs — the test clock (`kefu serve --test-clock`): read, set, advance, validation,
// and its absence without the flag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, assertError, assertOk, createUser, uniqueName } from '../lib/harness.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer({ testClock: true });
  admin = await loginAs(srv.url, 'admin');
});
after(async () => { await srv?.stop(); });

const OFFSET_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/;
const near = (a, b, secs = 5) => Math.abs(Date.parse(a) - Date.parse(b)) <= secs * 1000;

async function now() {
  const j = assertOk(await admin.get('/api/v1/_test/clock'));
  assert.match(j.now, OFFSET_TIME, `now with the office offset: ${j.now}`);
  return j.now;
}

test('GET returns now, close to the real time before any change', async () => {
  const n = await now();
  assert.ok(Math.abs(Date.parse(n) - Date.now()) < 60 * 1000, `test clock starts near real time: ${n}`);
});

test('POST {now} sets the clock; GET shows it', async () => {
  const res = await admin.post('/api/v1/_test/clock', { now: '2026-11-25T09:00:00+08:00' });
  const j = assertOk(res);
  assert.match(j.now, OFFSET_TIME);
  assert.ok(near(j.now, '2026-11-25T09:00:00+08:00'), `answer now ${j.now}`);
  assert.ok(Number.isInteger(j.overdue_marked) && j.overdue_marked >= 0, `overdue_marked ${j.overdue_marked}`);
  const n = await now();
  assert.ok(near(n, '2026-11-25T09:00:00+08:00'), `GET now ${n}`);
  assert.ok(Date.parse(n) >= Date.parse('2026-11-25T09:00:00+08:00') - 1000, 'the clock does not run backwards');
  assert.ok(n.startsWith('2026-11-25T09:00:'), `shown in +08:00: ${n}`);
});

test('POST {now} in another offset is the same instant, shown in +08:00', async () => {
  const j = assertOk(await admin.post('/api/v1/_test/clock', { now: '2026-11-25T01:00:00Z' }));
  assert.ok(near(j.now, '2026-11-25T09:00:00+08:00'), `answer now ${j.now}`);
  assert.ok(j.now.startsWith('2026-11-25T09:00:'), j.now);
});

test('POST {advance_seconds} moves the clock forward', async () => {
  assertOk(await admin.post('/api/v1/_test/clock', { now: '2026-11-25T09:00:00+08:00' }));
  const before = await now();
  const j = assertOk(await admin.post('/api/v1/_test/clock', { advance_seconds: 3600 }));
  assert.ok(near(j.now, new Date(Date.parse(before) + 3600 * 1000).toISOString()), `${before} + 1h → ${j.now}`);
  assert.ok(Number.isInteger(j.overdue_marked));
  const n = await now();
  assert.ok(near(n, '2026-11-25T10:00:00+08:00'), `GET now ${n}`);
  // a whole day, across midnight
  const d = assertOk(await admin.post('/api/v1/_test/clock', { advance_seconds: 86400 }));
  assert.ok(d.now.startsWith('2026-11-26T10:00:'), d.now);
});

test('records use the test clock', async () => {
  assertOk(await admin.post('/api/v1/_test/clock', { now: '2026-11-25T09:00:00+08:00' }));
  const u = await createUser(admin, { username: uniqueName('clk'), display_name: '时钟' });
  assert.ok(near(u.created_at, '2026-11-25T09:00:00+08:00', 30), `created_at ${u.created_at}`);
  assert.match(u.created_at, OFFSET_TIME);
  const a = assertOk(await admin.get(`/api/v1/audit?entity=user&id=${u.id}`));
  assert.ok(near(a.items[0].at, '2026-11-25T09:00:00+08:00', 30), `audit at ${a.items[0].at}`);
});

test('bad values → 422 and the clock does not move', async () => {
  assertOk(await admin.post('/api/v1/_test/clock', { now: '2026-11-25T09:00:00+08:00' }));
  const bad = [
    [{ now: 'garbage' }, 'validation_failed', 'now'],
    [{ now: '2026-13-45T99:00:00+08:00' }, 'validation_failed', 'now'],
    [{ now: 1764032400 }, 'validation_failed', 'now'],
    [{ now: '' }, 'validation_failed', 'now'],
    [{ now: null }, 'validation_failed', 'now'],
    [{ advance_seconds: 'x' }, 'validation_failed', 'advance_seconds'],
    [{ advance_seconds: '3600' }, 'validation_failed', 'advance_seconds'],
    [{ advance_seconds: 1.5 }, 'validation_failed', 'advance_seconds'],
    [{ advance_seconds: true }, 'validation_failed', 'advance_seconds'],
    [{ advance_seconds: 1e30 }, 'validation_failed', 'advance_seconds'],
    [{ speed: 2 }, 'unknown_field', 'speed'],
  ];
  for (const [body, code, field] of bad) {
    assertError(await admin.post('/api/v1/_test/clock', body), 422, code, field);
  }
  // neither field given
  assertError(await admin.post('/api/v1/_test/clock', {}), 422, 'validation_failed');
  const n = await now();
  assert.ok(near(n, '2026-11-25T09:00:00+08:00'), `unchanged: ${n}`);
});

test('malformed JSON to the clock → 400 bad_json', async () => {
  assertError(await admin.post('/api/v1/_test/clock', undefined, { raw: '{"now":' }), 400, 'bad_json');
});

test('a server started WITHOUT --test-clock answers 404 route_not_found', async () => {
  const plain = await startServer({ testClock: false });
  try {
    const c = await loginAs(plain.url, 'admin');
    assertError(await c.get('/api/v1/_test/clock'), 404, 'route_not_found');
    assertError(await c.post('/api/v1/_test/clock', { now: '2026-11-25T09:00:00+08:00' }), 404, 'route_not_found');
    assertError(await c.post('/api/v1/_test/clock', { advance_seconds: 3600 }), 404, 'route_not_found');
    // and its clock is the real one
    const u = await createUser(c, { username: uniqueName('real'), display_name: '真实时间' });
    assert.ok(Math.abs(Date.parse(u.created_at) - Date.now()) < 60 * 1000, `created_at ${u.created_at}`);
  } finally {
    await plain.stop();
  }
});
