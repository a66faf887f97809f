// tokens.test.mjs — API tokens for scripts: create (shown once), list, Bearer auth without CSRF,
// revoke, and tokens of disabled users.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, client, loginAs, assertError, assertOk, createUser, uniqueName, userTotal,
} from '../lib/harness.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
});
after(async () => { await srv?.stop(); });

function bearer(token) {
  const c = client(srv.url);
  c.token = token;
  return c;
}

test('a new user has no tokens', async () => {
  const c = await loginAs(srv.url, 'cashier');
  const j = assertOk(await c.get('/api/v1/tokens'));
  assert.deepEqual(j.items, []);
});

test('create a token: 201 with kf_ token shown once; the list shows it without the secret', async () => {
  const c = await loginAs(srv.url, 'manager');
  const res = await c.post('/api/v1/tokens', { name: '导入脚本' });
  const t = assertOk(res, 201);
  assert.ok(Number.isInteger(t.id));
  assert.equal(t.name, '导入脚本');
  assert.match(t.token, /^kf_[A-Za-z0-9_-]{20,}$/);
  const list = assertOk(await c.get('/api/v1/tokens'));
  assert.equal(list.items.length, 1);
  const item = list.items[0];
  assert.equal(item.id, t.id);
  assert.equal(item.name, '导入脚本');
  assert.ok('created_at' in item && 'last_used_at' in item);
  assert.equal(item.last_used_at, null, 'never used yet');
  assert.ok(!JSON.stringify(list).includes(t.token), 'the secret is not listed');
  assert.ok(!JSON.stringify(list).includes(t.token.slice(3)), 'nor its body');
  // tokens are per user
  const other = await loginAs(srv.url, 'supervisor');
  assert.ok(!assertOk(await other.get('/api/v1/tokens')).items.some((x) => x.id === t.id));
});

test('token creation validates its body and needs CSRF with a cookie', async () => {
  const c = await loginAs(srv.url, 'steward');
  assertError(await c.post('/api/v1/tokens', { name: 7 }), 422, 'validation_failed', 'name');
  assertError(await c.post('/api/v1/tokens', { name: '' }), 422, 'validation_failed', 'name');
  assertError(await c.post('/api/v1/tokens', {}), 422, 'validation_failed', 'name');
  assertError(await c.post('/api/v1/tokens', { name: '脚本', scope: 'all' }), 422, 'unknown_field', 'scope');
  assertError(await c.post('/api/v1/tokens', { name: '脚本' }, { csrf: false }), 403, 'csrf_failed');
  assert.deepEqual(assertOk(await c.get('/api/v1/tokens')).items, []);
  assertError(await client(srv.url).post('/api/v1/tokens', { name: '匿名' }), 401, 'unauthenticated');
});

test('Bearer requests authenticate and need no CSRF token', async () => {
  const t = assertOk(await admin.post('/api/v1/tokens', { name: '管理脚本' }), 201);
  const b = bearer(t.token);
  const me = assertOk(await b.get('/api/v1/me'));
  assert.equal(me.user.username, 'admin');
  const before = await userTotal(admin);
  // a write without any X-CSRF-Token header
  const name = uniqueName('tok');
  const res = await b.post('/api/v1/users', { username: name, display_name: '脚本创建', roles: [{ project_id: 1, role: 'agent' }] });
  const u = assertOk(res, 201);
  assert.equal(await userTotal(admin), before + 1);
  const p = assertOk(await b.patch(`/api/v1/users/${u.id}`, { version: u.version, display_name: '脚本改名' }));
  assert.equal(p.display_name, '脚本改名');
  // the audit row names the token's owner as actor
  const a = assertOk(await admin.get(`/api/v1/audit?entity=user&id=${u.id}`));
  assert.ok(a.items.every((r) => r.actor_id === me.user.id));
  // last_used_at is set now
  const list = assertOk(await admin.get('/api/v1/tokens'));
  const item = list.items.find((x) => x.id === t.id);
  assert.ok(item.last_used_at, 'last_used_at set after use');
  // a bearer request does not set a session cookie
  const r2 = await b.get('/api/v1/me');
  assert.ok(!r2.headers.getSetCookie().some((x) => x.startsWith('kefu_session=')));
});

test('a token carries its owner\'s permissions only', async () => {
  const c = await loginAs(srv.url, 'agent');
  const t = assertOk(await c.post('/api/v1/tokens', { name: '前台脚本' }), 201);
  const b = bearer(t.token);
  assertError(await b.get('/api/v1/users'), 403, 'forbidden');
  assertError(await b.get('/api/v1/projects/2'), 404, 'not_found');
  assert.equal(assertOk(await b.get('/api/v1/projects')).total, 1);
});

test('revoked token → 401; DELETE answers 204', async () => {
  const c = await loginAs(srv.url, 'technician');
  const t = assertOk(await c.post('/api/v1/tokens', { name: '临时' }), 201);
  const b = bearer(t.token);
  assertOk(await b.get('/api/v1/me'));
  const del = await c.del(`/api/v1/tokens/${t.id}`);
  assert.equal(del.status, 204, del.text);
  assertError(await b.get('/api/v1/me'), 401, 'unauthenticated');
  assertError(await b.post('/api/v1/tokens', { name: '复活' }), 401, 'unauthenticated');
  assert.ok(!assertOk(await c.get('/api/v1/tokens')).items.some((x) => x.id === t.id));
  assertError(await c.del(`/api/v1/tokens/${t.id}`), 404, 'not_found');
});

test('DELETE of a token needs CSRF with a cookie; another user\'s token is 404', async () => {
  const owner = await loginAs(srv.url, 'storekeeper');
  const t = assertOk(await owner.post('/api/v1/tokens', { name: '仓库脚本' }), 201);
  assertError(await owner.del(`/api/v1/tokens/${t.id}`, undefined, { csrf: false }), 403, 'csrf_failed');
  const other = await loginAs(srv.url, 'cashier');
  assertError(await other.del(`/api/v1/tokens/${t.id}`), 404, 'not_found');
  assertOk(await bearer(t.token).get('/api/v1/me'));
  assert.ok(assertOk(await owner.get('/api/v1/tokens')).items.some((x) => x.id === t.id));
  assertError(await owner.del('/api/v1/tokens/abc'), 404);
});

test('made-up tokens → 401 unauthenticated', async () => {
  for (const tok of ['kf_notarealtoken000000000000000000', 'kf_', 'xyz', "kf_' OR 1=1 --"]) {
    assertError(await bearer(tok).get('/api/v1/me'), 401, 'unauthenticated');
  }
  // a valid token with one character changed
  const t = assertOk(await admin.post('/api/v1/tokens', { name: '篡改测试' }), 201);
  const last = t.token.slice(-1);
  const forged = t.token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
  assertError(await bearer(forged).get('/api/v1/me'), 401, 'unauthenticated');
});

test('tokens of a disabled user stop at once', async () => {
  const name = uniqueName('tk');
  const u = await createUser(admin, { username: name, display_name: '脚本用户', password: 'Token2026x' });
  const c = await loginAs(srv.url, name, 'Token2026x');
  // a user must change the password an admin set before anything else, tokens included
  assertError(await c.post('/api/v1/tokens', { name: '我的脚本' }), 403, 'forbidden');
  assertOk(await c.post('/api/v1/me/password', { old_password: 'Token2026x', new_password: 'Token2027y' }), 204);
  const t = assertOk(await c.post('/api/v1/tokens', { name: '我的脚本' }), 201);
  const b = bearer(t.token);
  assertOk(await b.get('/api/v1/me'));
  const d = await admin.post(`/api/v1/users/${u.id}/actions/disable`, {});
  assert.ok(d.status === 200 || d.status === 204, d.text);
  const r = await b.get('/api/v1/me');
  assert.ok(r.status === 401 || r.status === 403, `disabled user's token: ${r.status} ${r.text}`);
  assertError(r, r.status, r.status === 401 ? 'unauthenticated' : 'account_disabled');
});

// Issue 19, defect 1: a token ends with its user's credentials, cannot make tokens, has an
// expiry, shows where it was last used, and whoever manages the user sees and revokes it.
async function userWithToken(password = 'Token2026x') {
  const name = uniqueName('te');
  const u = await createUser(admin, { username: name, display_name: '令牌用户', password, roles: [{ project_id: 1, role: 'agent' }] });
  let c = await loginAs(srv.url, name, password);
  assertOk(await c.post('/api/v1/me/password', { old_password: password, new_password: 'Token2027y' }), 204);
  c = await loginAs(srv.url, name, 'Token2027y');
  const t = assertOk(await c.post('/api/v1/tokens', { name: '脚本' }), 201);
  assertOk(await bearer(t.token).get('/api/v1/me'));
  return { u, c, t, b: bearer(t.token), name };
}

async function adminTokenRow(uid, tid) {
  return assertOk(await admin.get(`/api/v1/users/${uid}/tokens`)).items.find((x) => x.id === tid);
}

test('an admin\'s password reset ends the user\'s tokens', async () => {
  const { u, t, b } = await userWithToken();
  assertOk(await admin.post(`/api/v1/users/${u.id}/actions/reset_password`, {}));
  assertError(await b.get('/api/v1/me'), 401, 'unauthenticated');
  const row = await adminTokenRow(u.id, t.id);
  assert.equal(row.status, 'revoked');
  assert.equal(row.revoked_reason, 'password_reset');
  assert.equal(row.revoked_reason_label, '密码被重置');
});

test('the user\'s own password change ends their tokens (the session that changed it stays)', async () => {
  const { u, c, t, b } = await userWithToken();
  assertOk(await c.post('/api/v1/me/password', { old_password: 'Token2027y', new_password: 'Token2028z' }), 204);
  assertError(await b.get('/api/v1/me'), 401, 'unauthenticated');
  assertOk(await c.get('/api/v1/me'));
  assert.deepEqual(assertOk(await c.get('/api/v1/tokens')).items, [], 'the own list shows no ended token');
  assert.equal((await adminTokenRow(u.id, t.id)).revoked_reason, 'password_changed');
});

test('disable → enable does not bring a token back', async () => {
  const { u, t, b } = await userWithToken();
  assertOk(await admin.post(`/api/v1/users/${u.id}/actions/disable`, {}));
  assertOk(await admin.post(`/api/v1/users/${u.id}/actions/enable`, {}));
  assertError(await b.get('/api/v1/me'), 401, 'unauthenticated');
  assert.equal((await adminTokenRow(u.id, t.id)).revoked_reason, 'disabled');
});

test('a token cannot mint tokens nor change the password; only a session can', async () => {
  const { c, b } = await userWithToken();
  const before = assertOk(await c.get('/api/v1/tokens')).items.length;
  const r = await b.post('/api/v1/tokens', { name: '自我复制' });
  assertError(r, 403, 'forbidden');
  assert.match(r.json.error.message, /令牌/);
  assertError(await b.post('/api/v1/me/password', { old_password: 'Token2027y', new_password: 'Stolen2026q' }), 403, 'forbidden');
  assert.equal(assertOk(await c.get('/api/v1/tokens')).items.length, before, 'no token was made');
  assertOk(await b.get('/api/v1/me'), 200, 'the password did not change, the token still works');
});

test('tokens expire after 90 days unless asked; 1–365 days may be asked', async () => {
  const c = await loginAs(srv.url, 'supervisor');
  const t = assertOk(await c.post('/api/v1/tokens', { name: '默认期限' }), 201);
  const days = (x) => Math.round((Date.parse(x.expires_at) - Date.parse(x.created_at)) / 86400000);
  assert.equal(days(t), 90);
  const t2 = assertOk(await c.post('/api/v1/tokens', { name: '一年', expires_in_days: 365 }), 201);
  assert.equal(days(t2), 365);
  const listed = assertOk(await c.get('/api/v1/tokens')).items.find((x) => x.id === t2.id);
  assert.equal(listed.expires_at, t2.expires_at);
  assert.equal(listed.status, 'active');
  for (const bad of [0, 366, -1, 1.5, '30', false]) {
    assertError(await c.post('/api/v1/tokens', { name: '坏期限', expires_in_days: bad }), 422, 'validation_failed', 'expires_in_days');
  }
  assert.ok(!assertOk(await c.get('/api/v1/tokens')).items.some((x) => x.name === '坏期限'));
});

test('every token use shows its last-used time and address', async () => {
  const { u, t } = await userWithToken();
  const row = await adminTokenRow(u.id, t.id);
  assert.ok(row.last_used_at, 'last used time');
  assert.equal(row.last_used_ip, '127.0.0.1');
  assert.ok(Math.abs(Date.parse(row.last_used_at) - Date.now()) < 60000);
});

test('whoever manages a user lists and revokes their tokens; others cannot', async () => {
  const { u, t, b } = await userWithToken();
  const manager = await loginAs(srv.url, 'manager');
  const list = assertOk(await manager.get(`/api/v1/users/${u.id}/tokens`));
  const row = list.items.find((x) => x.id === t.id);
  assert.equal(row.name, '脚本');
  assert.ok(!JSON.stringify(list).includes(t.token.slice(3)), 'the secret is never listed');
  for (const who of ['agent', 'supervisor', 'technician']) {
    const o = await loginAs(srv.url, who);
    assertError(await o.get(`/api/v1/users/${u.id}/tokens`), 403, 'forbidden');
    assertError(await o.del(`/api/v1/users/${u.id}/tokens/${t.id}`), 403, 'forbidden');
  }
  assertOk(await b.get('/api/v1/me'));
  // a token id of another user under this user → 404, nothing revoked
  const other = assertOk(await (await loginAs(srv.url, 'cashier')).post('/api/v1/tokens', { name: '别人的' }), 201);
  assertError(await manager.del(`/api/v1/users/${u.id}/tokens/${other.id}`), 404, 'not_found');
  const del = await manager.del(`/api/v1/users/${u.id}/tokens/${t.id}`);
  assert.equal(del.status, 204, del.text);
  assertError(await b.get('/api/v1/me'), 401, 'unauthenticated');
  const after = await adminTokenRow(u.id, t.id);
  assert.equal(after.revoked_reason, 'revoked_by_admin');
  assertError(await manager.del(`/api/v1/users/${u.id}/tokens/${t.id}`), 404, 'not_found');
  const audit = assertOk(await admin.get(`/api/v1/audit?entity=api_token&id=${t.id}`));
  assert.ok(audit.items.some((r) => r.action === 'revoked_by_admin'), JSON.stringify(audit.items));
  // the user's own list no longer shows it
  const mine = assertOk(await (await loginAs(srv.url, u.username, 'Token2027y')).get('/api/v1/tokens'));
  assert.ok(!mine.items.some((x) => x.id === t.id));
});
