// Every list exports to Excel: ?format=xlsx|csv gives the whole filtered list as a real file,
// read back here (the xlsx is unzipped and its XML read; the CSV parsed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, loginAs, createUser, assertError, uniqueName } from './lib/harness.mjs';

let srv, admin, manager, dir;
before(async () => {
  srv = await startServer();
  admin = await loginAs(srv.url, 'admin');
  manager = await loginAs(srv.url, 'manager');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-export-'));
});
after(async () => { await srv.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

async function download(c, p) {
  const res = await fetch(srv.url + p, { headers: { Cookie: c.cookieHeader() } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function xlsxStrings(bytes) {
  const f = path.join(dir, `${uniqueName('x')}.xlsx`);
  fs.writeFileSync(f, bytes);
  const shared = execFileSync('unzip', ['-p', f, 'xl/sharedStrings.xml']).toString('utf8');
  const sheet = execFileSync('unzip', ['-p', f, 'xl/worksheets/sheet1.xml']).toString('utf8');
  const strings = [...shared.matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1]);
  const rows = (sheet.match(/<row /g) || []).length;
  return { strings, rows, sheet };
}

function parseCsv(text) {
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') q = false; else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  return rows;
}

test('users list → xlsx with Chinese headers and every filtered row', async () => {
  const r = await download(admin, '/api/v1/users?format=xlsx&project_id=1');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  const cd = r.headers.get('content-disposition');
  assert.match(cd, /^attachment;/);
  assert.ok(decodeURIComponent(cd.split("UTF-8''")[1]).startsWith('用户列表-'), cd);
  assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
  const { strings, rows } = xlsxStrings(r.bytes);
  for (const h of ['用户名', '姓名', '手机', '角色', '状态', '最后登录']) assert.ok(strings.includes(h), h);
  assert.ok(strings.includes('王建国'));
  assert.ok(strings.includes('翠湖花园管理处·前台客服'));
  assert.ok(!strings.includes('周婷'), 'agent2 works in project 2 only: filtered out');
  const json = await admin.get('/api/v1/users?project_id=1');
  assert.equal(rows, json.json.total + 1, 'header + every row');
});

test('export ignores paging: the whole list, not one page', async () => {
  const r = await download(admin, '/api/v1/users?format=csv&per_page=2&page=1');
  const rows = parseCsv(r.bytes.toString('utf8').replace(/^\uFEFF/, ''));
  const total = (await admin.get('/api/v1/users')).json.total;
  assert.ok(total > 2);
  assert.equal(rows.length, total + 1);
});

test('csv: UTF-8 BOM, quoted fields, formula injection neutralised', async () => {
  const name = uniqueName('csv');
  await createUser(admin, { username: name, display_name: '=HYPERLINK("http://x","点我")' });
  const r = await download(admin, `/api/v1/users?format=csv&q=${name}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const rows = parseCsv(r.bytes.toString('utf8').slice(1));
  assert.deepEqual(rows[0].slice(0, 3), ['用户名', '姓名', '手机']);
  assert.equal(rows.length, 2);
  assert.equal(rows[1][0], name);
  assert.equal(rows[1][1], '\'=HYPERLINK("http://x","点我")', 'a leading = must not reach Excel as a formula');
});

test('audit and projects export; a manager exports only what they see', async () => {
  const a = await download(admin, '/api/v1/audit?format=xlsx&entity=project');
  assert.equal(a.status, 200);
  const { strings } = xlsxStrings(a.bytes);
  for (const h of ['时间', '操作人', '对象', '操作', '变更内容']) assert.ok(strings.includes(h), h);
  const p = await download(manager, '/api/v1/projects?format=csv');
  const rows = parseCsv(p.bytes.toString('utf8').slice(1));
  assert.deepEqual(rows[0], ['编码', '管理处名称', '地址', '电话', '启用', '创建时间']);
  assert.deepEqual(rows.slice(1).map((r) => r[1]).sort(), ['翠湖花园管理处', '金桂苑管理处'].sort());
  assert.equal(rows[1][4], '是');
});

test('bad export requests are refused cleanly', async () => {
  assertError(await admin.get('/api/v1/users?format=pdf'), 400, 'bad_request', 'format');
  assertError(await admin.get('/api/v1/me?format=xlsx'), 400, 'bad_request', 'format');
  const agent = await loginAs(srv.url, 'agent');
  assertError(await agent.get('/api/v1/users?format=xlsx'), 403, 'forbidden');
  assert.equal((await admin.get('/api/v1/users?format=json')).status, 200);
});

test('export is not cut at one page: more than 200 users all arrive', async () => {
  const prefix = uniqueName('bulk');
  for (let i = 0; i < 210; i += 30) {
    await Promise.all(Array.from({ length: Math.min(30, 210 - i) }, (_, k) =>
      createUser(admin, { username: `${prefix}-${i + k}`, display_name: `批量${i + k}` })));
  }
  const r = await download(admin, `/api/v1/users?format=csv&q=${prefix}`);
  const rows = parseCsv(r.bytes.toString('utf8').slice(1));
  assert.equal(rows.length, 211);
  assert.equal(new Set(rows.slice(1).map((x) => x[0])).size, 210);
});

// Every list of every registered module exports (the route list comes from the registry: a new
// module's lists are exported here without anyone adding them). Each file is read back: the
// xlsx's sheet has its header row and the CSV's header names the same columns, with as many
// rows as the JSON list has items.
test('every exporting route of every module gives a real xlsx and csv with the JSON list’s rows', async () => {
  const routes = (await admin.get('/api/v1/_test/routes')).json.items;
  const exporting = routes.filter((r) => r.export && r.method === 'GET' && !r.path.includes('{'));
  assert.ok(exporting.length >= 15, `${exporting.length} exporting routes`);
  const modules = new Set(exporting.map((r) => r.module));
  for (const m of ['admin', 'archive', 'tickets', 'visits']) assert.ok(modules.has(m), `module ${m} exports`);
  for (const r of exporting) {
    const sep = r.path.includes('?') ? '&' : '?';
    const base = `${r.path}${sep}project_id=1`;
    const x = await download(admin, `${base}&format=xlsx`);
    assert.equal(x.status, 200, `${r.path} xlsx → ${x.status} ${x.bytes.toString('utf8').slice(0, 200)}`);
    assert.match(x.headers.get('content-type'), /spreadsheetml/, r.path);
    const { strings, rows } = xlsxStrings(x.bytes);
    assert.ok(rows >= 1 && strings.length > 0, `${r.path}: a header row`);
    const c = await download(admin, `${base}&format=csv`);
    assert.equal(c.status, 200, `${r.path} csv`);
    const table = parseCsv(c.bytes.toString('utf8').replace(/^\uFEFF/, ''));
    assert.ok(table[0].length > 0 && table[0].every((h) => h.length > 0), `${r.path}: named columns`);
    for (const h of table[0]) assert.ok(strings.includes(h), `${r.path}: xlsx header ${h}`);
    const json = (await admin.get(`${base}&per_page=200`)).json;
    if (Array.isArray(json.items) && typeof json.total === 'number' && json.total <= 200)
      assert.equal(table.length - 1, json.items.length, `${r.path}: every item is a row`);
  }
});
