// audit.test.mjs — the audit log: rows for writes, who may read which rows, ordering, filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, client, assertError, assertOk, createUser, uniqueName } from '../lib/harness.mjs';

let srv;
let admin;
let adminId;
let manager;
let managerId;
before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
  manager = await loginAs(srv.url, 'manager');
  adminId = assertOk(await admin.get('/api/v1/me')).user.id;
  managerId = assertOk(await manager.get('/api/v1/me')).user.id;
});
after(async () => { await srv?.stop(); });

const ROW_KEYS = ['id', 'at', 'actor_id', 'actor_name', 'project_id', 'entity', 'entity_id', 'action', 'changes', 'ip'];

test('creating a user writes a create row with actor and changes', async () => {
  const name = uniqueName('aud');
  const u = await createUser(admin, { username: name, display_name: '审计对象', phone: '13800138000' });
  const j = assertOk(await admin.get(`/api/v1/audit?entity=user&id=${u.id}`));
  assert.ok(j.total >= 1);
  assert.equal(j.page, 1);
  assert.ok(Number.isInteger(j.per_page));
  const row = j.items.find((r) => r.action === 'create');
  assert.ok(row, `create row in ${JSON.stringify(j.items)}`);
  for (const k of ROW_KEYS) assert.ok(k in row, `row has ${k}`);
  assert.equal(row.entity, 'user');
  assert.equal(row.entity_id, u.id);
  assert.equal(row.actor_id, adminId);
  assert.equal(typeof row.actor_name, 'string');
  assert.ok(row.actor_name.length > 0);
  assert.equal(row.ip, '127.0.0.1');
  assert.match(row.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  assert.equal(typeof row.changes, 'object');
  assert.ok(row.changes !== null && !Array.isArray(row.changes));
  const ch = JSON.stringify(row.changes);
  assert.ok(ch.includes(name), `changes mention the user name: ${ch}`);
  assert.ok(ch.includes('审计对象'), `changes mention the display name: ${ch}`);
  assert.ok(!ch.includes(u.initial_password), 'no password in the audit row');
  // every row of the answer is about that user
  assert.ok(j.items.every((r) => r.entity === 'user' && r.entity_id === u.id));
});

test('edits and actions add rows; the list is newest first with ascending ids', async () => {
  const u = await createUser(admin, { username: uniqueName('aud'), display_name: '改名前' });
  const p = assertOk(await admin.patch(`/api/v1/users/${u.id}`, { version: u.version, display_name: '改名后' }));
  assert.equal(p.version, u.version + 1);
  const d = await admin.post(`/api/v1/users/${u.id}/actions/disable`, {});
  assert.ok(d.status === 200 || d.status === 204, d.text);
  const j = assertOk(await admin.get(`/api/v1/audit?entity=user&id=${u.id}`));
  assert.ok(j.items.length >= 3, `3 rows at least: ${JSON.stringify(j.items)}`);
  assert.equal(j.total, j.items.length);
  for (let i = 1; i < j.items.length; i++) {
    assert.ok(j.items[i - 1].id > j.items[i].id, 'ids strictly descending in the list (newest first)');
    assert.ok(j.items[i - 1].at >= j.items[i].at, 'times non-increasing');
  }
  assert.equal(j.items[j.items.length - 1].action, 'create', 'oldest row is the create');
  const edit = j.items.find((r) => JSON.stringify(r.changes).includes('改名后'));
  assert.ok(edit, 'a row records the new display name');
  assert.notEqual(edit.action, 'create');
  assert.ok(JSON.stringify(edit.changes).includes('改名前'), 'the edit row records the old value too');
  assert.ok(j.items.some((r) => r.action === 'disable' || JSON.stringify(r.changes).includes('disabled')), 'disable recorded');
});

test('the unfiltered list is newest first and pages', async () => {
  const all = assertOk(await admin.get('/api/v1/audit?per_page=200'));
  assert.ok(all.total >= 5);
  for (let i = 1; i < all.items.length; i++) assert.ok(all.items[i - 1].id > all.items[i].id);
  const p1 = assertOk(await admin.get('/api/v1/audit?per_page=2&page=1'));
  const p2 = assertOk(await admin.get('/api/v1/audit?per_page=2&page=2'));
  assert.equal(p1.items.length, 2);
  assert.equal(p1.total, all.total);
  assert.deepEqual(p1.items.map((r) => r.id), all.items.slice(0, 2).map((r) => r.id));
  assert.deepEqual(p2.items.map((r) => r.id), all.items.slice(2, 4).map((r) => r.id));
});

test('a failed write adds no row', async () => {
  const before = assertOk(await admin.get('/api/v1/audit?per_page=1')).total;
  assertError(await admin.post('/api/v1/users', { username: 'agent', display_name: '重名', roles: [{ project_id: 1, role: 'agent' }] }), 409, 'duplicate');
  assertError(await admin.post('/api/v1/users', { username: 'x', display_name: '坏', roles: [{ project_id: 1, role: 'agent' }] }), 422, 'validation_failed');
  assert.equal(assertOk(await admin.get('/api/v1/audit?per_page=1')).total, before);
});

test('project edits are rows with project_id, visible to the project\'s manager and supervisor', async () => {
  const p = assertOk(await manager.get('/api/v1/projects/1'));
  assertOk(await manager.patch('/api/v1/projects/1', { version: p.version, phone: '0571-55550001' }));
  const j = assertOk(await manager.get('/api/v1/audit?entity=project&id=1'));
  const row = j.items[0];
  assert.ok(row, 'a row for the project edit');
  assert.equal(row.entity, 'project');
  assert.equal(row.entity_id, 1);
  assert.equal(row.project_id, 1);
  assert.equal(row.actor_id, managerId);
  assert.ok(JSON.stringify(row.changes).includes('0571-55550001'));
  const sup = await loginAs(srv.url, 'supervisor');
  const s = assertOk(await sup.get('/api/v1/audit?entity=project&id=1'));
  assert.equal(s.items[0].id, row.id);
  // filters actor_id and project_id
  const byActor = assertOk(await admin.get(`/api/v1/audit?actor_id=${managerId}&per_page=200`));
  assert.ok(byActor.items.some((r) => r.id === row.id));
  assert.ok(byActor.items.every((r) => r.actor_id === managerId));
  const byAdmin = assertOk(await admin.get(`/api/v1/audit?actor_id=${adminId}&per_page=200`));
  assert.ok(!byAdmin.items.some((r) => r.id === row.id));
  const byProject = assertOk(await admin.get('/api/v1/audit?project_id=1&per_page=200'));
  assert.ok(byProject.items.some((r) => r.id === row.id));
  assert.ok(byProject.items.every((r) => r.project_id === 1));
});

test('project-scoped readers see neither other projects\' rows nor rows without a project', async () => {
  const p2 = assertOk(await manager.get('/api/v1/projects/2'));
  assertOk(await manager.patch('/api/v1/projects/2', { version: p2.version, phone: '0571-55550002' }));
  const sup = await loginAs(srv.url, 'supervisor');
  const s = assertOk(await sup.get('/api/v1/audit?per_page=200'));
  assert.ok(s.items.length >= 1);
  assert.ok(s.items.every((r) => r.project_id === 1), `only project 1 rows: ${JSON.stringify(s.items.map((r) => r.project_id))}`);
  const m = assertOk(await manager.get('/api/v1/audit?per_page=200'));
  assert.ok(m.items.some((r) => r.project_id === 2 && r.entity === 'project'));
  assert.ok(m.items.every((r) => r.project_id === 1 || r.project_id === 2));
  // the company admin sees rows without a project (user rows)
  const a = assertOk(await admin.get('/api/v1/audit?entity=user&per_page=200'));
  assert.ok(a.items.length >= 1);
});

test('agent / agent2 / technician → 403 forbidden', async () => {
  for (const n of ['agent', 'agent2', 'technician']) {
    const c = await loginAs(srv.url, n);
    assertError(await c.get('/api/v1/audit'), 403, 'forbidden');
    assertError(await c.get('/api/v1/audit?entity=project&id=1'), 403, 'forbidden');
  }
});

test('audit is read-only: POST → 405', async () => {
  const res = await admin.post('/api/v1/audit', { entity: 'user' });
  assertError(res, 405, 'method_not_allowed');
  assert.match(res.headers.get('allow') || '', /GET/);
});

test('malformed audit query → 400 bad_request', async () => {
  assertError(await admin.get('/api/v1/audit?id=abc'), 400, 'bad_request');
  assertError(await admin.get('/api/v1/audit?actor_id=x1'), 400, 'bad_request');
});

test('a failed login is audited with the account tried and the address', async () => {
  const c = client(srv.url);
  assert.equal((await c.login('cashier', 'wrong-password-1')).status, 401);
  const admin = await loginAs(srv.url, 'admin');
  const rows = (await admin.get('/api/v1/audit?action=login_failed&per_page=200')).json.items;
  const row = rows.find((r) => r.changes && r.changes.username === 'cashier');
  assert.ok(row, JSON.stringify(rows.slice(0, 3)));
  assert.equal(row.entity, 'user');
  assert.equal(row.actor_id, null);
  assert.equal(row.ip, '127.0.0.1');
});
