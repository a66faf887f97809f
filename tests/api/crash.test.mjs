// crash.test.mjs — nothing acknowledged is lost, for every module (issue 19, "Must show 4"):
// the main write of each registered module (the step marked "main" in its
// tests/api/<module>/requests.json) is sent by 24 concurrent clients, round robin over the
// modules; the server is killed with SIGKILL while requests are in flight. A new server on the
// same database must show every record that was answered 2xx, with the values it was sent, and
// `kefu check` (schema, foreign keys, the audit chain, the modules' own checks) must pass.
// A new module joins through its requests.json; nothing here names a module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer, loginAs, BIN } from './lib/harness.mjs';
import { samplesOn, meOf, newEnv, resolve, send, build, roleUsers, ok2xx } from './lib/matrix.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WORKERS = 24, PER_MODULE = 40, LIMIT_MS = 45000;

/** The values a read must give back: the body's strings that carry the run's unique marker. */
function marked(body, marker) {
  const out = {};
  for (const [k, v] of Object.entries(body || {})) if (typeof v === 'string' && v.includes(marker)) out[k] = v;
  return out;
}

function kefu(args) {
  return new Promise((resolve) => execFile(BIN, args, { env: { ...process.env } }, (err, stdout, stderr) =>
    resolve({ code: err ? err.code : 0, out: stdout + stderr })));
}

test('every record a module\'s main write acknowledged survives kill -9, and kefu check passes', { timeout: 180000 }, async () => {
  const srv = await startServer();
  let again;
  try {
    const { admin, reg, samples } = await samplesOn(srv.url);
    const users = await roleUsers(srv.url, admin, reg.roles, 1, 'k');
    const env = newEnv({ project: 1, tag: 'k', roleUsers: meOf(users), me: admin.me });
    assert.deepEqual(await build(samples, admin, env), [], 'the fixtures are built');
    const mains = samples.steps.filter((s) => s.main);
    assert.equal(new Set(mains.map((s) => s.module)).size, samples.modules.length, 'every module has its main write');
    for (const s of mains)
      assert.ok(reg.items.some((r) => r.method === 'GET' && r.path === `${s.path}/{id}`),
        `${s.module}: its main write ${s.method} ${s.path} has a read GET ${s.path}/{id}`);

    const acked = Object.fromEntries(mains.map((s) => [s.module, []]));
    const refused = [];
    let stop = false, turn = 0;
    async function worker() {
      while (!stop) {
        const step = mains[turn++ % mains.length];
        const req = resolve(step, env);
        let res;
        try { res = await send(admin, step, req); } catch { return; }   // the server died
        if (ok2xx(res.status) && res.json?.id) acked[step.module].push({ id: res.json.id, req, step });
        else if (!stop) refused.push(`${step.id}: ${res.status} ${res.text.slice(0, 160)}`);
      }
    }
    const workers = Array.from({ length: WORKERS }, worker);
    const t0 = Date.now();
    const enough = () => Object.values(acked).every((a) => a.length >= PER_MODULE);
    while (!enough() && Date.now() - t0 < LIMIT_MS) await sleep(5);
    srv.proc.kill('SIGKILL');
    stop = true;
    await Promise.allSettled(workers);
    await srv.exited;
    assert.deepEqual(refused, [], 'no main write was refused before the kill');
    for (const [m, a] of Object.entries(acked)) assert.ok(a.length >= PER_MODULE, `${m}: ${a.length} acknowledged before the kill`);

    again = await startServer({ db: srv.db, skipDemo: true });
    const adm = await loginAs(again.url, 'admin');
    let checked = 0;
    for (const list of Object.values(acked)) {
      for (const { id, req, step } of list) {
        const path = `${req.url.split('?')[0]}/${id}`;
        const r = await adm.get(path);
        assert.equal(r.status, 200, `${step.module}: ${path} acknowledged before the kill, now ${r.status} ${r.text.slice(0, 160)}`);
        const want = marked(req.body, `mx${env.tag}`);
        for (const [k, v] of Object.entries(want)) assert.equal(r.json[k], v, `${path}: ${k}`);
        checked++;
      }
    }
    await again.stop();
    again = null;
    const chk = await kefu(['check', ...srv.db]);
    assert.equal(chk.code, 0, `kefu check after the crash:\n${chk.out}`);
    console.log(`# crash: ${checked} acknowledged records checked after kill -9 (${Object.entries(acked).map(([m, a]) => `${m} ${a.length}`).join(', ')})`);
  } finally {
    if (again) await again.stop();
    await srv.stop().catch(() => {});
  }
});
