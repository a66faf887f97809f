// write_faults_all.test.mjs — every write route of every registered module, failed at each of
// its database steps in turn (issue 19, "must show 4"; SQLite's own way of testing): the
// modules' request samples (tests/api/<module>/requests.json) are replayed in order as the
// company admin, and before each write step is let through, it is sent again and again with its
// N-th database step failing (X-Kefu-Fault, busy and I/O by turns) for N = 1, 2, … until the
// fault no longer fires. Each faulted answer must be a clean 5xx in the error envelope with a
// Chinese message, and the database exactly as before (GET /api/v1/_test/digest: every table's
// rows and content hash); the first unfaulted run must answer what the sample expects, and the
// replay goes on from there. A new module's write routes are swept through its requests.json.
// (write_faults.test.mjs holds the hand-written cases: a fresh target per step, a fault inside a
// shared commit.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, hasCJK, Client } from './lib/harness.mjs';
import { newEnv, resolve, send, roleUsers, expectOf, samplesOn, meOf }
  from './lib/matrix.mjs';
import { digest, changedTables } from './lib/faults.mjs';

let srv, admin, reg, samples, env;

before(async () => {
  // no deadline tick: it writes on its own and would change the digest
  srv = await startServer({ args: ['--tick-seconds', '3600'] });
  ({ admin, reg, samples } = await samplesOn(srv.url));
  const users = await roleUsers(srv.url, admin, reg.roles, 1, 'f');
  env = newEnv({ project: 1, tag: 'f', roleUsers: meOf(users), me: admin.me });
});
after(async () => { await srv?.stop(); });

/** Who sends a step: the admin, or for a step that needs a session of its own (a logout), a new
 *  login made before the digest is taken, and kept through the faulted runs (they roll back). */
async function sender(step) {
  if (step.session !== 'new') return { c: admin, step };
  const c = new Client(srv.url);
  const r = await c.login('admin', 'demo1234');
  assert.equal(r.status, 200, `a session for ${step.id}: ${r.text}`);
  c.me = admin.me;
  return { c, step: { ...step, session: undefined } };
}

/** One write step failed at step n; answers whether the fault fired (and checks it if so). */
async function failAt({ c, step }, req, n, before) {
  const kind = n % 2 ? 'busy' : 'io';
  const res = await send(c, step, req, { headers: { 'X-Kefu-Fault': `${n} ${kind}` } });
  const what = `${step.id} [fault at step ${n}, ${kind}]`;
  const fired = res.headers.get('x-kefu-fault');
  if (fired !== 'fired') return { fired: false, res };
  assert.equal(res.status, kind === 'busy' ? 503 : 500, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
  assert.ok(res.json?.error?.code && hasCJK(res.json.error.message), `${what}: the error envelope in Chinese`);
  assert.deepEqual(Object.keys(res.json), ['error'], `${what}: nothing but the error`);
  const changed = changedTables(before, await digest(admin));
  assert.deepEqual(changed, [], `${what}: a failed request changed nothing (changed: ${changed.join(', ')})`);
  return { fired: true, res };
}

test('every write route, failed at each of its database steps, answers a clean 5xx and changes nothing', { timeout: 600000 }, async () => {
  let routes = 0, faults = 0;
  const swept = new Set();
  for (const step of samples.steps) {
    const req = resolve(step, env);
    if (step.method === 'GET') {
      const res = await send(admin, step, req);
      assert.equal(res.status, expectOf(step), `${step.id}: ${res.status} ${res.text.slice(0, 200)}`);
      if (step.save) env.saved[step.save] = res.json;
      continue;
    }
    const who = await sender(step);
    const before = await digest(admin);
    let res = null;
    for (let n = 1; n <= 400; n++) {
      const r = await failAt(who, req, n, before);
      if (!r.fired) { res = r.res; break; }
      faults++;
    }
    assert.ok(res, `${step.id}: still failing at step 400`);
    assert.equal(res.status, expectOf(step), `${step.id} run whole after its faults: ${res.status} ${res.text.slice(0, 300)}`);
    if (step.save) env.saved[step.save] = res.json;
    routes++;
    swept.add(`${step.route.method} ${step.route.path}`);
  }
  const writes = samples.routes.filter((r) => r.method !== 'GET');
  const missed = writes.filter((r) => !swept.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(missed, [], 'every write route was swept');
  console.log(`# write faults: ${routes} write steps over ${swept.size} write routes, ${faults} faults injected, each a clean 5xx with nothing changed`);
});
