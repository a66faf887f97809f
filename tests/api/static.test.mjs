// static.test.mjs — `kefu serve --web DIR`: index, hashed assets with long cache, SPA fallback,
// path traversal refused, API 404s stay JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, client, assertError, assertSecurityHeaders, rawRequest } from './lib/harness.mjs';

let srv;
let top;
let web;
const INDEX = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>物业客服中心</title></head><body><div id="app">INDEX-MARKER-7f3a</div></body></html>\n';
const JS = 'console.log("APP-MARKER-91bc");\n';
const SECRET = 'SECRET-OUTSIDE-WEBROOT-5d2e\n';

before(async () => {
  top = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-web-'));
  web = path.join(top, 'dist');
  fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(web, 'index.html'), INDEX);
  fs.writeFileSync(path.join(web, 'assets', 'app-abc123.js'), JS);
  fs.writeFileSync(path.join(top, 'secret.txt'), SECRET);
  srv = await startServer({ web });
});
after(async () => {
  await srv?.stop();
  if (top) fs.rmSync(top, { recursive: true, force: true });
});

test('/ serves index.html as text/html without a long cache', async () => {
  const res = await client(srv.url).get('/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^text\/html/);
  assert.equal(res.text, INDEX);
  const cc = res.headers.get('cache-control') || '';
  assert.doesNotMatch(cc, /max-age=31536000/);
  assert.doesNotMatch(cc, /immutable/);
  assertSecurityHeaders(res.headers, '/');
});

test('/index.html is the same page', async () => {
  const res = await client(srv.url).get('/index.html');
  assert.equal(res.status, 200);
  assert.equal(res.text, INDEX);
  assert.doesNotMatch(res.headers.get('cache-control') || '', /max-age=31536000/);
});

test('hashed assets: javascript type and a one-year cache', async () => {
  const res = await client(srv.url).get('/assets/app-abc123.js');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /^(application|text)\/javascript/);
  assert.match(res.headers.get('cache-control') || '', /max-age=31536000/);
  assert.equal(res.text, JS);
  assertSecurityHeaders(res.headers, 'asset');
});

test('SPA routes serve index.html', async () => {
  for (const p of ['/users/5', '/projects', '/desk/new?x=1']) {
    const res = await client(srv.url).get(p);
    assert.equal(res.status, 200, p);
    assert.match(res.headers.get('content-type') || '', /^text\/html/, p);
    assert.equal(res.text, INDEX, p);
    assert.doesNotMatch(res.headers.get('cache-control') || '', /max-age=31536000/, p);
  }
});

test('path traversal never returns a file outside the web root', async () => {
  const paths = [
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/....//secret.txt',
    '/assets/%252e%252e/%252e%252e/secret.txt',
    '/assets/../../../../../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '//etc/passwd',
    '/assets//etc/passwd',
    '/assets/%00../secret.txt',
    '/' + top + '/secret.txt',
  ];
  for (const p of paths) {
    const res = await rawRequest(srv.url, { path: p });
    assert.ok(res.status < 500, `${p}: ${res.status}`);
    assert.ok(!res.text.includes('root:x:0:0') && !res.text.includes('root:'), `${p} leaked /etc/passwd`);
    assert.ok(!res.text.includes('SECRET-OUTSIDE-WEBROOT'), `${p} leaked a file outside the web root`);
    assert.ok(res.status === 200 ? res.text === INDEX : res.status >= 400, `${p}: index.html or an error, got ${res.status}`);
  }
});

test('/api/v1/nope is a JSON 404, not index.html', async () => {
  const res = await client(srv.url).get('/api/v1/nope');
  assertError(res, 404, 'route_not_found');
  assert.ok(!res.text.includes('INDEX-MARKER'));
  const res2 = await client(srv.url).get('/api/v1/users/5/whatever');
  assertError(res2, 404, 'route_not_found');
});

test('API routes still work with --web', async () => {
  const res = await client(srv.url).get('/api/v1/health');
  assert.equal(res.status, 200);
  assert.equal(res.json.status, 'ok');
  const me = await client(srv.url).get('/api/v1/me');
  assertError(me, 401, 'unauthenticated');
});

test('writes to static paths are refused', async () => {
  const res = await client(srv.url).post('/index.html', { a: 1 });
  assert.ok(res.status >= 400 && res.status < 500, `POST /index.html → ${res.status}`);
  assert.equal(fs.readFileSync(path.join(web, 'index.html'), 'utf8'), INDEX);
});
