// The command line against PostgreSQL: every database command takes --pg (and KEFU_PG), and
// `kefu migrate` copies a whole SQLite database into an empty PostgreSQL one: every table's
// rows, the document-number sequences, the audit chain intact. PostgreSQL only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, DB_KIND, startServer, loginAs, assertOk } from './lib/harness.mjs';

const skip = DB_KIND !== 'postgres' && 'needs KEFU_TEST_PG (runs in the PostgreSQL pass of make test)';
const env = { ...process.env, KEFU_PWHASH: 'min' };
let dir, n = 0;

function kefu(args, input, extraEnv = {}) {
  const r = spawnSync(BIN, args, { env: { ...env, ...extraEnv }, input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function newdb() {
  const name = `kefu_cli_${process.pid}_${++n}`;
  execFileSync('psql', [`${process.env.KEFU_TEST_PG} dbname=postgres`, '-qAt', '-c', `CREATE DATABASE "${name}"`]);
  return `${process.env.KEFU_TEST_PG} dbname=${name}`;
}
function psql(conn, sql) {
  return execFileSync('psql', [conn, '-qAt', '-c', sql]).toString().trim();
}

before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-pgcli-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

test('init, user add/passwd/list and check with --pg (and KEFU_PG)', { skip }, () => {
  const pg = newdb();
  const init = kefu(['init', '--pg', pg]);
  assert.equal(init.code, 0, init.err);
  assert.match(init.out, /初始密码：\S+/);
  assert.equal(kefu(['init', '--pg', pg]).code, 1, 'a second init refuses');
  const add = kefu(['user', 'add', 'wangwu', '--role', 'admin', '--name', '王五', '--password-stdin'], 'Harbor2026x\n', { KEFU_PG: pg });
  assert.equal(add.code, 0, add.err);
  assert.match(kefu(['user', 'list', '--pg', pg]).out, /wangwu\s+王五/);
  assert.equal(kefu(['user', 'passwd', 'wangwu', '--pg', pg]).code, 0);
  const check = kefu(['check', '--pg', pg]);
  assert.equal(check.code, 0, check.out + check.err);
  assert.match(check.out, /检查通过/);
});

test('demo and backup with --pg (pg_dump custom format)', { skip }, () => {
  const pg = newdb();
  assert.equal(kefu(['demo', '--pg', pg]).code, 0);
  const out = path.join(dir, 'pg.dump');
  const r = kefu(['backup', out, '--pg', pg]);
  assert.equal(r.code, 0, r.err);
  assert.equal(fs.readFileSync(out).subarray(0, 5).toString(), 'PGDMP');
  assert.equal(kefu(['backup', out, '--pg', pg]).code, 1, 'never overwrites');
});

test('check on PostgreSQL catches an audit row changed behind the server', { skip }, () => {
  const pg = newdb();
  assert.equal(kefu(['demo', '--pg', pg]).code, 0);
  psql(pg, "UPDATE audit_log SET actor_name = '冒名' WHERE id = 2");
  const r = kefu(['check', '--pg', pg]);
  assert.equal(r.code, 1);
  assert.match(r.out, /第 2 行/);
});

test('migrate copies a used SQLite database whole; check passes; the target keeps working', { skip }, async () => {
  const sqlite = path.join(dir, 'source.db');
  // a used database: demo data plus writes made through the server
  const srv = await startServer({ dbPath: sqlite, dbKind: 'sqlite' });
  try {
    const admin = await loginAs(srv.url, 'admin');
    for (let i = 0; i < 5; i++) assertOk(await admin.post('/api/v1/projects', { code: `M${i}`, name: `迁移${i}管理处` }), 201);
    assertOk(await admin.post('/api/v1/users', { username: 'migr', display_name: '迁移用户', roles: [{ project_id: 3, role: 'agent' }] }), 201);
  } finally { await srv.stop(); }
  execFileSync('sqlite3', [sqlite, "INSERT INTO sequences(project_id, name, period, next) VALUES (1, 'BX', '20261125', 7)"]);
  const pg = newdb();
  const r = kefu(['migrate', '--from', `sqlite:${sqlite}`, '--to', `pg:${pg}`]);
  assert.equal(r.code, 0, r.err);
  const tables = execFileSync('sqlite3', [sqlite, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'"]).toString().trim().split('\n');
  assert.ok(tables.length >= 12);
  for (const t of tables) {
    const a = execFileSync('sqlite3', [sqlite, `SELECT COUNT(*) FROM "${t}"`]).toString().trim();
    assert.equal(psql(pg, `SELECT COUNT(*) FROM "${t}"`), a, `rows of ${t}`);
  }
  const chainA = execFileSync('sqlite3', [sqlite, 'SELECT group_concat(hash, \',\') FROM (SELECT hash FROM audit_log ORDER BY id)']).toString().trim();
  assert.equal(psql(pg, "SELECT string_agg(hash, ',' ORDER BY id) FROM audit_log"), chainA, 'the audit chain, row for row');
  assert.equal(psql(pg, "SELECT next FROM sequences WHERE name = 'BX'"), '7');
  const check = kefu(['check', '--pg', pg]);
  assert.equal(check.code, 0, check.out + check.err);
  // a non-empty target is refused and left as it was
  const again = kefu(['migrate', '--from', `sqlite:${sqlite}`, '--to', `pg:${pg}`]);
  assert.equal(again.code, 1);
  assert.match(again.err, /不是空的/);
  // the migrated database serves, and new ids follow the copied ones
  const srv2 = await startServer({ db: ['--pg', pg], skipDemo: true });
  try {
    const admin = await loginAs(srv2.url, 'admin');
    const p = assertOk(await admin.post('/api/v1/projects', { code: 'NEW', name: '迁移后新建管理处' }), 201);
    assert.equal(p.id, 8);
    assert.equal(assertOk(await admin.get('/api/v1/users?q=migr')).total, 1);
  } finally { await srv2.stop(); }
  assert.equal(kefu(['check', '--pg', pg]).code, 0, 'the chain continues after new writes');
});

test('migrate refuses wrong arguments', { skip }, () => {
  assert.equal(kefu(['migrate', '--from', '/x.db', '--to', 'pg:host=x']).code, 2);
  assert.equal(kefu(['migrate', '--from', 'sqlite:/nonexistent.db', '--to', `pg:${process.env.KEFU_TEST_PG} dbname=postgres`]).code, 1);
});
