// session.test.mjs — health, login/logout, cookies, CSRF, login throttling.
// Throttling tests run last: the per-address one blocks every login from 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, client, loginAs, assertError, assertOk, assertSecurityHeaders,
  findUser, DB_KIND, DEMO_PASSWORD, uniqueName,
} from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('health answers without login', async () => {
  const res = await client(srv.url).get('/api/v1/health');
  const j = assertOk(res);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.equal(j.status, 'ok');
  if (DB_KIND === 'sqlite') assert.equal(j.db, 'sqlite');
  else assert.match(j.db, /^postgres/);
  assert.equal(typeof j.version, 'string');
  assert.match(j.version, /^\d+\.\d+\.\d+/);
  assert.ok(Number.isInteger(j.schema) && j.schema >= 1, `schema ${j.schema}`);
  assertSecurityHeaders(res.headers, 'health');
});

test('login sets an HttpOnly SameSite=Strict session cookie and returns user + csrf_token', async () => {
  const c = client(srv.url);
  const res = await c.post('/api/v1/session', { username: 'agent', password: DEMO_PASSWORD });
  const j = assertOk(res);
  const cookies = res.headers.getSetCookie();
  const sc = cookies.find((x) => x.startsWith('kefu_session='));
  assert.ok(sc, `Set-Cookie kefu_session (${cookies})`);
  assert.match(sc, /^kefu_session=[^;]{16,}/, 'cookie has a non-trivial value');
  assert.match(sc, /;\s*HttpOnly/i);
  assert.match(sc, /;\s*SameSite=Strict/i);
  assert.match(sc, /;\s*Path=\//i);
  assert.doesNotMatch(sc, /;\s*Secure/i, 'no Secure flag without --secure-cookie');
  assert.equal(typeof j.csrf_token, 'string');
  assert.ok(j.csrf_token.length >= 16, 'csrf token is long enough');
  assert.equal(j.user.username, 'agent');
  assert.equal(j.user.display_name, '李静');
  assert.equal(j.user.is_admin, false);
  assert.equal(j.user.disabled, false);
  assert.ok(Number.isInteger(j.user.id));
  assert.ok(!('password' in j.user) && !('password_hash' in j.user), 'no password material in user');
  // the cookie authenticates
  const me = await c.get('/api/v1/me');
  assert.equal(assertOk(me).user.username, 'agent');
});

test('login with Content-Type application/json; charset=utf-8 works', async () => {
  const c = client(srv.url);
  const res = await c.request('POST', '/api/v1/session', undefined, {
    raw: JSON.stringify({ username: 'agent', password: DEMO_PASSWORD }),
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
  assertOk(res);
});

test('two logins give two distinct sessions and csrf tokens', async () => {
  const a = await loginAs(srv.url, 'agent');
  const b = await loginAs(srv.url, 'agent');
  assert.notEqual(a.jar.get('kefu_session'), b.jar.get('kefu_session'));
  assert.notEqual(a.csrf, b.csrf);
});

test('without a session protected routes answer 401 unauthenticated', async () => {
  const c = client(srv.url);
  assertError(await c.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(await c.get('/api/v1/users'), 401, 'unauthenticated');
  // a made-up cookie is no session either
  c.jar.set('kefu_session', 'not-a-real-session-token-0123456789');
  assertError(await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('wrong password → 401 invalid_credentials with a Chinese message; no cookie', async () => {
  const c = client(srv.url);
  const res = await c.post('/api/v1/session', { username: 'agent', password: 'wrong-password-1' });
  assertError(res, 401, 'invalid_credentials');
  assert.ok(!res.headers.getSetCookie().some((x) => /^kefu_session=[^;]+/.test(x) && !/max-age=0/i.test(x)),
    'no session cookie on failure');
  assertError(await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('unknown user name → 401 invalid_credentials (same as a wrong password)', async () => {
  const res = await client(srv.url).post('/api/v1/session', { username: 'nosuchuser', password: 'whatever1' });
  assertError(res, 401, 'invalid_credentials');
});

test('login without username/password fields → 422 validation_failed, no CSRF needed', async () => {
  const c = client(srv.url);
  const res = await c.post('/api/v1/session', { username: 'agent' });
  assertError(res, 422, 'validation_failed', 'password');
});

test('logout → 204, the cookie no longer works', async () => {
  const c = await loginAs(srv.url, 'agent');
  const old = c.clone();
  const res = await c.del('/api/v1/session');
  assert.equal(res.status, 204, res.text);
  assert.equal(res.text, '');
  // the old cookie, sent again as is, is refused
  assertError(await old.get('/api/v1/me'), 401, 'unauthenticated');
  // the logged out client too
  assertError(await c.get('/api/v1/me'), 401, 'unauthenticated');
});

test('logout of one session leaves the other sessions of the user alive', async () => {
  const a = await loginAs(srv.url, 'supervisor');
  const b = await loginAs(srv.url, 'supervisor');
  assert.equal((await a.del('/api/v1/session')).status, 204);
  assertOk(await b.get('/api/v1/me'));
});

test('CSRF: cookie POST/PATCH/DELETE without X-CSRF-Token → 403 csrf_failed and nothing changes', async () => {
  const admin = await loginAs(srv.url, 'admin');
  const agent = await findUser(admin, 'agent');
  const before = await admin.get('/api/v1/users?per_page=1');

  assertError(await admin.post('/api/v1/users',
    { username: 'csrfvictim', display_name: '不应创建', roles: [{ project_id: 1, role: 'agent' }] },
    { csrf: false }), 403, 'csrf_failed');
  assertError(await admin.patch(`/api/v1/users/${agent.id}`,
    { version: agent.version, display_name: '被篡改' }, { csrf: false }), 403, 'csrf_failed');
  assertError(await admin.post(`/api/v1/users/${agent.id}/actions/disable`, {}, { csrf: false }), 403, 'csrf_failed');
  assertError(await admin.del('/api/v1/session', undefined, { csrf: false }), 403, 'csrf_failed');

  const after = await admin.get('/api/v1/users?per_page=1');
  assert.equal(after.json.total, before.json.total, 'no user created');
  const agentAfter = await admin.get(`/api/v1/users/${agent.id}`);
  assert.equal(agentAfter.json.display_name, '李静');
  assert.equal(agentAfter.json.version, agent.version);
  assert.equal(agentAfter.json.disabled, false);
  // the session survived the refused logout
  assertOk(await admin.get('/api/v1/me'));
});

test('CSRF: a wrong or another session\'s token → 403 csrf_failed', async () => {
  const admin = await loginAs(srv.url, 'admin');
  const other = await loginAs(srv.url, 'admin');
  const agent = await findUser(admin, 'agent');
  assertError(await admin.patch(`/api/v1/users/${agent.id}`,
    { version: agent.version, display_name: '被篡改' }, { csrf: 'x'.repeat(43) }), 403, 'csrf_failed');
  assertError(await admin.patch(`/api/v1/users/${agent.id}`,
    { version: agent.version, display_name: '被篡改' }, { csrf: other.csrf }), 403, 'csrf_failed');
  assertError(await admin.post('/api/v1/users',
    { username: 'csrfvictim2', display_name: '不应创建', roles: [{ project_id: 1, role: 'agent' }] },
    { csrf: false, headers: { 'X-CSRF-Token': '' } }), 403, 'csrf_failed');
  const a = await admin.get(`/api/v1/users/${agent.id}`);
  assert.equal(a.json.display_name, '李静');
  assert.equal(a.json.version, agent.version);
});

test('CSRF: the token from GET /me works for writes; GET needs no token', async () => {
  const c = await loginAs(srv.url, 'admin');
  const me = assertOk(await c.get('/api/v1/me', { csrf: false }));
  assert.equal(typeof me.csrf_token, 'string');
  c.csrf = me.csrf_token;
  const agent = await findUser(c, 'agent');
  const res = await c.patch(`/api/v1/users/${agent.id}`, { version: agent.version, display_name: '李静' });
  assertOk(res);
});

let heldAdmin = null;

test('per-account throttling: 5 wrong passwords → 429 too_many_attempts with Retry-After, even with the right password', async () => {
  const c = client(srv.url);
  for (let i = 1; i <= 5; i++) {
    const res = await c.post('/api/v1/session', { username: 'steward', password: `wrong-${i}-x` });
    assertError(res, 401, 'invalid_credentials');
  }
  const res6 = await c.post('/api/v1/session', { username: 'steward', password: 'wrong-6-x' });
  assertError(res6, 429, 'too_many_attempts');
  const ra = res6.headers.get('retry-after');
  assert.match(ra || '', /^\d+$/, `Retry-After header in seconds (${ra})`);
  assert.ok(Number(ra) > 0 && Number(ra) <= 15 * 60, `Retry-After ${ra} within 15 minutes`);
  assert.ok(Number.isInteger(res6.json.error.retry_after), 'error.retry_after is an integer');
  assert.ok(res6.json.error.retry_after > 0 && res6.json.error.retry_after <= 900);

  const right = await c.post('/api/v1/session', { username: 'steward', password: DEMO_PASSWORD });
  assertError(right, 429, 'too_many_attempts');
  assert.match(right.headers.get('retry-after') || '', /^\d+$/);
  assert.equal(right.headers.getSetCookie().filter((x) => /^kefu_session=[^;]+/.test(x)).length, 0, 'no cookie while throttled');

  // another account from the same address is not affected
  assertOk(await client(srv.url).post('/api/v1/session', { username: 'technician', password: DEMO_PASSWORD }));
});

// Issue 19, defect 2: the address throttle slows guessing but does not lock out an office that
// shares one address; the account throttle grows with each failure; every lock is audited.
test('per-address throttling: 20 failures with made-up names slow that address, not the accounts that sign in from it', async () => {
  heldAdmin = await loginAs(srv.url, 'admin');
  assertOk(await client(srv.url).post('/api/v1/session', { username: 'technician', password: DEMO_PASSWORD }));
  // earlier tests in this file failed a few times from this address too: guess until slowed
  let slowed = null, n = 0;
  for (; n < 21 && !slowed; n++) {
    const res = await client(srv.url).post('/api/v1/session',
      { username: `ghost${String(n).padStart(2, '0')}`, password: 'nope-nope-1' });
    if (res.status === 429) slowed = res; else assertError(res, 401, 'invalid_credentials');
  }
  assert.ok(slowed && n > 1, `the address is slowed after at most 20 failures (${n} guesses)`);
  // the first address wait is 5 s (then 10, 20 … at most 5 minutes)
  assertError(slowed, 429, 'too_many_attempts');
  const ra = Number(slowed.headers.get('retry-after'));
  assert.ok(ra > 0 && ra <= 5, `the first address wait is seconds, not 15 minutes (${ra})`);
  assert.match(slowed.json.error.message, /秒后再试/);
  // the right password of accounts that signed in from here before is not refused
  assertOk(await client(srv.url).post('/api/v1/session', { username: 'admin', password: DEMO_PASSWORD }));
  assertOk(await client(srv.url).post('/api/v1/session', { username: 'technician', password: DEMO_PASSWORD }));
  // a forged X-Forwarded-For without --trust-proxy changes nothing
  const forged = await client(srv.url).post('/api/v1/session', { username: 'ghost99', password: 'nope-nope-1' },
    { headers: { 'X-Forwarded-For': '10.9.8.7', 'X-Real-IP': '10.9.8.7' } });
  assertError(forged, 429, 'too_many_attempts');
  // the lock was audited: scope address, from this address
  const rows = assertOk(await heldAdmin.get('/api/v1/audit?action=login_locked&per_page=50')).items;
  const addr = rows.filter((r) => r.changes.scope === 'address');
  assert.ok(addr.length >= 1, `an audit row for the address lock: ${JSON.stringify(rows.slice(0, 2))}`);
  assert.equal(addr.at(-1).changes.ip, '127.0.0.1');
  assert.equal(addr.at(-1).changes.failures, 20);
  assert.equal(addr.at(-1).changes.lock_seconds, 5);
});

test('after the address wait, a guess is checked again and each further failure doubles the wait', async () => {
  assertOk(await heldAdmin.post('/api/v1/_test/clock', { advance_seconds: 6 }));
  // cashier has never signed in from here: subject to the address throttle, but only for seconds
  assertError(await client(srv.url).post('/api/v1/session', { username: 'ghost98', password: 'nope-nope-1' }), 401, 'invalid_credentials');
  const r = await client(srv.url).post('/api/v1/session', { username: 'cashier', password: DEMO_PASSWORD });
  assertError(r, 429, 'too_many_attempts');
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(ra > 5 && ra <= 10, `the wait doubled to 10 s (${ra})`);
  assertOk(await heldAdmin.post('/api/v1/_test/clock', { advance_seconds: 11 }));
  assertOk(await client(srv.url).post('/api/v1/session', { username: 'cashier', password: DEMO_PASSWORD }));
});

test('the account wait grows with each failure (1, 2, 4 … 15 minutes) and ends with the clock', async () => {
  // steward is locked since the per-account test: 5 failures → 1 minute
  assertError(await client(srv.url).post('/api/v1/session', { username: 'steward', password: DEMO_PASSWORD }), 429, 'too_many_attempts');
  assertOk(await heldAdmin.post('/api/v1/_test/clock', { advance_seconds: 61 }));
  assertError(await client(srv.url).post('/api/v1/session', { username: 'steward', password: 'wrong-7-x' }), 401, 'invalid_credentials');
  const r = await client(srv.url).post('/api/v1/session', { username: 'steward', password: DEMO_PASSWORD });
  assertError(r, 429, 'too_many_attempts');
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(ra > 60 && ra <= 120, `the sixth failure locks for 2 minutes (${ra})`);
  assert.match(r.json.error.message, /该账号.*分钟后再试/);
  assertOk(await heldAdmin.post('/api/v1/_test/clock', { advance_seconds: 121 }));
  assertOk(await client(srv.url).post('/api/v1/session', { username: 'steward', password: DEMO_PASSWORD }));
  // the success cleared the account's failures: one more wrong password is an ordinary failure
  assertError(await client(srv.url).post('/api/v1/session', { username: 'steward', password: 'wrong-8-x' }), 401, 'invalid_credentials');
  assertOk(await client(srv.url).post('/api/v1/session', { username: 'steward', password: DEMO_PASSWORD }));
  const rows = assertOk(await heldAdmin.get('/api/v1/audit?action=login_locked&per_page=100')).items;
  const locks = rows.filter((x) => x.changes.scope === 'account' && x.changes.username === 'steward');
  assert.deepEqual(locks.map((x) => x.changes.lock_seconds).sort((a, b) => a - b), [60, 120], 'each account lock left an audit row');
});

test('--secure-cookie adds Secure to the session cookie', async () => {
  const s2 = await startServer({ args: ['--secure-cookie'] });
  try {
    const res = await client(s2.url).post('/api/v1/session', { username: 'agent', password: DEMO_PASSWORD });
    assertOk(res);
    const sc = res.headers.getSetCookie().find((x) => x.startsWith('kefu_session='));
    assert.ok(sc);
    assert.match(sc, /;\s*Secure/i);
    assert.match(sc, /;\s*HttpOnly/i);
    assert.match(sc, /;\s*SameSite=Strict/i);
  } finally {
    await s2.stop();
  }
});

// A failed login must cost the same whether the user name exists or not: without a stand-in
// password check, a name that does not exist was refused in ~1 ms and one that does in ~80 ms
// (argon2id), which tells anyone which names exist. Real password hashing for this server.
test('a failed login takes as long for a user name that does not exist as for one that does', { timeout: 120000 }, async () => {
  const real = await startServer({ env: { KEFU_PWHASH: 'interactive' } });
  try {
    const anon = client(real.url);
    const time = async (username) => {
      const t0 = process.hrtime.bigint();
      const res = await anon.post('/api/v1/session', { username, password: 'wrong-password-1' });
      assert.equal(res.status, 401, `${username}: ${res.text}`);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    await time(uniqueName('warm'));   // the stand-in hash is made on first use
    // users whose passwords this server hashed (the demo's may come from a fast-hash template)
    const adm = await loginAs(real.url, 'admin');
    const names = [];
    for (let i = 0; i < 4; i++) {
      const name = uniqueName('timing');
      assertOk(await adm.post('/api/v1/users', { username: name, display_name: '计时测试', password: 'Timing-pass-2026',
        roles: [{ project_id: 1, role: 'agent' }] }), 201);
      names.push(name);
    }
    const known = [], unknown = [];
    for (const u of names) {
      known.push(await time(u));
      unknown.push(await time(uniqueName('nobody')));
    }
    const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    assert.ok(med(known) > 20, `real hashing in this server (known ${med(known).toFixed(1)} ms)`);
    assert.ok(med(unknown) > med(known) * 0.6,
      `unknown ${unknown.map((x) => x.toFixed(1))} ms against known ${known.map((x) => x.toFixed(1))} ms`);
  } finally { await real.stop(); }
});

// Behind a proxy the client may send any X-Forwarded-For; the proxy appends the address it saw.
// Taking the leftmost entry let a client pick its own address (and escape the per-address
// throttle by rotating it); the rightmost is the trusted proxy's word.
test('--trust-proxy takes the rightmost X-Forwarded-For address, the one the proxy appended', async () => {
  const s2 = await startServer({ args: ['--trust-proxy'] });
  try {
    const login = async (xff) => assertOk(await client(s2.url).post('/api/v1/session',
      { username: 'agent', password: DEMO_PASSWORD }, { headers: { 'X-Forwarded-For': xff } }));
    await login('6.6.6.6, 10.1.2.3');
    await login('10.4.5.6');
    await login('7.7.7.7,   10.7.8.9');
    const adm = await loginAs(s2.url, 'admin');
    const agent = await findUser(adm, 'agent');
    const rows = assertOk(await adm.get(`/api/v1/audit?entity=user&action=login&id=${agent.id}`)).items;
    assert.deepEqual(rows.slice(0, 3).map((r) => r.ip), ['10.7.8.9', '10.4.5.6', '10.1.2.3']);
  } finally { await s2.stop(); }
});
