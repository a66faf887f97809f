// users.test.mjs — user management: visibility, create, edit, disable/enable, reset, roles, lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, client, loginAs, roleTriples, assertError, assertOk, findUser, createUser, uniqueName, userTotal,
  DEMO_PASSWORD,
} from '../lib/harness.mjs';

let srv;
let admin;
let manager;
const DEMO_USERS = ['admin', 'manager', 'supervisor', 'agent', 'steward', 'technician', 'cashier', 'storekeeper', 'agent2'];

before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
  manager = await loginAs(srv.url, 'manager');
});
after(async () => { await srv?.stop(); });

const USER_KEYS = ['id', 'username', 'display_name', 'phone', 'is_admin', 'disabled', 'must_change_password',
  'version', 'created_at', 'updated_at', 'last_login_at', 'roles'];

test('admin lists every demo user with the documented user object', async () => {
  const res = await admin.get('/api/v1/users?per_page=200');
  const j = assertOk(res);
  assert.equal(j.page, 1);
  assert.equal(j.per_page, 200);
  assert.ok(j.total >= DEMO_USERS.length);
  assert.equal(j.items.length, j.total);
  const names = j.items.map((u) => u.username);
  for (const n of DEMO_USERS) assert.ok(names.includes(n), `${n} listed`);
  for (const u of j.items) {
    for (const k of USER_KEYS) assert.ok(k in u, `user ${u.username} has ${k}`);
    assert.ok(!('password_hash' in u) && !('password' in u));
  }
  const agent = j.items.find((u) => u.username === 'agent');
  assert.equal(agent.display_name, '李静');
  assert.deepEqual(roleTriples(agent.roles), [{ project_id: 1, project_name: '翠湖花园管理处', role: 'agent' }]);
  const mgr = j.items.find((u) => u.username === 'manager');
  assert.deepEqual(mgr.roles.map((r) => `${r.project_id}:${r.role}`).sort(), ['1:manager', '2:manager']);
});

test('default pagination answers page 1 and per_page 50', async () => {
  const j = assertOk(await admin.get('/api/v1/users'));
  assert.equal(j.page, 1);
  assert.equal(j.per_page, 50);
  assert.ok(Array.isArray(j.items));
});

test('agent → GET /api/v1/users 403 forbidden; technician too', async () => {
  const agent = await loginAs(srv.url, 'agent');
  assertError(await agent.get('/api/v1/users'), 403, 'forbidden');
  const tech = await loginAs(srv.url, 'technician');
  assertError(await tech.get('/api/v1/users'), 403, 'forbidden');
});

test('supervisor sees users of project 1 only and cannot manage them', async () => {
  const sup = await loginAs(srv.url, 'supervisor');
  const j = assertOk(await sup.get('/api/v1/users?per_page=200'));
  const names = j.items.map((u) => u.username);
  for (const n of ['supervisor', 'agent', 'steward', 'manager']) assert.ok(names.includes(n), `${n} visible`);
  assert.ok(!names.includes('agent2'), 'agent2 (project 2 only) is not visible to the supervisor of project 1');
  const agent2 = await findUser(admin, 'agent2');
  assertError(await sup.get(`/api/v1/users/${agent2.id}`), 404, 'not_found');
  const total = await userTotal(admin);
  assertError(await sup.post('/api/v1/users', { username: uniqueName('sup'), display_name: '主管建的', roles: [{ project_id: 1, role: 'agent' }] }),
    403, 'forbidden');
  assert.equal(await userTotal(admin), total);
});

test('manager creates a user in project 1: 201, initial_password returned and works', async () => {
  const name = uniqueName('mgr');
  const before = await userTotal(admin);
  const res = await manager.post('/api/v1/users', {
    username: name, display_name: '新前台', phone: '13900001111', roles: [{ project_id: 1, role: 'agent' }],
  });
  const u = assertOk(res, 201);
  assert.ok(Number.isInteger(u.id));
  assert.equal(u.username, name);
  assert.equal(u.display_name, '新前台');
  assert.equal(u.phone, '13900001111');
  assert.equal(u.disabled, false);
  assert.equal(u.is_admin, false);
  assert.equal(u.must_change_password, true);
  assert.equal(u.version, 1);
  assert.deepEqual(roleTriples(u.roles), [{ project_id: 1, project_name: '翠湖花园管理处', role: 'agent' }]);
  assert.equal(typeof u.initial_password, 'string');
  assert.ok(u.initial_password.length >= 8);
  assert.equal(await userTotal(admin), before + 1);
  const got = assertOk(await admin.get(`/api/v1/users/${u.id}`));
  assert.equal(got.username, name);
  assert.ok(!('initial_password' in got), 'initial password is shown once only');
  const c = client(srv.url);
  assertOk(await c.login(name, u.initial_password));
});

test('a user created with a password gets no initial_password and logs in with it', async () => {
  const name = uniqueName('pw');
  const u = assertOk(await admin.post('/api/v1/users', {
    username: name, display_name: '带密码', password: 'Given2026pw', roles: [{ project_id: 2, role: 'cashier' }],
  }), 201);
  assert.ok(!('initial_password' in u) || u.initial_password === null);
  assertOk(await client(srv.url).login(name, 'Given2026pw'));
});

test('manager cannot grant admin or a company-wide role: 403 forbidden, nothing created', async () => {
  const before = await userTotal(admin);
  const n1 = uniqueName('bad');
  assertError(await manager.post('/api/v1/users', { username: n1, display_name: '越权', roles: [{ project_id: 1, role: 'admin' }] }),
    403, 'forbidden');
  const n2 = uniqueName('bad');
  assertError(await manager.post('/api/v1/users', { username: n2, display_name: '越权', roles: [{ project_id: null, role: 'agent' }] }),
    403, 'forbidden');
  const n3 = uniqueName('bad');
  assertError(await manager.post('/api/v1/users', { username: n3, display_name: '越权', roles: [{ project_id: null, role: 'admin' }] }),
    403, 'forbidden');
  assert.equal(await userTotal(admin), before);
  for (const n of [n1, n2, n3]) {
    const l = assertOk(await admin.get(`/api/v1/users?q=${n}`));
    assert.equal(l.items.filter((u) => u.username === n).length, 0, `${n} not created`);
  }
});

test('manager must grant a role in one of their projects', async () => {
  const before = await userTotal(admin);
  const res = await manager.post('/api/v1/users', { username: uniqueName('norole'), display_name: '无角色', roles: [] });
  assert.ok(res.status === 422 || res.status === 403, `422 or 403, got ${res.status} ${res.text}`);
  assertError(res, res.status, res.status === 422 ? 'validation_failed' : 'forbidden');
  // a project the manager has no role in: create one as admin first
  const p = assertOk(await admin.post('/api/v1/projects', { code: 'MX', name: '明轩管理处' }), 201);
  const res2 = await manager.post('/api/v1/users', { username: uniqueName('other'), display_name: '他处', roles: [{ project_id: p.id, role: 'agent' }] });
  assert.ok([403, 404, 422].includes(res2.status), `refused, got ${res2.status} ${res2.text}`);
  assert.equal(await userTotal(admin), before);
});

test('manager can grant a role but not admin on an existing user', async () => {
  const u = await createUser(manager, { username: uniqueName('g'), display_name: '授权测试' });
  assertError(await manager.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 1, role: 'admin' }), 403, 'forbidden');
  assertError(await manager.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: null, role: 'agent' }), 403, 'forbidden');
  const after = assertOk(await admin.get(`/api/v1/users/${u.id}`));
  assert.deepEqual(after.roles.map((r) => `${r.project_id}:${r.role}`), ['1:agent']);
});

test('duplicate user name → 409 duplicate', async () => {
  const before = await userTotal(admin);
  assertError(await admin.post('/api/v1/users', { username: 'agent', display_name: '重名', roles: [{ project_id: 1, role: 'agent' }] }),
    409, 'duplicate');
  assertError(await manager.post('/api/v1/users', { username: 'agent2', display_name: '重名', roles: [{ project_id: 1, role: 'agent' }] }),
    409, 'duplicate');
  assert.equal(await userTotal(admin), before);
});

test('invalid user names → 422 field username', async () => {
  const before = await userTotal(admin);
  for (const bad of ['ab', 'A'.repeat(5), 'x'.repeat(33), 'has space', '张三', 'semi;colon', '']) {
    assertError(await admin.post('/api/v1/users', { username: bad, display_name: '坏名字', roles: [{ project_id: 1, role: 'agent' }] }),
      422, 'validation_failed', 'username');
  }
  assertError(await admin.post('/api/v1/users', { display_name: '无名', roles: [{ project_id: 1, role: 'agent' }] }),
    422, 'validation_failed', 'username');
  assert.equal(await userTotal(admin), before);
  // the limits themselves are fine
  await createUser(admin, { username: 'a.b', display_name: '三字' });
  await createUser(admin, { username: 'z'.repeat(32), display_name: '三十二字' });
});

test('unknown role name → 422', async () => {
  const before = await userTotal(admin);
  const res = await admin.post('/api/v1/users', { username: uniqueName('r'), display_name: '怪角色', roles: [{ project_id: 1, role: 'wizard' }] });
  assertError(res, 422, 'validation_failed', /role/);
  assert.equal(await userTotal(admin), before);
});

test('disable: existing session 401 at once, login 403 account_disabled; enable restores', async () => {
  const name = uniqueName('dis');
  const u = await createUser(admin, { username: name, display_name: '停用测试', password: 'Disable2026' });
  const victim = await loginAs(srv.url, name, 'Disable2026');
  assertOk(await victim.get('/api/v1/me'));

  const res = await admin.post(`/api/v1/users/${u.id}/actions/disable`, {});
  assert.ok(res.status === 200 || res.status === 204, `disable: ${res.status} ${res.text}`);
  assertError(await victim.get('/api/v1/me'), 401, 'unauthenticated');
  const got = assertOk(await admin.get(`/api/v1/users/${u.id}`));
  assert.equal(got.disabled, true);
  assertError(await client(srv.url).login(name, 'Disable2026'), 403, 'account_disabled');
  // disabled=1 filter
  const l = assertOk(await admin.get('/api/v1/users?disabled=1&per_page=200'));
  assert.ok(l.items.some((x) => x.id === u.id));
  assert.ok(l.items.every((x) => x.disabled === true));
  const l0 = assertOk(await admin.get('/api/v1/users?disabled=0&per_page=200'));
  assert.ok(!l0.items.some((x) => x.id === u.id));
  assert.ok(l0.items.every((x) => x.disabled === false));

  const en = await admin.post(`/api/v1/users/${u.id}/actions/enable`, {});
  assert.ok(en.status === 200 || en.status === 204, `enable: ${en.status} ${en.text}`);
  assert.equal(assertOk(await admin.get(`/api/v1/users/${u.id}`)).disabled, false);
  // the old session does not come back; a new login works
  assertError(await victim.get('/api/v1/me'), 401, 'unauthenticated');
  assertOk(await client(srv.url).login(name, 'Disable2026'));
});

test('a user cannot disable themself', async () => {
  const me = assertOk(await admin.get('/api/v1/me'));
  const res = await admin.post(`/api/v1/users/${me.user.id}/actions/disable`, {});
  assert.ok(res.status >= 400 && res.status < 500, `refused: ${res.status} ${res.text}`);
  assertError(res, res.status);
  assert.equal(assertOk(await admin.get(`/api/v1/users/${me.user.id}`)).disabled, false);
  assertOk(await admin.get('/api/v1/me'));
});

test('an admin cannot revoke their own last admin role', async () => {
  const me = assertOk(await admin.get('/api/v1/me'));
  const res = await admin.post(`/api/v1/users/${me.user.id}/actions/revoke_role`, { project_id: null, role: 'admin' });
  assert.ok(res.status >= 400 && res.status < 500, `refused: ${res.status} ${res.text}`);
  assertError(res, res.status);
  const after = assertOk(await admin.get('/api/v1/me'));
  assert.equal(after.user.is_admin, true);
});

test('manager cannot act on users outside their projects (404)', async () => {
  // a user only in a project the manager is not in
  const p = assertOk(await admin.post('/api/v1/projects', { code: 'YX', name: '云溪管理处' }), 201);
  const u = await createUser(admin, { username: uniqueName('far'), display_name: '远处', roles: [{ project_id: p.id, role: 'agent' }] });
  assertError(await manager.get(`/api/v1/users/${u.id}`), 404, 'not_found');
  assertError(await manager.post(`/api/v1/users/${u.id}/actions/disable`, {}), 404, 'not_found');
  assertError(await manager.patch(`/api/v1/users/${u.id}`, { version: u.version, display_name: '改了' }), 404, 'not_found');
  assert.equal(assertOk(await admin.get(`/api/v1/users/${u.id}`)).disabled, false);
  assert.equal(assertOk(await admin.get(`/api/v1/users/${u.id}`)).display_name, '远处');
});

test('reset_password returns a password that works; old sessions end; must change at next login', async () => {
  const name = uniqueName('rst');
  const u = await createUser(admin, { username: name, display_name: '重置测试', password: 'Before2026' });
  const s = await loginAs(srv.url, name, 'Before2026');
  const res = await manager.post(`/api/v1/users/${u.id}/actions/reset_password`, {});
  const j = assertOk(res);
  assert.equal(typeof j.password, 'string');
  assert.ok(j.password.length >= 8);
  assertError(await s.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(await client(srv.url).login(name, 'Before2026'), 401, 'invalid_credentials');
  const c = client(srv.url);
  const l = assertOk(await c.login(name, j.password));
  assert.equal(l.user.must_change_password, true);
});

test('grant_role / revoke_role change what /me of that user shows', async () => {
  const name = uniqueName('role');
  const u = await createUser(admin, { username: name, display_name: '角色测试', password: 'Roles2026x' });
  const c = await loginAs(srv.url, name, 'Roles2026x');
  // clear a possible first-login password change before using other routes
  const pw = await c.post('/api/v1/me/password', { old_password: 'Roles2026x', new_password: 'Roles2027y' });
  assert.equal(pw.status, 204, pw.text);
  let me = assertOk(await c.get('/api/v1/me'));
  assert.deepEqual(me.projects.map((p) => p.id), [1]);
  assert.ok(!me.permissions.includes('users.read'));

  let r = await admin.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 1, role: 'supervisor' });
  assert.ok(r.status === 200 || r.status === 204, `grant: ${r.status} ${r.text}`);
  r = await manager.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 2, role: 'steward' });
  assert.ok(r.status === 200 || r.status === 204, `grant by manager: ${r.status} ${r.text}`);

  me = assertOk(await c.get('/api/v1/me'));
  const p1 = me.projects.find((p) => p.id === 1);
  const p2 = me.projects.find((p) => p.id === 2);
  assert.deepEqual([...p1.roles].sort(), ['agent', 'supervisor']);
  assert.deepEqual(p2.roles, ['steward']);
  assert.ok(p1.permissions.includes('users.read'));
  assert.ok(!p2.permissions.includes('users.read'));
  assert.ok(me.permissions.includes('users.read'));
  assertOk(await c.get('/api/v1/users'));

  r = await admin.post(`/api/v1/users/${u.id}/actions/revoke_role`, { project_id: 1, role: 'supervisor' });
  assert.ok(r.status === 200 || r.status === 204, `revoke: ${r.status} ${r.text}`);
  r = await admin.post(`/api/v1/users/${u.id}/actions/revoke_role`, { project_id: 2, role: 'steward' });
  assert.ok(r.status === 200 || r.status === 204, `revoke: ${r.status} ${r.text}`);
  me = assertOk(await c.get('/api/v1/me'));
  assert.deepEqual(me.projects.map((p) => p.id), [1]);
  assert.deepEqual(me.projects[0].roles, ['agent']);
  assert.ok(!me.permissions.includes('users.read'));
  assertError(await c.get('/api/v1/users'), 403, 'forbidden');
  const got = assertOk(await admin.get(`/api/v1/users/${u.id}`));
  assert.deepEqual(got.roles.map((x) => `${x.project_id}:${x.role}`), ['1:agent']);
});

test('grant_role validates its body', async () => {
  const u = await createUser(admin, { username: uniqueName('gv'), display_name: '校验' });
  assertError(await admin.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 1, role: 'wizard' }), 422, 'validation_failed', 'role');
  assertError(await admin.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 'x', role: 'agent' }), 422, 'validation_failed', 'project_id');
  assertError(await admin.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 1, role: 'agent', extra: 1 }), 422, 'unknown_field', 'extra');
  const got = assertOk(await admin.get(`/api/v1/users/${u.id}`));
  assert.deepEqual(got.roles.map((x) => `${x.project_id}:${x.role}`), ['1:agent']);
});

test('PATCH user: version+1 on success, stale version → 409 conflict', async () => {
  const u = await createUser(admin, { username: uniqueName('pat'), display_name: '原名', phone: '13700000000' });
  const r1 = assertOk(await manager.patch(`/api/v1/users/${u.id}`, { version: u.version, display_name: '新名', phone: '13700000001' }));
  assert.equal(r1.display_name, '新名');
  assert.equal(r1.phone, '13700000001');
  assert.equal(r1.version, u.version + 1);
  assert.equal(r1.username, u.username);
  assertError(await admin.patch(`/api/v1/users/${u.id}`, { version: u.version, display_name: '迟到的修改' }), 409, 'conflict');
  const got = assertOk(await admin.get(`/api/v1/users/${u.id}`));
  assert.equal(got.display_name, '新名');
  assert.equal(got.version, u.version + 1);
  // missing version is a validation error, not a blind overwrite
  assertError(await admin.patch(`/api/v1/users/${u.id}`, { display_name: '无版本' }), 422, 'validation_failed', 'version');
  // username is not editable through PATCH
  assertError(await admin.patch(`/api/v1/users/${u.id}`, { version: got.version, username: 'renamed' }), 422, 'unknown_field', 'username');
  assertError(await admin.patch(`/api/v1/users/${u.id}`, { version: got.version, display_name: '' }), 422, 'validation_failed', 'display_name');
  assert.equal(assertOk(await admin.get(`/api/v1/users/${u.id}`)).version, got.version);
});

test('GET /users/{id}: 404 not_found for an unknown id', async () => {
  assertError(await admin.get('/api/v1/users/999999'), 404, 'not_found');
  assertError(await admin.patch('/api/v1/users/999999', { version: 1, display_name: 'x' }), 404, 'not_found');
  assertError(await admin.post('/api/v1/users/999999/actions/disable', {}), 404, 'not_found');
});

test('list filter role', async () => {
  const j = assertOk(await admin.get('/api/v1/users?role=agent&per_page=200'));
  const names = j.items.map((u) => u.username);
  assert.ok(names.includes('agent') && names.includes('agent2'));
  for (const n of ['manager', 'supervisor', 'technician', 'admin']) assert.ok(!names.includes(n), `${n} not an agent`);
  assert.ok(j.items.every((u) => u.roles.some((r) => r.role === 'agent')));
  assert.equal(j.total, j.items.length);
});

test('list filter project_id and its combination with role', async () => {
  const j2 = assertOk(await admin.get('/api/v1/users?project_id=2&per_page=200'));
  const n2 = j2.items.map((u) => u.username);
  assert.ok(n2.includes('manager') && n2.includes('agent2'));
  for (const n of ['agent', 'supervisor', 'steward', 'technician', 'cashier', 'storekeeper']) assert.ok(!n2.includes(n), `${n} not in project 2`);

  const j = assertOk(await admin.get('/api/v1/users?project_id=1&role=agent&per_page=200'));
  const n = j.items.map((u) => u.username);
  assert.ok(n.includes('agent'));
  assert.ok(!n.includes('agent2'));
  assert.ok(!n.includes('supervisor'));
  assert.ok(j.items.every((u) => u.roles.some((r) => r.role === 'agent' && r.project_id === 1)));

  // agent2's supervisor-less project 2 as seen by the manager
  const m = assertOk(await manager.get('/api/v1/users?project_id=2&per_page=200'));
  assert.ok(m.items.some((u) => u.username === 'agent2'));
});

test('list filter q matches user name and display name', async () => {
  const a = assertOk(await admin.get(`/api/v1/users?q=${encodeURIComponent('李静')}`));
  assert.ok(a.items.some((u) => u.username === 'agent'));
  assert.ok(a.items.every((u) => /李静/.test(u.display_name) || /李静/.test(u.username) || /李静/.test(u.phone || '')));
  const b = assertOk(await admin.get('/api/v1/users?q=storekeep'));
  assert.deepEqual(b.items.map((u) => u.username), ['storekeeper']);
  assert.equal(b.total, 1);
  const p = await createUser(admin, { username: uniqueName('ph'), display_name: '电话测试', phone: '13612345678' });
  const c = assertOk(await admin.get('/api/v1/users?q=13612345678'));
  assert.deepEqual(c.items.map((u) => u.id), [p.id]);
  const none = assertOk(await admin.get('/api/v1/users?q=zzzznobody'));
  assert.equal(none.total, 0);
  assert.deepEqual(none.items, []);
});

test('pagination: total, page, per_page, disjoint pages', async () => {
  const all = assertOk(await admin.get('/api/v1/users?per_page=200'));
  const total = all.total;
  assert.ok(total >= 10);
  const p1 = assertOk(await admin.get('/api/v1/users?per_page=3&page=1'));
  const p2 = assertOk(await admin.get('/api/v1/users?per_page=3&page=2'));
  assert.equal(p1.total, total);
  assert.equal(p2.total, total);
  assert.equal(p1.page, 1);
  assert.equal(p2.page, 2);
  assert.equal(p1.per_page, 3);
  assert.equal(p2.per_page, 3);
  assert.equal(p1.items.length, 3);
  assert.equal(p2.items.length, 3);
  const ids1 = new Set(p1.items.map((u) => u.id));
  assert.ok(p2.items.every((u) => !ids1.has(u.id)), 'pages do not overlap');
  const last = Math.ceil(total / 3);
  const pl = assertOk(await admin.get(`/api/v1/users?per_page=3&page=${last}`));
  assert.equal(pl.items.length, total - 3 * (last - 1));
  const beyond = assertOk(await admin.get(`/api/v1/users?per_page=3&page=${last + 1}`));
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.total, total);
  // walking all pages yields every user once
  const seen = new Set();
  for (let p = 1; p <= last; p++) {
    for (const u of assertOk(await admin.get(`/api/v1/users?per_page=3&page=${p}`)).items) seen.add(u.id);
  }
  assert.equal(seen.size, total);
});

test('pagination limits: per_page over 200 is refused or capped; malformed page → 400 bad_request', async () => {
  const r = await admin.get('/api/v1/users?per_page=500');
  if (r.status === 200) assert.ok(r.json.per_page <= 200, `per_page capped: ${r.json.per_page}`);
  else assertError(r, 400, 'bad_request');
  assertError(await admin.get('/api/v1/users?page=abc'), 400, 'bad_request');
  assertError(await admin.get('/api/v1/users?per_page=-1'), 400, 'bad_request');
  assertError(await admin.get('/api/v1/users?project_id=abc'), 400, 'bad_request');
  assertError(await admin.get('/api/v1/users?disabled=maybe'), 400, 'bad_request');
});

test('demo users can log in with demo1234 and last_login_at is set', async () => {
  const c = await loginAs(srv.url, 'cashier', DEMO_PASSWORD);
  const me = assertOk(await c.get('/api/v1/me'));
  assert.equal(me.user.display_name, '赵丽');
  const u = await findUser(admin, 'cashier');
  assert.ok(u.last_login_at, 'last_login_at set after login');
});

test('concurrent edits with the same version: exactly one wins, the rest get 409 conflict', async () => {
  const u = await createUser(admin, { username: uniqueName('cc'), display_name: '并发' });
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    admin.patch(`/api/v1/users/${u.id}`, { version: u.version, display_name: `并发${i}` })));
  const ok = results.filter((r) => r.status === 200);
  const conflicts = results.filter((r) => r.status === 409);
  assert.equal(ok.length, 1, `one winner: ${results.map((r) => r.status)}`);
  assert.equal(conflicts.length, 7, `others conflict: ${results.map((r) => r.status)}`);
  for (const r of conflicts) assertError(r, 409, 'conflict');
  const got = assertOk(await admin.get(`/api/v1/users/${u.id}`));
  assert.equal(got.version, u.version + 1);
  assert.equal(got.display_name, ok[0].json.display_name);
});

test('concurrent creates of one user name: one 201, the rest 409 duplicate', async () => {
  const name = uniqueName('race');
  const before = await userTotal(admin);
  const results = await Promise.all(Array.from({ length: 6 }, () =>
    admin.post('/api/v1/users', { username: name, display_name: '抢注', roles: [{ project_id: 1, role: 'agent' }] })));
  assert.equal(results.filter((r) => r.status === 201).length, 1, `statuses ${results.map((r) => r.status)}`);
  for (const r of results.filter((x) => x.status !== 201)) assertError(r, 409, 'duplicate');
  assert.equal(await userTotal(admin), before + 1);
});

// A user whose last role a manager revokes belongs to no project; they used to vanish from the
// manager's view (404), so the role could not be given back.
test('a manager who revokes a user’s last role still finds them and can grant a role again', async () => {
  const name = uniqueName('norole');
  const created = await createUser(admin, { username: name, display_name: '无角色测试', roles: [{ project_id: 1, role: 'cashier' }] });
  const u = created.user || created;
  assertOk(await manager.post(`/api/v1/users/${u.id}/actions/revoke_role`, { project_id: 1, role: 'cashier' }));
  const got = assertOk(await manager.get(`/api/v1/users/${u.id}`));
  assert.deepEqual(got.roles, []);
  const list = assertOk(await manager.get(`/api/v1/users?q=${name}`));
  assert.deepEqual(list.items.map((x) => x.username), [name], 'the list shows a user without roles');
  const again = assertOk(await manager.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 1, role: 'cashier' }));
  assert.deepEqual(again.roles.map((r) => [r.project_id, r.role]), [[1, 'cashier']]);
  // a manager still grants only in their own projects, and a user with roles elsewhere stays hidden
  assertError(await manager.post(`/api/v1/users/${u.id}/actions/grant_role`, { project_id: 3, role: 'cashier' }), 404);
});
