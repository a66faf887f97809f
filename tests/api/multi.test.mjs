// Several `kefu serve` processes on one PostgreSQL (the path beyond one machine): sessions work
// on any of them, records written through one are read through the other, the deadline tick
// runs in exactly one and moves when that one dies, and two clients editing the same record at
// once through different servers get one success and one clean 409. PostgreSQL only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, client, loginAs, DB_KIND, assertOk, assertError } from './lib/harness.mjs';

const skip = DB_KIND !== 'postgres' && 'needs KEFU_TEST_PG (runs in the PostgreSQL pass of make test)';
let a, b;
before(async () => {
  if (skip) return;
  a = await startServer({ args: ['--tick-seconds', '1'] });
  b = await startServer({ db: a.db, skipDemo: true, args: ['--tick-seconds', '1'] });
});
after(async () => {
  if (skip) return;
  if (a && a.proc.exitCode === null && a.proc.signalCode === null) await a.stop();
  if (b && b.proc.exitCode === null && b.proc.signalCode === null) await b.stop();
});

const health = async (srv) => (await client(srv.url).get('/api/v1/health')).json;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('both report PostgreSQL', { skip }, async () => {
  assert.equal((await health(a)).db, 'postgres');
  assert.equal((await health(b)).db, 'postgres');
});

test('a session made on one server works on the other', { skip }, async () => {
  const onA = await loginAs(a.url, 'manager');
  const onB = onA.clone();
  onB.url = b.url;
  const me = assertOk(await onB.get('/api/v1/me'));
  assert.equal(me.user.username, 'manager');
  const p = assertOk(await onB.get('/api/v1/projects/1'));
  assertOk(await onB.patch('/api/v1/projects/1', { version: p.version, phone: '020-11112222' }));
  assertOk(await onA.del('/api/v1/session'), 204);
  await sleep(500);   // the other server notices the logout through the auth epoch
  assertError(await onB.get('/api/v1/me'), 401, 'unauthenticated');
});

test('records created through both are read through both', { skip }, async () => {
  const ca = await loginAs(a.url, 'admin');
  const cb = await loginAs(b.url, 'admin');
  const pa = assertOk(await ca.post('/api/v1/projects', { code: 'MA', name: '多实例甲管理处' }), 201);
  const pb = assertOk(await cb.post('/api/v1/projects', { code: 'MB', name: '多实例乙管理处' }), 201);
  assert.notEqual(pa.id, pb.id);
  for (const c of [ca, cb]) {
    const names = assertOk(await c.get('/api/v1/projects?per_page=200')).items.map((p) => p.name);
    assert.ok(names.includes('多实例甲管理处') && names.includes('多实例乙管理处'), names.join(','));
  }
  // the audit chain stays one chain across both writers
  const rows = assertOk(await ca.get('/api/v1/audit?entity=project&per_page=200')).items;
  assert.ok(rows.some((r) => r.entity_id === pa.id) && rows.some((r) => r.entity_id === pb.id));
});

test('a user disabled on one server is refused on the other at once', { skip }, async () => {
  const admin = await loginAs(a.url, 'admin');
  const u = assertOk(await admin.post('/api/v1/users', { username: 'multi1', display_name: '多实例', password: 'Multi2026x',
    roles: [{ project_id: 1, role: 'agent' }] }), 201);
  const s = await loginAs(b.url, 'multi1', 'Multi2026x');
  assertOk(await s.post('/api/v1/me/password', { old_password: 'Multi2026x', new_password: 'Multi2027y' }), 204);
  assertOk(await s.get('/api/v1/me'));
  assertOk(await admin.post(`/api/v1/users/${u.id}/actions/disable`, {}));
  await sleep(500);
  assertError(await s.get('/api/v1/me'), 401, 'unauthenticated');
});

test('two servers editing one record at once: one success, one clean 409, no lost update', { skip }, async () => {
  const ca = await loginAs(a.url, 'admin');
  const cb = await loginAs(b.url, 'admin');
  for (let round = 0; round < 10; round++) {
    const p = assertOk(await ca.get('/api/v1/projects/2'));
    const [ra, rb] = await Promise.all([
      ca.patch('/api/v1/projects/2', { version: p.version, address: `甲地址${round}` }),
      cb.patch('/api/v1/projects/2', { version: p.version, address: `乙地址${round}` }),
    ]);
    const statuses = [ra.status, rb.status].sort();
    assert.deepEqual(statuses, [200, 409], `round ${round}: ${ra.text} / ${rb.text}`);
    const winner = ra.status === 200 ? ra.json : rb.json;
    const loser = ra.status === 409 ? ra : rb;
    assertError(loser, 409, 'conflict');
    const now = assertOk(await cb.get('/api/v1/projects/2'));
    assert.equal(now.version, p.version + 1);
    assert.equal(now.address, winner.address);
  }
});

test('the deadline tick runs in exactly one server and moves when it dies', { skip }, async () => {
  await sleep(1500);
  const [ha, hb] = [await health(a), await health(b)];
  assert.equal([ha.tick_leader, hb.tick_leader].filter(Boolean).length, 1, JSON.stringify([ha, hb]));
  const [leader, other] = ha.tick_leader ? [a, b] : [b, a];
  leader.proc.kill('SIGKILL');
  await leader.exited;
  let moved = false;
  for (let i = 0; i < 40 && !moved; i++) {
    await sleep(250);
    moved = (await health(other)).tick_leader;
  }
  assert.ok(moved, 'the surviving server took over the tick');
});

test('a server whose database connections were cut reconnects (no 500, back within a few requests)', { skip }, async () => {
  const srv = await startServer();
  try {
    const c = await loginAs(srv.url, 'admin');
    assertOk(await c.get('/api/v1/projects'));
    const dbname = srv.db[1].match(/dbname=(\S+)/)[1];
    execFileSync('psql', [`${process.env.KEFU_TEST_PG} dbname=postgres`, '-qAt', '-c',
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbname}'`]);
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const r = await c.get('/api/v1/projects?page=' + (i + 1));
      statuses.push(r.status);
      assert.ok(r.status === 200 || r.status === 503, `request ${i}: ${r.status} ${r.text}\n${srv.stderr()}`);
    }
    assert.equal(statuses.at(-1), 200, statuses.join(','));
    const p = assertOk(await c.get('/api/v1/projects/1'));
    const w = await c.patch('/api/v1/projects/1', { version: p.version, phone: '020-99990000' });
    assert.equal(w.status, 200, `${w.text}\n${srv.stderr()}`);
  } finally { await srv.stop(); }
});

// The reads of all threads go to PostgreSQL in shared pipelined batches (postgres.c, "shared
// reads"): under load every answer must still be the one its own request asked for, and a
// write that answered is seen by the very next read.
test('concurrent reads share batches: each answer is its own request\'s; a write is read back at once', { skip }, async () => {
  // 900 requests at once from one address open hundreds of connections: a load generator, not a
  // client, so the cap per address (--max-conn-per-ip, default 100) is lifted for it
  const srv = await startServer({ args: ['--max-conn-per-ip', '0'] });
  try { await readsUnderLoad(srv); } finally { await srv.stop(); }
});

async function readsUnderLoad(srv) {
  const admin = await loginAs(srv.url, 'admin');
  const agent = await loginAs(srv.url, 'agent');
  const users = assertOk(await admin.get('/api/v1/users?per_page=20')).items;
  assert.ok(users.length >= 5);
  const jobs = [];
  for (let i = 0; i < 300; i++) {
    const u = users[i % users.length];
    const pid = 1 + (i % 2);
    jobs.push(admin.get(`/api/v1/users/${u.id}`).then((r) => assert.equal(assertOk(r).username, u.username)));
    jobs.push(admin.get(`/api/v1/projects/${pid}`).then((r) => assert.equal(assertOk(r).id, pid)));
    jobs.push(agent.get(`/api/v1/users/${u.id}`).then((r) => assert.equal(r.status, 403)));
  }
  await Promise.all(jobs);
  for (let i = 0; i < 20; i++) {
    const p = assertOk(await admin.get('/api/v1/projects/2'));
    const phone = `020-5555${String(1000 + i)}`;
    assertOk(await admin.patch('/api/v1/projects/2', { version: p.version, phone }));
    const reads = await Promise.all([1, 2, 3].map(() => admin.get('/api/v1/projects/2')));
    for (const r of reads) assert.equal(assertOk(r).phone, phone);
  }
}
