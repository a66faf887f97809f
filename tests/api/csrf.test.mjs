// CSRF on every write route of every registered module (issue 19): a cookie-authenticated
// POST/PUT/PATCH/DELETE without the X-CSRF-Token header, or with a wrong one, answers 403
// `csrf_failed` and changes nothing; the same requests with an API token (Bearer) need no token
// at all (server.c check_access checks the header for cookie sessions only). The requests are
// the modules' samples (tests/api/<module>/requests.json), so a new module's writes are covered
// as soon as it has its samples.
//
// "Changes nothing": GET /api/v1/_test/digest before and after, when the server has that route,
// and always the newest audit row (every write of the system audits) and the record the write
// is about (the longest GET route that is a prefix of the write's path: the ticket of an
// action, the list of a create) read before and after must be the same.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './lib/harness.mjs';
import { registry, newEnv, resolve, send, build, routeOf, roleUsers, ok2xx, expectOf, samplesOn, meOf }
  from './lib/matrix.mjs';

let srv, admin, reg, samples, env, roles;
before(async () => {
  srv = await startServer();
  ({ admin, reg, samples } = await samplesOn(srv.url));
  const users = await roleUsers(srv.url, admin, reg.roles, 1, 'a');
  roles = meOf(users);
  env = newEnv({ project: 1, tag: 'a', roleUsers: roles, me: admin.me });
  assert.deepEqual(await build(samples, admin, env), [], 'the samples build as the admin');
});
after(async () => { await srv?.stop(); });

const writes = () => samples.routes.filter((r) => r.method !== 'GET');

/** What must not change: the digest when there is one, the newest audit row and the write's record. */
async function snapshot(req) {
  const digest = reg.items.some((r) => r.path === '/api/v1/_test/digest') ? (await admin.get('/api/v1/_test/digest')).text : null;
  const audit = (await admin.get('/api/v1/audit?per_page=1')).json.items[0]?.id;
  const [p, q] = req.url.split('?');
  const parts = p.split('/');
  let record = '';
  for (let n = parts.length; n > 3; n--) {
    const prefix = parts.slice(0, n).join('/');
    if (routeOf(samples.routes, 'GET', prefix)) {
      const res = await admin.get(prefix + (q ? `?${q}` : ''));
      record = `${prefix} ${res.status} ${res.text}`;
      break;
    }
  }
  return JSON.stringify({ digest, audit, record });
}

test('every write route but the login needs the CSRF token: the registry says so', () => {
  const unchecked = writes().filter((r) => !r.csrf).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(unchecked, ['POST /api/v1/session'], 'only the login (public) is exempt');
  assert.ok(writes().length >= 40, `${writes().length} write routes`);
});

test('cookie writes without X-CSRF-Token, or with a wrong one, answer 403 csrf_failed and change nothing', async () => {
  const done = new Set(), out = [];
  let calls = 0;
  for (const step of samples.steps) {
    if (step.method === 'GET' || !step.route.csrf || done.has(step.route)) continue;
    done.add(step.route);
    const req = resolve(step, env);
    for (const [what, csrf] of [['no token', false], ['a wrong token', 'x'.repeat(64)]]) {
      // a step on a session of its own (logout) gets one here, to see that it survives
      let c = admin;
      if (step.session === 'new') { c = new Client(srv.url); await c.login('admin', 'demo1234'); }
      const before = await snapshot(req);
      const res = await send(c, { ...step, session: undefined }, req, { csrf });
      calls++;
      const after = await snapshot(req);
      if (res.status !== 403 || res.json?.error?.code !== 'csrf_failed')
        out.push(`${step.route.method} ${step.route.path} with ${what} → ${res.status} ${res.text.slice(0, 160)}`);
      if (after !== before) out.push(`${step.route.method} ${step.route.path} with ${what}: something changed`);
      if (c !== admin && (await c.get('/api/v1/me')).status !== 200) out.push(`${step.route.path} with ${what}: the session ended`);
    }
  }
  const missing = writes().filter((r) => r.csrf && !done.has(r)).map((r) => `${r.method} ${r.path}`);
  console.log(`csrf: ${done.size} write routes × 2 (no token, a wrong one) = ${calls} calls, ${out.length} failures`);
  assert.deepEqual(missing, [], 'every checked write route has a sample');
  assert.deepEqual(out, []);
  assert.ok(done.size >= 40, `${done.size} routes`);
  // the check sees a change: a ticket registered with the token moves the snapshot
  const step = samples.steps.find((s) => s.main && s.path === '/api/v1/tickets');
  const req = resolve(step, env), was = await snapshot(req);
  const res = await send(admin, step, req);
  assert.equal(res.status, 201, res.text);
  assert.notEqual(await snapshot(req), was, 'the snapshot shows the write');
});

test('with an API token (Bearer) every sample answers as through a session, without a CSRF token, even with a wrong one sent', async () => {
  const t = await admin.post('/api/v1/tokens', { name: 'CSRF 矩阵' });
  assert.equal(t.status, 201, t.text);
  const bearer = new Client(srv.url);
  bearer.token = t.json.token;
  bearer.me = admin.me;
  // every step through the token, answering its `expect` — or its `token` status, where only a
  // signed-in session may (a new token, a password change); what the token may not do is then
  // done through the admin's session, so the next steps find it
  const benv = newEnv({ project: 1, tag: 'a', roleUsers: roles, me: admin.me });
  const problems = [];
  for (const step of samples.steps) {
    const req = resolve(step, benv);
    const res = await send(bearer, step, req, { headers: { 'X-CSRF-Token': 'wrong' } });
    const want = step.token ?? expectOf(step);
    if (res.status !== want) problems.push(`${step.id} through the token: ${res.status} (expected ${want}) ${res.text.slice(0, 160)}`);
    let got = ok2xx(res.status) ? res : null;
    if (!got && !step.session && ok2xx(expectOf(step))) {
      const ra = await send(admin, step, req);
      if (ra.status === expectOf(step)) got = ra; else problems.push(`${step.id} through the session: ${ra.status}`);
    }
    if (got && step.save) benv.saved[step.save] = got.json;
  }
  assert.deepEqual(problems, [], 'every step answers as its requests.json says');
  assert.ok(samples.steps.filter((s) => s.token).length >= 2, 'the steps only a session may do say so');
  const writeSteps = samples.steps.filter((s) => s.method !== 'GET' && s.session !== 'none');
  assert.ok(new Set(writeSteps.map((s) => s.route)).size >= 40);
  // and the same token without a cookie is refused once revoked: the bearer path is the token's
  assert.equal((await admin.del(`/api/v1/tokens/${t.json.id}`)).status, 204);
  assert.equal((await bearer.get('/api/v1/me')).status, 401);
  assert.ok(ok2xx((await admin.get('/api/v1/me')).status));
});
