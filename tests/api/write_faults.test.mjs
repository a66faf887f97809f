// write_faults.test.mjs — no failed write is half-kept (issue 19, "must show 4"): for a set of write
// routes with valid bodies, every database step of the handler is failed in turn (X-Kefu-Fault,
// test servers only; busy and I/O by turns): each answer must be a clean 5xx in the error
// envelope, the database exactly as before (GET /api/v1/_test/digest: every table's rows and
// hash), and the request without a fault must then succeed. The sweep itself is
// tests/api/lib/faults.mjs, to be run over every write route later. A failure inside a shared
// commit (SQLite's group commit) must leave the other requests of the batch whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, client, loginAs, assertOk, assertError, uniqueName, createUser, BIN, DB_KIND } from './lib/harness.mjs';
import { sweepWriteFaults, digest, changedTables } from './lib/faults.mjs';

let srv, admin, agent, steward;
const ids = {};
const DROPPED = 'was not returned';

before(async () => {
  // no deadline tick during the sweeps: it writes on its own and would change the digest
  srv = await startServer({ args: ['--tick-seconds', '3600'] });
  [admin, agent, steward] = await Promise.all(['admin', 'agent', 'steward'].map((u) => loginAs(srv.url, u)));
  ids.technician = assertOk(await (await loginAs(srv.url, 'technician')).get('/api/v1/me')).user.id;
  ids.unit = assertOk(await agent.get('/api/v1/units?q=3-2-1502')).items.find((x) => x.code === '3-2-1502').id;
});
after(async () => { if (srv) await srv.stop(); });

let seq = 0;
const next = () => ++seq;
const repair = () => ({ kind: 'home_repair', channel: 'phone', unit_id: ids.unit, caller: '魏一鸣', phone: '13712348582',
  content: `卫生间漏水 ${next()}`, category: 'water' });
const complaint = () => ({ kind: 'complaint', channel: 'phone', unit_id: ids.unit, caller: '苏海燕', phone: '13812345678',
  content: `楼上装修噪音很大 ${next()}`, complaint_type: 'noise', severity: 'major' });
const ticket = async (body) => assertOk(await agent.post('/api/v1/tickets', body), 201);

// [what, who, request (or a function preparing a fresh one per step)]
const ROUTES = [
  ['create a building', () => admin, () => {
    const code = `F${next()}`;
    return { method: 'POST', path: '/api/v1/buildings', body: { project_id: 1, code, name: `${code}栋`, floors: 6, entrances: 2, kind: '住宅楼' } };
  }],
  ['create a person', () => agent, () => ({ method: 'POST', path: '/api/v1/people',
    body: { project_id: 1, name: '罗晓峰', phone: `139${String(10000000 + next()).slice(-8)}` } })],
  ['register a repair ticket', () => agent, () => ({ method: 'POST', path: '/api/v1/tickets', body: repair() })],
  ['register a complaint', () => agent, () => ({ method: 'POST', path: '/api/v1/tickets', body: complaint() })],
  ['dispatch a repair', () => agent, async () => {
    const t = await ticket(repair());
    return { method: 'POST', path: `/api/v1/tickets/${t.id}/actions/dispatch`, body: { version: t.version, technician_id: ids.technician } };
  }],
  ['assign a complaint', () => agent, async () => {
    const t = await ticket(complaint());
    return { method: 'POST', path: `/api/v1/tickets/${t.id}/actions/assign`, body: { department: '工程部', handler_id: ids.technician } };
  }],
  ['record a visit with requests', () => steward, () => ({ method: 'POST', path: '/api/v1/visits',
    body: { unit_id: ids.unit, state: 'done', met_person: '业主本人', summary: `回访 ${next()}`,
            requests: [{ content: '卫生间漏水，请安排维修' }, { content: '物业费怎么交', answered: true, answer: '前台或微信' }] } })],
  ['create a user (RF_OWN_TX)', () => admin, () => ({ method: 'POST', path: '/api/v1/users',
    body: { username: uniqueName('flt'), display_name: '故障测试', roles: [{ project_id: 1, role: 'agent' }] } })],
  ['change one\'s password (RF_OWN_TX: reads on the reader, then writes on the writer)', () => admin, async () => {
    const name = uniqueName('pwf');
    await createUser(admin, { username: name, display_name: '改密测试', password: 'Init2031pw', roles: [{ project_id: 1, role: 'agent' }] });
    const c = client(srv.url);
    assert.equal((await c.login(name, 'Init2031pw')).status, 200);
    return { client: c, method: 'POST', path: '/api/v1/me/password', body: { old_password: 'Init2031pw', new_password: 'Second2031pw' } };
  }],
];

for (const [what, who, req] of ROUTES) {
  test(`${what}: every failed step answers a clean 5xx and leaves the database as it was`, async (t) => {
    const { steps } = await sweepWriteFaults(who(), req);
    t.diagnostic(`${what}: ${steps} steps failed in turn`);
    assert.ok(steps >= 3, `${what}: ${steps} steps swept`);
  });
}

test('a write that failed at a step after its first writes, in a commit shared with others, leaves nothing; the others are whole', async () => {
  const before = assertOk(await admin.get('/api/v1/tickets?per_page=1')).total;
  const jobs = [];
  for (let i = 0; i < 40; i++) {
    jobs.push(agent.post('/api/v1/tickets', { kind: 'inquiry', channel: 'phone', content: `合并提交 ${i}` }));
    if (i % 5 === 0) {
      const spec = i % 10 ? '1 busy INSERT INTO audit_log' : '1 io INSERT INTO events';
      jobs.push(agent.post('/api/v1/tickets', { kind: 'inquiry', channel: 'phone', content: `注定失败 ${i}` },
        { headers: { 'X-Kefu-Fault': spec } }).then((r) => ({ ...r, spec })));
    }
  }
  const res = await Promise.all(jobs);
  const failed = res.filter((r) => r.spec);
  const made = res.filter((r) => !r.spec);
  for (const r of failed) {
    assert.equal(r.headers.get('x-kefu-fault'), 'fired', r.spec);
    assertError(r, r.spec.includes('busy') ? 503 : 500);
  }
  for (const r of made) assert.equal(r.status, 201, r.text.slice(0, 200));
  assert.equal(assertOk(await admin.get('/api/v1/tickets?per_page=1')).total, before + 40, 'the forty and nothing else');
  assert.equal(assertOk(await admin.get(`/api/v1/tickets?q=${encodeURIComponent('注定失败')}&per_page=1`)).total, 0,
    'no ticket of the failed requests');
  const nums = [];
  for (const r of made) {
    const t = assertOk(await admin.get(`/api/v1/tickets/${r.json.id}`));
    assert.equal(t.content, r.json.content);
    assert.ok(t.events.some((e) => e.action === 'create'), `${t.number} has its first event`);
    nums.push(Number(t.number.slice(-4)));
  }
  nums.sort((a, b) => a - b);
  assert.equal(new Set(nums).size, 40, 'no number given twice');
  assert.equal(nums[39] - nums[0] + 1, 40, 'numbers run without a gap: a failed request took none');
  if (DB_KIND === 'sqlite') {
    assert.match(srv.stderr(), /runs again/, 'the writer thread ran a batch again (the path under test)');
    const check = spawnSync(BIN, ['check', '--db', srv.dbPath], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /审计链完整/);
  }
});

test('a production server ignores the fault header on writes, and has no digest', async () => {
  const prod = await startServer({ testClock: false });
  try {
    const c = await loginAs(prod.url, 'agent');
    const res = await c.post('/api/v1/tickets', { kind: 'inquiry', channel: 'phone', content: '生产环境' }, { headers: { 'X-Kefu-Fault': '1 busy' } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('x-kefu-fault'), null);
    assertError(await c.get('/api/v1/_test/digest'), 404, 'route_not_found');
  } finally { await prod.stop(); }
});

test('the digest sees a write, and only the tables it touched', async () => {
  const d0 = await digest(admin);
  assertOk(await agent.post('/api/v1/tickets', { kind: 'inquiry', channel: 'phone', content: '摘要测试' }), 201);
  const changed = changedTables(d0, await digest(admin));
  for (const t of ['tickets', 'events', 'audit_log', 'sequences']) assert.ok(changed.includes(t), `${t} changed (${changed})`);
  assert.ok(!changed.includes('users') && !changed.includes('buildings'), `untouched tables unchanged (${changed})`);
});

// Handlers that read with the helpers which give no error (db_text, db_int, db_exists) go on after a
// failed step as if the row were missing: without the server's net (step_failure in server.c) the
// dispatch below answered 200 with a half-written event, the others 422 for a record that is
// there. The net answers the step's error and rolls back, and says so on stderr. These are the
// handlers known to do it today, to be fixed one by one; a new one fails this test.
const KNOWN_DROPS = [
  ['POST /api/v1/me/password', 'SELECT password_hash FROM users WHERE id = ?'],
  ['POST /api/v1/tickets/{id}/actions/dispatch', 'SELECT display_name FROM users WHERE id = ?'],
  ['POST /api/v1/tickets/{id}/actions/assign', 'SELECT display_name FROM users WHERE id = ?'],
  ['POST /api/v1/tickets/{id}/actions/assign', 'SELECT 1 FROM user_roles ur JOIN users u ON u.id = ur.user_id'],
  ['POST /api/v1/tickets/{id}/actions/assign', 'SELECT 1 FROM complaint_staff WHERE ticket_id = ? AND user_id = ?'],
  ['POST /api/v1/users', 'SELECT project_id FROM user_roles WHERE user_id = ?'],
  ['POST /api/v1/users', 'SELECT 1 FROM projects WHERE id = ?'],
  ['POST /api/v1/visits', 'SELECT code FROM units WHERE id = ?'],
  ['POST /api/v1/visits', 'SELECT project_id FROM units WHERE id = ?'],
  ['POST /api/v1/visits', 'SELECT p.id FROM visit_plans p JOIN visit_plan_buildings pb'],
];

test('every failed step a handler dropped was caught, and only where it is known to happen', async (t) => {
  await new Promise((r) => setTimeout(r, 50));
  const dropped = srv.stderr().split('\n').filter((l) => l.includes(DROPPED));
  const sites = new Set();
  for (const line of dropped) {
    const m = /^kefu: (\S+) (\S+): a failed (?:read|write) was not returned \(handler said \S+; the step: (.*)\) at fault /.exec(line);
    assert.ok(m, `the log names the request, the step and the fault: ${line}`);
    const route = `${m[1]} ${m[2].replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
    const known = KNOWN_DROPS.find(([r, sql]) => r === route && m[3].startsWith(sql));
    assert.ok(known, `a new handler that drops a failed step: ${line}`);
    sites.add(`${route}: ${m[3]}`);
  }
  for (const s of sites) t.diagnostic(`dropped (answered 5xx by the server's net): ${s}`);
});
