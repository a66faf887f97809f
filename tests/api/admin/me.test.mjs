// me.test.mjs — GET /api/v1/me (roles and permissions per project) and POST /api/v1/me/password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, client, loginAs, roleTriples, assertError, assertOk, createUser, uniqueName, DEMO_PASSWORD,
} from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

const ALL_ROLES_PERMS = ['projects.read', 'deadlines.read'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function companyRoleNames(me) {
  return me.company_roles.map((r) => (typeof r === 'string' ? r : r.role));
}

test('agent: one project with role agent, only the read-all permissions', async () => {
  const c = await loginAs(srv.url, 'agent');
  const me = assertOk(await c.get('/api/v1/me'));
  assert.equal(me.user.username, 'agent');
  assert.equal(me.user.display_name, '李静');
  assert.equal(me.user.is_admin, false);
  assert.equal(me.user.disabled, false);
  assert.equal(me.user.must_change_password, false);
  assert.ok(Number.isInteger(me.user.version) && me.user.version >= 1);
  assert.match(me.user.created_at, ISO);
  assert.deepEqual(roleTriples(me.user.roles), [{ project_id: 1, project_name: '翠湖花园管理处', role: 'agent' }]);
  assert.equal(typeof me.csrf_token, 'string');
  assert.equal(me.csrf_token, c.csrf, 'GET /me gives the session\'s csrf token');
  assert.equal(me.projects.length, 1);
  assert.equal(me.projects[0].id, 1);
  assert.equal(me.projects[0].name, '翠湖花园管理处');
  assert.deepEqual(me.projects[0].roles, ['agent']);
  for (const p of ALL_ROLES_PERMS) {
    assert.ok(me.projects[0].permissions.includes(p), `project permission ${p}`);
    assert.ok(me.permissions.includes(p), `top-level permission ${p}`);
  }
  for (const p of ['users.read', 'users.manage', 'audit.read', 'projects.manage']) {
    assert.ok(!me.permissions.includes(p), `agent must not have ${p}`);
    assert.ok(!me.projects[0].permissions.includes(p), `agent must not have ${p} in project 1`);
  }
  assert.deepEqual(me.company_roles, []);
});

test('agent2: sees only project 2', async () => {
  const c = await loginAs(srv.url, 'agent2');
  const me = assertOk(await c.get('/api/v1/me'));
  assert.equal(me.user.display_name, '周婷');
  assert.deepEqual(me.projects.map((p) => p.id), [2]);
  assert.equal(me.projects[0].name, '金桂苑管理处');
  assert.deepEqual(me.projects[0].roles, ['agent']);
  assert.deepEqual(roleTriples(me.user.roles), [{ project_id: 2, project_name: '金桂苑管理处', role: 'agent' }]);
});

test('manager: manager in projects 1 and 2 with manage permissions in each', async () => {
  const c = await loginAs(srv.url, 'manager');
  const me = assertOk(await c.get('/api/v1/me'));
  assert.equal(me.user.display_name, '王建国');
  const ids = me.projects.map((p) => p.id).sort();
  assert.deepEqual(ids, [1, 2]);
  for (const p of me.projects) {
    assert.deepEqual(p.roles, ['manager'], `roles in project ${p.id}`);
    for (const perm of ['projects.read', 'projects.manage', 'users.read', 'users.manage', 'audit.read', 'deadlines.read']) {
      assert.ok(p.permissions.includes(perm), `manager has ${perm} in project ${p.id}`);
    }
  }
  for (const perm of ['users.read', 'users.manage', 'audit.read', 'projects.manage']) {
    assert.ok(me.permissions.includes(perm), `top-level ${perm}`);
  }
  assert.deepEqual(me.company_roles, []);
  assert.equal(me.user.is_admin, false);
});

test('supervisor: users.read and audit.read but not users.manage', async () => {
  const c = await loginAs(srv.url, 'supervisor');
  const me = assertOk(await c.get('/api/v1/me'));
  assert.deepEqual(me.projects.map((p) => p.id), [1]);
  assert.deepEqual(me.projects[0].roles, ['supervisor']);
  assert.ok(me.permissions.includes('users.read'));
  assert.ok(me.permissions.includes('audit.read'));
  assert.ok(!me.permissions.includes('users.manage'));
  assert.ok(!me.permissions.includes('projects.manage'));
});

test('top-level permissions are the union over projects', async () => {
  for (const name of ['agent', 'manager', 'supervisor', 'technician', 'cashier', 'storekeeper']) {
    const c = await loginAs(srv.url, name);
    const me = assertOk(await c.get('/api/v1/me'));
    const union = new Set(me.projects.flatMap((p) => p.permissions));
    assert.deepEqual([...new Set(me.permissions)].sort(), [...union].sort(), `${name}: permissions = union`);
  }
});

test('admin: company-wide admin, sees every project', async () => {
  const c = await loginAs(srv.url, 'admin');
  const me = assertOk(await c.get('/api/v1/me'));
  assert.equal(me.user.is_admin, true);
  assert.ok(companyRoleNames(me).includes('admin'), `company_roles ${JSON.stringify(me.company_roles)}`);
  assert.ok(me.user.roles.some((r) => r.project_id === null && r.role === 'admin'), 'user.roles has the company-wide admin');
  const ids = me.projects.map((p) => p.id).sort();
  assert.deepEqual(ids, [1, 2]);
  for (const perm of ['users.read', 'users.manage', 'audit.read', 'projects.manage', 'projects.read', 'deadlines.read']) {
    assert.ok(me.permissions.includes(perm), `admin has ${perm}`);
  }
});

test('change password: wrong old password → 422 field old_password; nothing changes', async () => {
  const c = await loginAs(srv.url, 'storekeeper');
  assertError(await c.post('/api/v1/me/password', { old_password: 'not-it-123', new_password: 'NewPass2026' }),
    422, 'validation_failed', 'old_password');
  // the old password still works, the attempted new one does not
  assertOk(await client(srv.url).login('storekeeper', DEMO_PASSWORD));
  assertError(await client(srv.url).login('storekeeper', 'NewPass2026'), 401, 'invalid_credentials');
});

test('change password: weak new passwords → 422 field new_password', async () => {
  const c = await loginAs(srv.url, 'storekeeper');
  for (const weak of ['abc12', 'abcdefgh', '12345678', '', 'short1']) {
    assertError(await c.post('/api/v1/me/password', { old_password: DEMO_PASSWORD, new_password: weak }),
      422, 'validation_failed', 'new_password');
  }
  // issue 19: ten characters at least, not the user name, not a common password, no control
  // characters, no space at either end — each refused with a message naming its rule
  for (const [weak, rule] of [['password1', /至少 10 位/], ['Storekeeper1', /用户名/], ['x storekeeper9', /用户名/],
                              ['password123', /常见/], ['Qwerty1234', /常见/], ['Tabbed2026\t', /控制字符/],
                              [' Spaced2026', /空格/], ['Spaced2026 ', /空格/], ['abcdefghijk', /字母和数字/]]) {
    const res = await c.post('/api/v1/me/password', { old_password: DEMO_PASSWORD, new_password: weak });
    assertError(res, 422, 'validation_failed', 'new_password');
    assert.match(res.json.error.message, rule, JSON.stringify(weak));
  }
  assertError(await c.post('/api/v1/me/password', { old_password: DEMO_PASSWORD, new_password: 12345678 }),
    422, 'validation_failed', 'new_password');
  assertError(await c.post('/api/v1/me/password', { old_password: DEMO_PASSWORD }),
    422, 'validation_failed', 'new_password');
  assertOk(await client(srv.url).login('storekeeper', DEMO_PASSWORD));
});

test('change password needs the CSRF token', async () => {
  const c = await loginAs(srv.url, 'storekeeper');
  assertError(await c.post('/api/v1/me/password', { old_password: DEMO_PASSWORD, new_password: 'Changed2026x' }, { csrf: false }),
    403, 'csrf_failed');
  assertOk(await client(srv.url).login('storekeeper', DEMO_PASSWORD));
});

test('change password: 204, old password refused, new works, other sessions end, this one stays', async () => {
  const a = await loginAs(srv.url, 'storekeeper');
  const b = await loginAs(srv.url, 'storekeeper');
  const res = await a.post('/api/v1/me/password', { old_password: DEMO_PASSWORD, new_password: 'Store2026new' });
  assert.equal(res.status, 204, res.text);
  assertError(await b.get('/api/v1/me'), 401, 'unauthenticated');
  assertOk(await a.get('/api/v1/me'));
  assertError(await client(srv.url).login('storekeeper', DEMO_PASSWORD), 401, 'invalid_credentials');
  const c = client(srv.url);
  const ok = assertOk(await c.login('storekeeper', 'Store2026new'));
  assert.equal(ok.user.username, 'storekeeper');
});

test('a user created without a password must change it; after the change the flag clears', async () => {
  const admin = await loginAs(srv.url, 'admin');
  const name = uniqueName('mcp');
  const u = await createUser(admin, { username: name, display_name: '新员工' });
  assert.equal(typeof u.initial_password, 'string');
  assert.ok(u.initial_password.length >= 8);
  assert.equal(u.must_change_password, true);
  const c = client(srv.url);
  const login = assertOk(await c.login(name, u.initial_password));
  assert.equal(login.user.must_change_password, true);
  const me = assertOk(await c.get('/api/v1/me'));
  assert.equal(me.user.must_change_password, true);
  assert.equal((await c.post('/api/v1/me/password', { old_password: u.initial_password, new_password: 'Fresh2026pw' })).status, 204);
  const me2 = assertOk(await c.get('/api/v1/me'));
  assert.equal(me2.user.must_change_password, false);
  assertOk(await client(srv.url).login(name, 'Fresh2026pw'));
});

test('GET /me via an unknown method → 405 with Allow', async () => {
  const c = await loginAs(srv.url, 'agent');
  const res = await c.del('/api/v1/me');
  assertError(res, 405, 'method_not_allowed');
  assert.match(res.headers.get('allow') || '', /GET/);
});

// The old password is checked and the new one hashed before the writer is taken (RF_OWN_TX):
// two changes sent at once must not both win. One is stored; the other is refused, either at
// the check (the old password no longer matches) or at the write (409: it changed meanwhile).
test('change password twice at once: one is stored, the other refused', async () => {
  const u = await createUser(await loginAs(srv.url, 'admin'), { password: 'First2026pw', roles: [{ project_id: 1, role: 'agent' }] });
  const first = client(srv.url);
  assert.equal((await first.login(u.username, 'First2026pw')).status, 200);
  assertOk(await first.post('/api/v1/me/password', { old_password: 'First2026pw', new_password: 'Second2026pw' }), 204);
  const c = client(srv.url);
  assert.equal((await c.login(u.username, 'Second2026pw')).status, 200);
  const [a, b] = await Promise.all([
    c.post('/api/v1/me/password', { old_password: 'Second2026pw', new_password: 'ThirdA2026pw' }),
    c.post('/api/v1/me/password', { old_password: 'Second2026pw', new_password: 'ThirdB2026pw' }),
  ]);
  const won = [a, b].filter((r) => r.status === 204);
  const lost = [a, b].filter((r) => r.status !== 204);
  assert.equal(won.length, 1, `one change stored: ${a.status} ${b.status}`);
  assert.ok([409, 422].includes(lost[0].status), `the other refused: ${lost[0].status} ${lost[0].text}`);
  const winner = won[0] === a ? 'ThirdA2026pw' : 'ThirdB2026pw';
  const loser = won[0] === a ? 'ThirdB2026pw' : 'ThirdA2026pw';
  assert.equal((await client(srv.url).login(u.username, winner)).status, 200, 'the stored password logs in');
  assertError(await client(srv.url).login(u.username, loser), 401, 'invalid_credentials');
});
