// read_errors.test.mjs — no read error is swallowed (as SQLite's own tests inject faults): a
// test server (--test-clock) honours `X-Kefu-Fault: N busy|io [SQL text]`, which makes the N-th
// database step of a read request's handler fail (only steps of statements holding the text,
// when one is given). For record pages and lists every position is failed in turn, from the
// first step until the request no longer reaches the N-th: each answer must be a clean error
// envelope (503 busy / 500 io, Chinese message), never a 200 with half a body or a 404, and the
// server must not have had to catch an error its handler dropped (it logs "a failed read was not
// returned" when it does). The injection sits above the driver (src/db/db.c), so it runs on
// SQLite and on PostgreSQL alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, loginAs, assertError, assertOk } from './lib/harness.mjs';

let srv, admin;
const ids = {};
const DROPPED = 'a failed read was not returned';

before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
  const agent = await loginAs(srv.url, 'agent');
  const steward = assertOk(await (await loginAs(srv.url, 'steward')).get('/api/v1/me')).user.id;
  const unit = assertOk(await agent.get('/api/v1/units?q=3-2-1502')).items.find((x) => x.code === '3-2-1502');
  ids.unit = unit.id;
  const register = async (extra) => assertOk(await agent.post('/api/v1/tickets', {
    channel: 'phone', unit_id: unit.id, caller: '苏海燕', phone: '13812345678', content: '楼上装修噪音很大', ...extra,
  }), 201).id;
  // a few tickets, so that the lists have a page of each kind
  for (let i = 0; i < 3; i++) {
    ids.repair = await register({ kind: 'home_repair', category: 'water', content: `卫生间漏水 ${i}` });
    ids.complaint = await register({ kind: 'complaint', complaint_type: 'noise', severity: 'major', staff_ids: [steward] });
    await register({ kind: 'inquiry', content: `咨询 ${i}` });
  }
  const visits = assertOk(await admin.get('/api/v1/visits?state=done&per_page=1')).items;
  assert.ok(visits.length, 'demo data has a visit done');
  ids.visit = visits[0].id;
});

after(async () => { if (srv) await srv.stop(); });

const fault = (spec) => ({ headers: { 'X-Kefu-Fault': spec } });
const settle = () => new Promise((r) => setTimeout(r, 30));

/** One request with the n-th step failing; returns whether the fault fired. */
async function failAt(p, spec, kind) {
  const res = await admin.get(p, fault(spec));
  const fired = res.headers.get('x-kefu-fault');
  assert.ok(fired === 'fired' || fired === 'unfired', `${p} [${spec}]: X-Kefu-Fault answered (${fired})`);
  if (fired === 'unfired') {
    assert.equal(res.status, 200, `${p} [${spec}] did not reach the fault: a whole answer (${res.text.slice(0, 200)})`);
    return false;
  }
  assertError(res, kind === 'busy' ? 503 : 500, kind === 'busy' ? 'busy' : 'internal_error');
  assert.deepEqual(Object.keys(res.json), ['error'], `${p} [${spec}]: nothing but the error (${res.text.slice(0, 200)})`);
  return true;
}

/** Fails every step of p in turn (1st, 2nd, …) until the request runs without reaching it. */
async function sweep(p, kind = 'busy', match = '') {
  assertOk(await admin.get(p));
  let n = 1;
  const before = srv.stderr().length;
  while (await failAt(p, `${n} ${kind}${match ? ` ${match}` : ''}`, kind)) {
    n++;
    assert.ok(n < 5000, `${p}: the sweep ends`);
  }
  await settle();
  const log = srv.stderr().slice(before).split('\n').filter((l) => l.includes(DROPPED));
  assert.deepEqual(log, [], `${p}: every failed read reached the answer`);
  return n - 1;
}

test('a production server ignores the fault header', async () => {
  const prod = await startServer({ testClock: false });
  try {
    const c = await loginAs(prod.url, 'admin');
    const res = await c.get('/api/v1/units?per_page=5', fault('1 busy'));
    assert.equal(res.status, 200);
    assert.equal(res.json.items.length, 5);
    assert.equal(res.headers.get('x-kefu-fault'), null);
  } finally { await prod.stop(); }
});

for (const [name, path] of [
  ['a repair ticket page', () => `/api/v1/tickets/${ids.repair}`],
  ['a complaint page (its complaint section and staff)', () => `/api/v1/tickets/${ids.complaint}`],
  ['a unit page (owners, residents, vehicles, pets, status and audit history)', () => `/api/v1/units/${ids.unit}`],
  ['a visit page (requests, events)', () => `/api/v1/visits/${ids.visit}`],
]) {
  test(`${name}: every failed step answers 503 (busy) or 500 (io), never a 200`, async () => {
    const steps = await sweep(path(), 'busy');
    assert.ok(steps >= 4, `${path()}: ${steps} steps swept`);
    assert.equal(await sweep(path(), 'io'), steps, 'the same steps fail with an I/O error');
  });
}

test('inside a section: the history of a ticket, a unit, a visit', async () => {
  for (const [p, sql] of [
    [`/api/v1/tickets/${ids.complaint}`, 'FROM events e'],
    [`/api/v1/tickets/${ids.repair}`, 'FROM deadlines WHERE entity'],
    [`/api/v1/units/${ids.unit}`, 'FROM audit_log'],
    [`/api/v1/units/${ids.unit}`, 'FROM residents r JOIN people p ON p.id = r.person_id WHERE r.unit_id = ? ORDER BY'],
    [`/api/v1/visits/${ids.visit}`, 'FROM visit_requests r LEFT JOIN'],
  ]) {
    assert.ok(await failAt(p, `1 busy ${sql}`, 'busy'), `${p}: a step of "${sql}" ran`);
    assert.ok(await failAt(p, `1 io ${sql}`, 'io'));
  }
});

for (const p of [
  '/api/v1/tickets?per_page=20',
  '/api/v1/tickets?kind=complaint&per_page=10',
  '/api/v1/tickets?overdue=any&per_page=10',
  '/api/v1/units?per_page=20',
  '/api/v1/visits?per_page=20',
  '/api/v1/visit-plans?per_page=5',
]) {
  test(`list ${p}: a failed step at any row answers the error, not a short page`, async () => {
    const steps = await sweep(p, 'busy');
    assert.ok(steps >= 2, `${p}: ${steps} steps swept`);
  });
}

test('a list failing mid-page or in its count (io)', async () => {
  assert.ok(await failAt('/api/v1/tickets?per_page=20', '10 io', 'io'));
  assert.ok(await failAt('/api/v1/units?per_page=20', '1 io COUNT(*)', 'io'));
  assert.ok(await failAt('/api/v1/visits?per_page=20', '1 io COUNT(*)', 'io'));
});

test('exports of a failing list answer the error envelope, not a file', async () => {
  for (const p of ['/api/v1/tickets?format=csv', '/api/v1/units?format=xlsx', '/api/v1/visits?format=csv']) {
    const res = await admin.get(p, fault('3 busy'));
    assert.equal(res.headers.get('x-kefu-fault'), 'fired');
    assertError(res, 503, 'busy');
    assert.equal(res.headers.get('content-disposition'), null);
  }
});

test('the server never had to catch a read error a handler dropped', async () => {
  await settle();
  assert.deepEqual(srv.stderr().split('\n').filter((l) => l.includes(DROPPED)), []);
});

test('a healthy request after the faults answers as before', async () => {
  const t = assertOk(await admin.get(`/api/v1/tickets/${ids.complaint}`));
  assert.ok(t.events.length && t.complaint, 'the whole page');
  const c = client(srv.url);
  assertError(await c.get('/api/v1/tickets', fault('1 busy')), 401);
});
