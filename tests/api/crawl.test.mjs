// The crawl: every route the server has (GET /api/v1/_test/routes, test servers only) is hit
// with junk — bad ids, wrong types, hostile strings, huge numbers, junk query parameters —
// as an admin, as an agent and without login. Every answer must be a clean 4xx/2xx in the
// error envelope: never a 5xx, never a crash. Routes added by later modules are covered
// automatically.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, client, hasCJK } from './lib/harness.mjs';

let srv, routes, admin, agent, anon;
before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
  agent = await loginAs(srv.url, 'agent');
  anon = client(srv.url);
  routes = (await anon.get('/api/v1/_test/routes')).json.items.filter((r) => !r.test_only);
});
after(async () => { await srv.stop(); });

const IDS = ['0', '-1', 'abc', '99999999999', '9223372036854775808', "1' OR '1'='1", '%00', '1.5', '２'];
const BODIES = [
  {}, [], 'text', 123, null,
  { id: 'x', version: 'x', project_id: 'x', name: 42, username: ['a'], role: {}, password: 1 },
  { version: -1, project_id: -5, name: '', code: '', display_name: '\u0000', roles: 'x' },
  { version: 1e300, project_id: 1.5, name: 'x'.repeat(5000), roles: [{ project_id: 'a', role: 7 }, null, 5] },
  { name: "<script>alert(1)</script>", code: "'; DROP TABLE users; --", q: '%_\\' },
];
const QUERIES = ['?page=0', '?per_page=100000', '?page=abc&per_page=-1', '?project_id=x', '?q=%27%3B--',
  '?format=exe', '?role=king&disabled=7', '?id=abc&entity=%00', '?state=maybe', '?sort=;drop'];

function fill(path, value) { return path.replace(/\{[^}]+\}/g, value); }

function check(res, what) {
  assert.ok(res.status < 500, `${what} → ${res.status} ${res.text.slice(0, 200)}`);
  if (res.status >= 400) {
    assert.ok(res.json && res.json.error && res.json.error.code, `${what}: envelope ${res.text.slice(0, 200)}`);
    assert.ok(hasCJK(res.json.error.message), `${what}: Chinese message`);
  }
}

test('the route list is served and covers the foundation', () => {
  assert.ok(routes.length >= 15, `${routes.length} routes`);
  for (const p of ['/api/v1/session', '/api/v1/me', '/api/v1/users/{id}', '/api/v1/projects', '/api/v1/audit'])
    assert.ok(routes.some((r) => r.path === p), p);
  // the list is the registry's: every route names the module that declared it, and every module is crawled
  for (const r of routes) assert.ok(typeof r.module === 'string' && r.module.length > 0, `${r.method} ${r.path}: module`);
  for (const m of ['admin', 'archive', 'tickets', 'visits']) assert.ok(routes.some((r) => r.module === m), `module ${m}`);
});

test('every route with junk ids, bodies and queries answers a clean 4xx or 2xx', async () => {
  let n = 0;
  for (const r of routes) {
    if (r.path === '/api/v1/session' && r.method === 'DELETE') continue;   // would log the crawler out
    for (const who of [admin, agent, anon]) {
      for (const id of r.path.includes('{') ? IDS : ['']) {
        const p = fill(r.path, encodeURIComponent(id) || 'x');
        if (r.method === 'GET') {
          for (const q of QUERIES) { check(await who.get(p + q), `GET ${p}${q}`); n++; }
        } else {
          for (const b of BODIES) { check(await who.request(r.method, p, b), `${r.method} ${p} ${JSON.stringify(b).slice(0, 60)}`); n++; }
          check(await who.request(r.method, p, undefined, { raw: '{"a":' }), `${r.method} ${p} truncated JSON`); n++;
        }
      }
    }
  }
  assert.ok(n > 500, `${n} requests`);
  assert.equal((await anon.get('/api/v1/health')).status, 200, 'still serving');
});
