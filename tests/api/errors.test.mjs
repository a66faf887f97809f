// errors.test.mjs — every bad input of the contract: status, error.code, a Chinese message,
// and nothing changed. Hostile strings never cause a 500. Security headers on every answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, client, loginAs, assertError, assertOk, assertSecurityHeaders, rawRequest,
  userTotal, uniqueName, findUser,
} from './lib/harness.mjs';

let srv;
let admin;
let agentUser;
before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
  agentUser = await findUser(admin, 'agent');
});
after(async () => { await srv?.stop(); });

const ROLES = [{ project_id: 1, role: 'agent' }];

/** Run fn and assert the visible user list did not change (total and the agent record). */
async function unchanged(fn) {
  const total = await userTotal(admin);
  const agentBefore = assertOk(await admin.get(`/api/v1/users/${agentUser.id}`));
  await fn();
  assert.equal(await userTotal(admin), total, 'user total unchanged');
  const agentAfter = assertOk(await admin.get(`/api/v1/users/${agentUser.id}`));
  assert.deepEqual(agentAfter, agentBefore, 'agent record unchanged');
}

test('malformed JSON → 400 bad_json', async () => {
  await unchanged(async () => {
    for (const raw of ['{', '{"username":', '{username:"x"}', "{'a':1}", '{"a":1,}', 'nul', '{"a":1}{"b":2}', '{"a":"\\q"}']) {
      assertError(await admin.post('/api/v1/users', undefined, { raw }), 400, 'bad_json');
    }
    assertError(await client(srv.url).post('/api/v1/session', undefined, { raw: '{"username":"agent",' }), 400, 'bad_json');
    // an empty body is read as "no body": either bad_json or the missing-field error
    const empty = await admin.post('/api/v1/users', undefined, { raw: '' });
    if (empty.status === 400) assertError(empty, 400, 'bad_json');
    else assertError(empty, 422, 'validation_failed', 'username');
    assertError(await admin.patch(`/api/v1/users/${agentUser.id}`, undefined, { raw: '{"version":1,' }), 400, 'bad_json');
  });
});

test('a JSON array, string, number or null as body → 400 bad_json', async () => {
  await unchanged(async () => {
    for (const raw of ['[]', '[{"username":"arr"}]', '"a string"', '42', 'null', 'true']) {
      assertError(await admin.post('/api/v1/users', undefined, { raw }), 400, 'bad_json');
    }
    assertError(await client(srv.url).post('/api/v1/session', ['agent', 'demo1234']), 400, 'bad_json');
  });
});

test('a 2 MiB body → 413 payload_too_large', async () => {
  await unchanged(async () => {
    const big = JSON.stringify({ username: uniqueName('big'), display_name: 'x'.repeat(2 * 1024 * 1024), roles: ROLES });
    const res = await rawRequest(srv.url, {
      method: 'POST', path: '/api/v1/users', body: big,
      headers: { 'Content-Type': 'application/json', Cookie: admin.cookieHeader(), 'X-CSRF-Token': admin.csrf },
    });
    assert.equal(res.status, 413, res.text.slice(0, 300));
    const j = JSON.parse(res.text);
    assert.equal(j.error.code, 'payload_too_large');
    assert.match(j.error.message, /[\u4e00-\u9fff]/);
    assertSecurityHeaders(res.headers, '413');
    // same for an unauthenticated login
    const res2 = await rawRequest(srv.url, {
      method: 'POST', path: '/api/v1/session', body: JSON.stringify({ username: 'agent', password: 'y'.repeat(2 * 1024 * 1024) }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res2.status, 413, res2.text.slice(0, 300));
    assert.equal(JSON.parse(res2.text).error.code, 'payload_too_large');
  });
});

test('a body without Content-Type: application/json → 415 unsupported_media_type', async () => {
  await unchanged(async () => {
    const body = JSON.stringify({ username: uniqueName('ct'), display_name: '类型', roles: ROLES });
    assertError(await admin.post('/api/v1/users', undefined, { raw: body, headers: { 'Content-Type': 'text/plain' } }),
      415, 'unsupported_media_type');
    assertError(await admin.post('/api/v1/users', undefined, { raw: body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
      415, 'unsupported_media_type');
  });
});

test('wrong field types → 422 validation_failed with the field', async () => {
  await unchanged(async () => {
    assertError(await admin.post('/api/v1/users', { username: 123, display_name: '数字名', roles: ROLES }),
      422, 'validation_failed', 'username');
    assertError(await admin.post('/api/v1/users', { username: uniqueName('t'), display_name: ['x'], roles: ROLES }),
      422, 'validation_failed', 'display_name');
    assertError(await admin.post('/api/v1/users', { username: uniqueName('t'), display_name: '角色', roles: [{ project_id: 'abc', role: 'agent' }] }),
      422, 'validation_failed', /project_id/);
    assertError(await admin.post('/api/v1/users', { username: uniqueName('t'), display_name: '角色', roles: 'agent' }),
      422, 'validation_failed', 'roles');
    assertError(await admin.post('/api/v1/users', { username: uniqueName('t'), display_name: '角色', roles: [{ project_id: 1, role: 7 }] }),
      422, 'validation_failed', /role/);
    assertError(await admin.post('/api/v1/users', { username: uniqueName('t'), display_name: '电话', phone: 13800000000, roles: ROLES }),
      422, 'validation_failed', 'phone');
    assertError(await admin.post('/api/v1/users', { username: uniqueName('t'), display_name: '密码', password: 12345678, roles: ROLES }),
      422, 'validation_failed', 'password');
    assertError(await admin.post('/api/v1/users', { username: uniqueName('t'), display_name: null, roles: ROLES }),
      422, 'validation_failed', 'display_name');
    assertError(await admin.patch(`/api/v1/users/${agentUser.id}`, { version: '1', display_name: '串' }),
      422, 'validation_failed', 'version');
    assertError(await admin.patch(`/api/v1/users/${agentUser.id}`, { version: agentUser.version, display_name: { a: 1 } }),
      422, 'validation_failed', 'display_name');
    assertError(await client(srv.url).post('/api/v1/session', { username: ['agent'], password: 'demo1234' }),
      422, 'validation_failed', 'username');
  });
});

test('unknown field → 422 unknown_field naming it', async () => {
  await unchanged(async () => {
    assertError(await admin.post('/api/v1/users', { username: uniqueName('uf'), display_name: '多余', roles: ROLES, is_admin: true }),
      422, 'unknown_field', 'is_admin');
    assertError(await admin.post('/api/v1/users', { username: uniqueName('uf'), display_name: '多余', roles: ROLES, zzz: 1 }),
      422, 'unknown_field', 'zzz');
    assertError(await admin.patch(`/api/v1/users/${agentUser.id}`, { version: agentUser.version, disabled: true }),
      422, 'unknown_field', 'disabled');
    assertError(await client(srv.url).post('/api/v1/session', { username: 'agent', password: 'demo1234', remember: true }),
      422, 'unknown_field', 'remember');
  });
});

test('unknown route → 404 route_not_found', async () => {
  for (const p of ['/api/v1/nope', '/api/v1/users/1/nope', '/api/v2/users', '/api/v1/', '/api/v1/users/1/actions']) {
    assertError(await admin.get(p), 404, 'route_not_found');
  }
  assertError(await admin.post('/api/v1/nope', {}), 404, 'route_not_found');
  assertError(await admin.post('/api/v1/users/1/actions/explode', {}), 404, 'route_not_found');
  assertError(await client(srv.url).get('/api/v1/nope'), 404, 'route_not_found');
});

test('wrong method → 405 method_not_allowed with an Allow header', async () => {
  await unchanged(async () => {
    const r1 = await admin.put('/api/v1/me', { display_name: 'x' });
    assertError(r1, 405, 'method_not_allowed');
    assert.match(r1.headers.get('allow') || '', /\bGET\b/);
    const r2 = await admin.del('/api/v1/users');
    assertError(r2, 405, 'method_not_allowed');
    const allow = r2.headers.get('allow') || '';
    assert.match(allow, /\bGET\b/);
    assert.match(allow, /\bPOST\b/);
    assert.doesNotMatch(allow, /\bDELETE\b/);
    const r3 = await admin.get('/api/v1/session');
    assertError(r3, 405, 'method_not_allowed');
    assert.match(r3.headers.get('allow') || '', /\bPOST\b/);
    const r4 = await admin.put(`/api/v1/users/${agentUser.id}`, { version: 1 });
    assertError(r4, 405, 'method_not_allowed');
    assert.match(r4.headers.get('allow') || '', /\bPATCH\b/);
    const r5 = await admin.get(`/api/v1/users/${agentUser.id}/actions/disable`);
    assertError(r5, 405, 'method_not_allowed');
    assert.match(r5.headers.get('allow') || '', /\bPOST\b/);
  });
});

test('non-numeric or impossible ids → 404, never 500', async () => {
  await unchanged(async () => {
    for (const id of ['abc', '1abc', '-1', '0', '1.5', '99999999999999999999999', '%20', '0x10', '1e3']) {
      const res = await admin.get(`/api/v1/users/${id}`);
      assert.equal(res.status, 404, `GET /users/${id}: ${res.status} ${res.text}`);
      assertError(res, 404);
      assert.ok(['not_found', 'route_not_found'].includes(res.json.error.code), res.text);
    }
    const res = await admin.patch('/api/v1/users/abc', { version: 1, display_name: 'x' });
    assertError(res, 404);
    const res2 = await admin.post('/api/v1/users/abc/actions/disable', {});
    assertError(res2, 404);
    assertError(await admin.get('/api/v1/projects/abc'), 404);
  });
});

test('malformed query parameters → 400 bad_request', async () => {
  assertError(await admin.get('/api/v1/users?page=abc'), 400, 'bad_request');
  assertError(await admin.get('/api/v1/users?per_page=1x'), 400, 'bad_request');
  assertError(await admin.get('/api/v1/projects?page=-3'), 400, 'bad_request');
  assertError(await admin.get('/api/v1/audit?actor_id=%27%20OR%201%3D1'), 400, 'bad_request');
});

test('SQL injection strings are data: stored verbatim or refused, never a 500', async () => {
  const sqli = "' OR 1=1 --";
  const total = await userTotal(admin);
  // in a login
  assertError(await client(srv.url).post('/api/v1/session', { username: sqli, password: sqli }), 401, 'invalid_credentials');
  assertError(await client(srv.url).post('/api/v1/session', { username: "admin'--", password: 'x' }), 401, 'invalid_credentials');
  // in a search
  const q = assertOk(await admin.get(`/api/v1/users?q=${encodeURIComponent(sqli)}`));
  assert.equal(q.total, 0);
  const q2 = assertOk(await admin.get(`/api/v1/users?q=${encodeURIComponent("x%' OR '1'='1")}`));
  assert.equal(q2.total, 0);
  // LIKE wildcards are literal characters of the search
  const q3 = assertOk(await admin.get(`/api/v1/users?q=${encodeURIComponent('%')}`));
  assert.equal(q3.total, 0, 'q=% matches nobody (nobody has % in their names)');
  const q4 = assertOk(await admin.get(`/api/v1/users?q=${encodeURIComponent('_')}`));
  assert.ok(q4.items.every((u) => u.username.includes('_') || u.display_name.includes('_') || (u.phone || '').includes('_')),
    'q=_ matches only names containing _');
  // as a display name: stored verbatim
  const name = uniqueName('sq');
  const u = assertOk(await admin.post('/api/v1/users', { username: name, display_name: sqli, roles: ROLES }), 201);
  assert.equal(u.display_name, sqli);
  assert.equal(assertOk(await admin.get(`/api/v1/users/${u.id}`)).display_name, sqli);
  const u2 = assertOk(await admin.post('/api/v1/users', { username: uniqueName('sq'), display_name: "Robert'); DROP TABLE users;--", roles: ROLES }), 201);
  assert.equal(u2.display_name, "Robert'); DROP TABLE users;--");
  assert.equal(await userTotal(admin), total + 2);
  // as a user name: refused by the user-name rule
  assertError(await admin.post('/api/v1/users', { username: sqli, display_name: '注入', roles: ROLES }), 422, 'validation_failed', 'username');
  assert.equal(await userTotal(admin), total + 2);
});

test('a NUL inside a query value does not cut the value short: 400 or searched as a whole', async () => {
  for (const q of ['storekeeper%00zzz', '%00']) {
    const r = await admin.get(`/api/v1/users?q=${q}`);
    if (r.status === 400) assertError(r, 400, 'bad_request');
    else assert.equal(assertOk(r).total, 0, `q=${q} matches nobody, got ${r.json.total}`);
  }
});

test('HTML strings are stored verbatim and returned as JSON', async () => {
  const html = '<script>alert(1)</script>';
  const res = await admin.post('/api/v1/users', { username: uniqueName('xss'), display_name: html, roles: ROLES });
  const u = assertOk(res, 201);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.equal(u.display_name, html);
  const got = await admin.get(`/api/v1/users/${u.id}`);
  assert.match(got.headers.get('content-type'), /^application\/json/);
  assert.equal(got.json.display_name, html);
  const p = assertOk(await admin.post('/api/v1/projects', { code: 'XS', name: '<img src=x onerror=alert(1)>' }), 201);
  assert.equal(p.name, '<img src=x onerror=alert(1)>');
});

test('a 10 kB display name: clean 422/413 or stored verbatim', async () => {
  const long = 'x'.repeat(10 * 1024);
  const total = await userTotal(admin);
  const res = await admin.post('/api/v1/users', { username: uniqueName('long'), display_name: long, roles: ROLES });
  if (res.status === 201) {
    assert.equal(res.json.display_name, long);
    assert.equal(assertOk(await admin.get(`/api/v1/users/${res.json.id}`)).display_name, long);
    assert.equal(await userTotal(admin), total + 1);
  } else if (res.status === 413) {
    // the contract allows a per-route body limit below the 1 MiB default
    assertError(res, 413, 'payload_too_large');
    assert.equal(await userTotal(admin), total);
  } else {
    assertError(res, 422, 'validation_failed', 'display_name');
    assert.equal(await userTotal(admin), total);
  }
  // 10 kB of Chinese (30 kB of UTF-8) is refused cleanly or stored
  const zh = '长'.repeat(10 * 1024);
  const r2 = await admin.post('/api/v1/users', { username: uniqueName('longzh'), display_name: zh, roles: ROLES });
  assert.ok([201, 413, 422].includes(r2.status), `${r2.status} ${r2.text.slice(0, 200)}`);
  if (r2.status === 201) assert.equal(r2.json.display_name, zh);
  else assertError(r2, r2.status, r2.status === 413 ? 'payload_too_large' : 'validation_failed');
});

test('NUL and control characters: clean 4xx or stored verbatim (escaped in JSON)', async () => {
  for (const s of ['a\u0000b', 'tab\there', 'bell\u0007', 'line\nbreak', '\u001b[31mred', 'rtl\u202eevil']) {
    const total = await userTotal(admin);
    const res = await admin.post('/api/v1/users', { username: uniqueName('ctl'), display_name: s, roles: ROLES });
    // \u0000 is legal JSON but many parsers refuse it; a clean 400 bad_json is tolerated for it alone
    const nulOk = s.includes('\u0000') && res.status === 400;
    assert.ok(res.status === 201 || res.status === 422 || nulOk, `${JSON.stringify(s)}: ${res.status} ${res.text}`);
    if (nulOk) {
      assertError(res, 400, 'bad_json');
      assert.equal(await userTotal(admin), total);
    } else if (res.status === 201) {
      assert.ok(res.json, `answer is valid JSON: ${res.text}`);
      assert.equal(res.json.display_name, s, `stored verbatim: ${JSON.stringify(s)}`);
      // JSON.parse refuses raw control characters inside strings, so a parsed answer proves escaping
      assert.equal(assertOk(await admin.get(`/api/v1/users/${res.json.id}`)).display_name, s);
      assert.equal(await userTotal(admin), total + 1);
    } else {
      assertError(res, 422, 'validation_failed', 'display_name');
      assert.equal(await userTotal(admin), total);
    }
  }
});

test('invalid UTF-8 bytes sent raw: clean 400/422, never a 500', async () => {
  await unchanged(async () => {
    const bodies = [
      Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xff, 0xfe]), Buffer.from('x","display_name":"a","roles":[{"project_id":1,"role":"agent"}]}')]),
      Buffer.concat([Buffer.from(`{"username":"${uniqueName('utf')}","display_name":"`), Buffer.from([0xc3, 0x28]), Buffer.from('","roles":[{"project_id":1,"role":"agent"}]}')]),
      Buffer.concat([Buffer.from(`{"username":"${uniqueName('utf')}","display_name":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","roles":[{"project_id":1,"role":"agent"}]}')]),
      Buffer.concat([Buffer.from(`{"username":"${uniqueName('utf')}","display_name":"`), Buffer.from([0xe6, 0x9d]), Buffer.from('","roles":[{"project_id":1,"role":"agent"}]}')]),
      Buffer.concat([Buffer.from(`{"username":"${uniqueName('utf')}","display_name":"`), Buffer.from([0xc0, 0xaf]), Buffer.from('","roles":[{"project_id":1,"role":"agent"}]}')]),
    ];
    for (const raw of bodies) {
      const res = await admin.post('/api/v1/users', undefined, { raw });
      assert.ok(res.status === 400 || res.status === 422, `${raw.toString('hex').slice(0, 40)}…: ${res.status} ${res.text}`);
      assertError(res, res.status, res.status === 400 ? 'bad_json' : 'validation_failed');
    }
    // a lone surrogate escape is not a character either
    const res = await admin.post('/api/v1/users', undefined,
      { raw: `{"username":"${uniqueName('sur')}","display_name":"\\ud800","roles":[{"project_id":1,"role":"agent"}]}` });
    assert.ok(res.status === 400 || res.status === 422, `lone surrogate: ${res.status} ${res.text}`);
    assertError(res, res.status);
  });
});

test('deeply nested and odd JSON never causes a 500', async () => {
  await unchanged(async () => {
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    const r1 = await admin.post('/api/v1/users', undefined, { raw: deep });
    assert.ok(r1.status === 400 || r1.status === 413, `deep: ${r1.status}`);
    assertError(r1, r1.status);
    const deepObj = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const r2 = await admin.post('/api/v1/users', undefined, { raw: deepObj });
    assert.ok(r2.status >= 400 && r2.status < 500, `deep object: ${r2.status}`);
    assertError(r2, r2.status);
    const dup = `{"username":"${uniqueName('dup')}","username":"${uniqueName('dup')}","display_name":"重复键","roles":[{"project_id":1,"role":"agent"}]}`;
    const r3 = await admin.post('/api/v1/users', undefined, { raw: dup });
    assert.ok(r3.status === 400 || r3.status === 422, `duplicate key: ${r3.status} ${r3.text}`);
    assertError(r3, r3.status);
    const r4 = await admin.post('/api/v1/users', { username: uniqueName('n'), display_name: '大数', roles: [{ project_id: 1e300, role: 'agent' }] });
    assert.ok(r4.status === 422 || r4.status === 404, `huge project id: ${r4.status} ${r4.text}`);
    assertError(r4, r4.status);
    const r5 = await admin.post('/api/v1/users', { username: uniqueName('n'), display_name: '负数', roles: [{ project_id: -1, role: 'agent' }] });
    assert.ok(r5.status === 422 || r5.status === 404, `negative project id: ${r5.status} ${r5.text}`);
    assertError(r5, r5.status);
    const r6 = await admin.post('/api/v1/users', { username: uniqueName('n'), display_name: '不存在', roles: [{ project_id: 424242, role: 'agent' }] });
    assert.ok(r6.status === 422 || r6.status === 404, `unknown project id: ${r6.status} ${r6.text}`);
    assertError(r6, r6.status);
  });
});

test('hostile headers and paths never cause a 500', async () => {
  const cases = [
    { path: '/api/v1/health', headers: { Cookie: 'kefu_session=' + 'A'.repeat(4000) } },
    { path: '/api/v1/me', headers: { Cookie: "kefu_session=' OR 1=1 --" } },
    { path: '/api/v1/me', headers: { Authorization: 'Bearer ' } },
    { path: '/api/v1/me', headers: { Authorization: "Bearer kf_' OR 1=1 --" } },
    { path: '/api/v1/me', headers: { Authorization: 'Basic YWRtaW46ZGVtbzEyMzQ=' } },
    { path: '/api/v1/users?q=%ff%fe' , headers: { Cookie: admin.cookieHeader() } },
    { path: '/api/v1/users?q=%00' , headers: { Cookie: admin.cookieHeader() } },
    { path: '/api/v1/users?page=1&page=2&per_page=' , headers: { Cookie: admin.cookieHeader() } },
    { path: '/api/v1/users/%00', headers: { Cookie: admin.cookieHeader() } },
    { path: '/api/v1/' + 'a'.repeat(6000), headers: {} },
  ];
  for (const c of cases) {
    const res = await rawRequest(srv.url, { path: c.path, headers: c.headers });
    assert.ok(res.status < 500, `${c.path.slice(0, 60)} ${JSON.stringify(c.headers).slice(0, 60)} → ${res.status} ${res.text.slice(0, 200)}`);
    if (res.status >= 400 && res.headers['content-type']?.startsWith('application/json')) {
      const j = JSON.parse(res.text);
      assert.match(j.error.message, /[\u4e00-\u9fff]/);
    }
  }
});

test('every answer carries the security headers', async () => {
  const anon = client(srv.url);
  const answers = [
    await anon.get('/api/v1/health'),
    await anon.get('/api/v1/me'),
    await anon.get('/api/v1/nope'),
    await anon.post('/api/v1/session', { username: 'agent', password: 'bad-pass-1' }),
    await anon.post('/api/v1/session', undefined, { raw: '{' }),
    await admin.get('/api/v1/me'),
    await admin.get('/api/v1/users'),
    await admin.put('/api/v1/me', {}),
    await admin.post('/api/v1/users', {}, { csrf: false }),
    await admin.get('/api/v1/users/999999'),
  ];
  const login = await client(srv.url).post('/api/v1/session', { username: 'agent', password: 'demo1234' });
  answers.push(login);
  const c = client(srv.url);
  c.jar = new Map(login.headers.getSetCookie().map((s) => s.split(';')[0].split('=')).map(([k, ...v]) => [k, v.join('=')]));
  c.csrf = login.json.csrf_token;
  answers.push(await c.del('/api/v1/session'));
  for (const r of answers) assertSecurityHeaders(r.headers, `${r.status} ${r.text.slice(0, 80)}`);
  const raw = await rawRequest(srv.url, { path: '/../../x' });
  assertSecurityHeaders(raw.headers, `raw ${raw.status}`);
});

test('the server still answers health after all of it', async () => {
  const res = await client(srv.url).get('/api/v1/health');
  assert.equal(assertOk(res).status, 'ok');
  // and the admin session still works
  assertOk(await admin.get('/api/v1/me'));
});

// A company-wide role applies to every project id, so a made-up one has to be refused by name:
// it used to reach the INSERT and fail its foreign key (500), and the statistics answered 200.
test('a company admin naming a project that does not exist gets 422/404, never a 500', async () => {
  const before = (await admin.get('/api/v1/audit?per_page=1')).json.total;
  const writes = [
    ['/api/v1/buildings', { project_id: 999, code: 'Z9', name: '不存在的楼' }],
    ['/api/v1/people', { project_id: 999, name: '张三' }],
    ['/api/v1/tickets', { project_id: 999, kind: 'inquiry', channel: 'phone', content: '问一下' }],
    ['/api/v1/callback-reviews', { project_id: 999, week: '2026-11-30' }],
  ];
  for (const [p, body] of writes) assertError(await admin.post(p, body), 422, 'validation_failed', 'project_id');
  for (const q of ['', '&format=xlsx', '&format=csv'])
    assertError(await admin.get(`/api/v1/stats/complaints?project_id=999${q}`), 404, 'not_found', 'project_id');
  assertError(await admin.get('/api/v1/stats/complaints/summary.pdf?project_id=999'), 404, 'not_found', 'project_id');
  for (const p of ['/api/v1/units', '/api/v1/tickets', '/api/v1/complaint-rules', '/api/v1/repair-categories'])
    assertError(await admin.get(`${p}?project_id=999`), 404, 'not_found', 'project_id');
  assert.equal((await admin.get('/api/v1/audit?per_page=1')).json.total, before, 'nothing written');
  assertOk(await admin.get('/api/v1/units?project_id=2'));   // a real project still answers
});
