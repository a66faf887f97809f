// projects.test.mjs — projects (管理处): visibility, create, edit with versions, validation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, assertError, assertOk } from '../lib/harness.mjs';

let srv;
let admin;
let manager;
before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
  manager = await loginAs(srv.url, 'manager');
});
after(async () => { await srv?.stop(); });

const KEYS = ['id', 'code', 'name', 'address', 'phone', 'active', 'version', 'created_at', 'updated_at'];

async function projectTotal() {
  return assertOk(await admin.get('/api/v1/projects')).total;
}

test('admin lists both demo projects with the documented object', async () => {
  const j = assertOk(await admin.get('/api/v1/projects'));
  assert.equal(j.total, 2);
  assert.equal(j.items.length, 2);
  assert.equal(j.page, 1);
  assert.equal(j.per_page, 50);
  const byId = Object.fromEntries(j.items.map((p) => [p.id, p]));
  assert.equal(byId[1].name, '翠湖花园管理处');
  assert.equal(byId[1].code, 'CH');
  assert.equal(byId[2].name, '金桂苑管理处');
  assert.equal(byId[2].code, 'JG');
  for (const p of j.items) {
    for (const k of KEYS) assert.ok(k in p, `project ${p.id} has ${k}`);
    assert.equal(p.active, true);
    assert.ok(Number.isInteger(p.version));
  }
});

test('agent sees one project; agent2 sees only project 2', async () => {
  const agent = await loginAs(srv.url, 'agent');
  const j = assertOk(await agent.get('/api/v1/projects'));
  assert.equal(j.total, 1);
  assert.deepEqual(j.items.map((p) => p.id), [1]);
  assert.equal(assertOk(await agent.get('/api/v1/projects/1')).name, '翠湖花园管理处');
  assertError(await agent.get('/api/v1/projects/2'), 404, 'not_found');

  const agent2 = await loginAs(srv.url, 'agent2');
  const j2 = assertOk(await agent2.get('/api/v1/projects'));
  assert.deepEqual(j2.items.map((p) => p.id), [2]);
  assert.equal(j2.total, 1);
  assertError(await agent2.get('/api/v1/projects/1'), 404, 'not_found');
});

test('manager sees both projects', async () => {
  const j = assertOk(await manager.get('/api/v1/projects'));
  assert.deepEqual(j.items.map((p) => p.id).sort(), [1, 2]);
});

test('project list filter q', async () => {
  const j = assertOk(await admin.get(`/api/v1/projects?q=${encodeURIComponent('金桂')}`));
  assert.deepEqual(j.items.map((p) => p.id), [2]);
  assert.equal(j.total, 1);
  const none = assertOk(await admin.get(`/api/v1/projects?q=${encodeURIComponent('不存在的小区')}`));
  assert.equal(none.total, 0);
});

test('GET unknown project → 404 not_found', async () => {
  assertError(await admin.get('/api/v1/projects/9999'), 404, 'not_found');
});

test('admin creates a project: 201', async () => {
  const before = await projectTotal();
  const res = await admin.post('/api/v1/projects', { code: 'LH', name: '绿荷苑管理处', address: '杭州市西湖区荷花路1号', phone: '0571-88880000' });
  const p = assertOk(res, 201);
  assert.ok(Number.isInteger(p.id));
  assert.equal(p.code, 'LH');
  assert.equal(p.name, '绿荷苑管理处');
  assert.equal(p.address, '杭州市西湖区荷花路1号');
  assert.equal(p.phone, '0571-88880000');
  assert.equal(p.active, true);
  assert.equal(p.version, 1);
  assert.equal(await projectTotal(), before + 1);
  assert.equal(assertOk(await admin.get(`/api/v1/projects/${p.id}`)).name, '绿荷苑管理处');
  // a manager of projects 1 and 2 does not see it
  assertError(await manager.get(`/api/v1/projects/${p.id}`), 404, 'not_found');
});

test('a project with only code and name is fine', async () => {
  const p = assertOk(await admin.post('/api/v1/projects', { code: 'QS', name: '青松里管理处' }), 201);
  assert.equal(p.name, '青松里管理处');
});

test('duplicate project code → 409 duplicate', async () => {
  const before = await projectTotal();
  assertError(await admin.post('/api/v1/projects', { code: 'CH', name: '另一个翠湖' }), 409, 'duplicate');
  assert.equal(await projectTotal(), before);
});

test('manager / agent cannot create a project: 403 forbidden', async () => {
  const before = await projectTotal();
  assertError(await manager.post('/api/v1/projects', { code: 'MG', name: '经理建的' }), 403, 'forbidden');
  const agent = await loginAs(srv.url, 'agent');
  assertError(await agent.post('/api/v1/projects', { code: 'AG', name: '前台建的' }), 403, 'forbidden');
  assert.equal(await projectTotal(), before);
});

test('create project validation: missing / wrong fields → 422 with field', async () => {
  const before = await projectTotal();
  assertError(await admin.post('/api/v1/projects', { name: '无编码' }), 422, 'validation_failed', 'code');
  assertError(await admin.post('/api/v1/projects', { code: 'NN' }), 422, 'validation_failed', 'name');
  assertError(await admin.post('/api/v1/projects', { code: 'NN', name: '' }), 422, 'validation_failed', 'name');
  assertError(await admin.post('/api/v1/projects', { code: 123, name: '数字编码' }), 422, 'validation_failed', 'code');
  assertError(await admin.post('/api/v1/projects', { code: 'NN', name: ['数组'] }), 422, 'validation_failed', 'name');
  assertError(await admin.post('/api/v1/projects', { code: 'NN', name: '好', address: 5 }), 422, 'validation_failed', 'address');
  assertError(await admin.post('/api/v1/projects', { code: 'NN', name: '好', owner: 'x' }), 422, 'unknown_field', 'owner');
  assert.equal(await projectTotal(), before);
});

test('manager edits project 1 name with version: 200, version+1', async () => {
  const p = assertOk(await manager.get('/api/v1/projects/1'));
  const res = await manager.patch('/api/v1/projects/1', { version: p.version, name: '翠湖花园一期管理处' });
  const j = assertOk(res);
  assert.equal(j.name, '翠湖花园一期管理处');
  assert.equal(j.version, p.version + 1);
  assert.equal(j.code, 'CH');
  const again = assertOk(await admin.get('/api/v1/projects/1'));
  assert.equal(again.name, '翠湖花园一期管理处');
  assert.equal(again.version, p.version + 1);
  // /me reflects the new name
  const agent = await loginAs(srv.url, 'agent');
  const me = assertOk(await agent.get('/api/v1/me'));
  assert.equal(me.projects[0].name, '翠湖花园一期管理处');
});

test('stale version → 409 conflict and nothing changes', async () => {
  const p = assertOk(await admin.get('/api/v1/projects/1'));
  assertError(await manager.patch('/api/v1/projects/1', { version: p.version - 1, name: '旧版本修改' }), 409, 'conflict');
  assertError(await manager.patch('/api/v1/projects/1', { version: p.version + 5, name: '未来版本修改' }), 409, 'conflict');
  const again = assertOk(await admin.get('/api/v1/projects/1'));
  assert.equal(again.name, p.name);
  assert.equal(again.version, p.version);
});

test('PATCH other fields: address, phone, active', async () => {
  const p = assertOk(await admin.get('/api/v1/projects/2'));
  const j = assertOk(await manager.patch('/api/v1/projects/2', { version: p.version, address: '金桂路88号', phone: '0571-12345678' }));
  assert.equal(j.address, '金桂路88号');
  assert.equal(j.phone, '0571-12345678');
  assert.equal(j.version, p.version + 1);
  const created = assertOk(await admin.post('/api/v1/projects', { code: 'TY', name: '停用测试管理处' }), 201);
  const off = assertOk(await admin.patch(`/api/v1/projects/${created.id}`, { version: created.version, active: false }));
  assert.equal(off.active, false);
  assert.equal(off.version, created.version + 1);
});

test('bad field types in PATCH → 422 with field; nothing changes', async () => {
  const p = assertOk(await admin.get('/api/v1/projects/1'));
  assertError(await manager.patch('/api/v1/projects/1', { version: p.version, name: 123 }), 422, 'validation_failed', 'name');
  assertError(await manager.patch('/api/v1/projects/1', { version: p.version, active: 'yes' }), 422, 'validation_failed', 'active');
  assertError(await manager.patch('/api/v1/projects/1', { version: p.version, phone: { a: 1 } }), 422, 'validation_failed', 'phone');
  assertError(await manager.patch('/api/v1/projects/1', { version: 'one', name: '字符串版本' }), 422, 'validation_failed', 'version');
  assertError(await manager.patch('/api/v1/projects/1', { name: '无版本' }), 422, 'validation_failed', 'version');
  assertError(await manager.patch('/api/v1/projects/1', { version: p.version, name: '' }), 422, 'validation_failed', 'name');
  assertError(await manager.patch('/api/v1/projects/1', { version: p.version, colour: 'red' }), 422, 'unknown_field', 'colour');
  const again = assertOk(await admin.get('/api/v1/projects/1'));
  assert.equal(again.name, p.name);
  assert.equal(again.version, p.version);
  assert.equal(again.active, true);
});

test('edit permissions: supervisor 403, agent2 on project 1 404', async () => {
  const p = assertOk(await admin.get('/api/v1/projects/1'));
  const sup = await loginAs(srv.url, 'supervisor');
  assertError(await sup.patch('/api/v1/projects/1', { version: p.version, name: '主管改名' }), 403, 'forbidden');
  // agent2 lacks projects.manage everywhere: 403 (same answer for every id, so it reveals nothing)
  // or 404 (project 1 is not visible to agent2) are both acceptable readings
  const agent2 = await loginAs(srv.url, 'agent2');
  const r = await agent2.patch('/api/v1/projects/1', { version: p.version, name: '外人改名' });
  assertError(r, r.status === 403 ? 403 : 404, r.status === 403 ? 'forbidden' : 'not_found');
  // the manager holds projects.manage, but not in a project they cannot see: 404
  const other = assertOk(await admin.post('/api/v1/projects', { code: 'WR', name: '外人管理处' }), 201);
  assertError(await manager.patch(`/api/v1/projects/${other.id}`, { version: other.version, name: '越权改名' }), 404, 'not_found');
  assert.equal(assertOk(await admin.get(`/api/v1/projects/${other.id}`)).name, '外人管理处');
  const agent = await loginAs(srv.url, 'agent');
  assertError(await agent.patch('/api/v1/projects/1', { version: p.version, name: '前台改名' }), 403, 'forbidden');
  const again = assertOk(await admin.get('/api/v1/projects/1'));
  assert.equal(again.name, p.name);
  assert.equal(again.version, p.version);
});

test('a renamed project shows its new name at once in /me and in user roles', async () => {
  const mgr = await loginAs(srv.url, 'manager');
  const before = (await mgr.get('/api/v1/me')).json;
  assert.ok(before.projects.some((p) => p.name === '金桂苑管理处'));
  const p2 = (await mgr.get('/api/v1/projects/2')).json;
  const renamed = assertOk(await mgr.patch('/api/v1/projects/2', { version: p2.version, name: '金桂苑二期管理处' }));
  const me = (await mgr.get('/api/v1/me')).json;
  assert.ok(me.projects.some((p) => p.name === '金桂苑二期管理处'), JSON.stringify(me.projects));
  assert.ok(me.user.roles.some((r) => r.project_name === '金桂苑二期管理处'));
  assertOk(await mgr.patch('/api/v1/projects/2', { version: renamed.version, name: '金桂苑管理处' }));
  assert.ok((await mgr.get('/api/v1/me')).json.projects.some((p) => p.name === '金桂苑管理处'));
});

test('a page past the end is empty but still carries the total', async () => {
  const admin = await loginAs(srv.url, 'admin');
  const all = assertOk(await admin.get('/api/v1/projects'));
  const far = assertOk(await admin.get('/api/v1/projects?page=999&per_page=10'));
  assert.deepEqual(far.items, []);
  assert.equal(far.total, all.total);
  assert.equal(far.page, 999);
  const second = assertOk(await admin.get('/api/v1/projects?page=2&per_page=1'));
  assert.equal(second.items.length, 1);
  assert.equal(second.items[0].id, all.items[1].id);
  assert.equal(second.total, all.total);
});
