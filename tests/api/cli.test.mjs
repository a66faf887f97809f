// The command line: init, user add/passwd/list, demo, backup while serving, check (and its
// detection of an audit row changed behind the server's back), help and bad options.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, client } from './lib/harness.mjs';

const BIN = process.env.KEFU_BIN || path.resolve('build/kefu');
const env = { ...process.env, KEFU_PWHASH: 'min' };
let dir;

function kefu(args, input) {
  const r = spawnSync(BIN, args, { env, input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-cli-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

test('kefu --help and kefu serve --help come from the option table', () => {
  const h = kefu(['--help']);
  assert.equal(h.code, 0);
  for (const cmd of ['serve', 'init', 'demo', 'user', 'backup', 'check', 'version']) assert.match(h.out, new RegExp(`\\b${cmd}\\b`));
  const s = kefu(['serve', '--help']);
  assert.equal(s.code, 0);
  assert.match(s.out, /--db PATH/);
  assert.match(s.out, /--listen ADDR:PORT/);
  assert.match(s.out, /127\.0\.0\.1:8080/);
  assert.match(kefu(['version']).out, /^kefu \d+\.\d+\.\d+/);
});

test('bad options answer exit 2 with a Chinese message', () => {
  const r = kefu(['serve', '--threads', 'abc']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--threads 应为/);
  assert.equal(kefu(['nosuchcmd']).code, 2);
  assert.equal(kefu(['init', '--listen', '1.2.3.4:5']).code, 2);
});

test('init creates the database and an admin whose one-time password works', async () => {
  const db = path.join(dir, 'sub', 'init.db');
  const r = kefu(['init', '--db', db]);
  assert.equal(r.code, 0, r.err);
  const pw = r.out.match(/初始密码：(\S+)/)[1];
  assert.ok(pw.length >= 8);
  assert.equal(kefu(['init', '--db', db]).code, 1, 'a second init refuses');
  const srv = await startServer({ dbPath: db, skipDemo: true });
  try {
    const c = client(srv.url);
    const me = await c.login('admin', pw);
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.must_change_password, true);
    assert.equal((await c.get('/api/v1/users')).status, 403, 'must change the password first');
  } finally { await srv.stop(); }
});

test('user add, passwd and list', () => {
  const db = path.join(dir, 'users.db');
  assert.equal(kefu(['demo', '--db', db]).code, 0);
  const add = kefu(['user', 'add', 'lisi', '--role', 'agent', '--project', '1', '--name', '李四', '--password-stdin', '--db', db], 'Gate2026xy\n');
  assert.equal(add.code, 0, add.err);
  assert.equal(kefu(['user', 'add', 'lisi', '--role', 'agent', '--db', db]).code, 1, 'duplicate');
  assert.equal(kefu(['user', 'add', 'bad', '--role', 'king', '--db', db]).code, 2, 'unknown role');
  assert.equal(kefu(['user', 'add', 'x1', '--role', 'agent', '--project', '99', '--db', db]).code, 1, 'unknown project');
  assert.equal(kefu(['user', 'add', 'weak', '--role', 'agent', '--password-stdin', '--db', db], 'short\n').code, 1);
  // the same rules as the API: ten characters, not the user name, not a common password
  for (const [name, bad, why] of [['weak2', 'Abcd12345', /至少 10 位/], ['wang', 'Wang2026xyz', /用户名/],
                                  ['weak3', 'password123', /常见/], ['weak4', 'Tab2026xyz\t', /控制字符/]]) {
    const r = kefu(['user', 'add', name, '--role', 'agent', '--password-stdin', '--db', db], `${bad}\n`);
    assert.equal(r.code, 1, `${name}: ${r.out}`);
    assert.match(r.err, why);
  }
  const pw = kefu(['user', 'passwd', 'lisi', '--db', db]);
  assert.equal(pw.code, 0);
  assert.match(pw.out, /新密码：\S+/);
  const list = kefu(['user', 'list', '--db', db]);
  assert.match(list.out, /lisi\s+李四/);
  assert.match(list.out, /翠湖花园管理处·前台客服/);
});

test('backup while serving is consistent; check passes, then catches tampering', async () => {
  const db = path.join(dir, 'live.db');
  const srv = await startServer({ dbPath: db });
  const copy = path.join(dir, 'backup.db');
  try {
    const admin = client(srv.url);
    await admin.login('admin', 'demo1234');
    const writes = [];
    for (let i = 0; i < 20; i++) writes.push(admin.post('/api/v1/projects', { code: `B${i}`, name: `备份测试${i}管理处` }));
    const r = kefu(['backup', copy, '--db', db]);
    await Promise.all(writes);
    assert.equal(r.code, 0, r.err);
    assert.equal(kefu(['backup', copy, '--db', db]).code, 1, 'never overwrites');
  } finally { await srv.stop(); }
  const ok = kefu(['check', '--db', copy]);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /检查通过/);
  assert.equal(kefu(['check', '--db', db]).code, 0);
  execFileSync('sqlite3', [db, "UPDATE audit_log SET changes = '{\"forged\":1}' WHERE id = 3"]);
  const bad = kefu(['check', '--db', db]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /第 3 行/);
  assert.match(bad.out, /检查未通过/);
});

test('check reports a dangling foreign key and a missing database', () => {
  const db = path.join(dir, 'fk.db');
  assert.equal(kefu(['demo', '--db', db]).code, 0);
  execFileSync('sqlite3', [db, 'PRAGMA foreign_keys=OFF; INSERT INTO user_roles(user_id, project_id, role, created_at) VALUES (999, 1, \'agent\', 0);']);
  const r = kefu(['check', '--db', db]);
  assert.equal(r.code, 1);
  assert.match(r.out, /外键：发现问题/);
  assert.equal(kefu(['check', '--db', path.join(dir, 'none.db')]).code, 1);
});

test('check compares the day sums of the ticket figures with the tickets; --rebuild-stats repairs them', () => {
  const db = path.join(dir, 'stats.db');
  assert.equal(kefu(['demo', '--db', db]).code, 0);
  assert.match(kefu(['check', '--db', db]).out, /工单统计汇总：与工单一致 ✓/);
  execFileSync('sqlite3', [db, "INSERT INTO ticket_day_stats VALUES (1, 'kind', 0, 'inquiry', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)"]);
  const bad = kefu(['check', '--db', db]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /工单统计汇总：1 行与工单不一致 ✗/);
  const fixed = kefu(['check', '--db', db, '--rebuild-stats']);
  assert.equal(fixed.code, 0, fixed.out);
  assert.match(fixed.out, /已重新计算[\s\S]*与工单一致 ✓/);
});

test('kefu user passwd on a running server ends that user\'s sessions and API tokens (cross-process)', async () => {
  const db = path.join(dir, 'cross.db');
  const srv = await startServer({ dbPath: db });
  try {
    const agent = client(srv.url);
    assert.equal((await agent.login('agent', 'demo1234')).status, 200);
    assert.equal((await agent.get('/api/v1/me')).status, 200);
    assert.equal((await agent.get('/api/v1/me')).status, 200, 'served from the identity cache');
    const tok = await agent.post('/api/v1/tokens', { name: '命令行重置前' });
    assert.equal(tok.status, 201, tok.text);
    const script = client(srv.url);
    script.token = tok.json.token;
    assert.equal((await script.get('/api/v1/me')).status, 200);
    const r = kefu(['user', 'passwd', 'agent', '--db', db]);
    assert.equal(r.code, 0, r.err);
    await new Promise((res) => setTimeout(res, 600));   // the server polls the auth epoch every 200 ms
    assert.equal((await agent.get('/api/v1/me')).status, 401);
    assert.equal((await script.get('/api/v1/me')).status, 401, 'the token ended with the reset too');
  } finally { await srv.stop(); }
});

// KEFU_PWHASH=min (the test suite's fast password hashing) must never act silently: a server
// or command that runs with it says so on stderr, and /health carries the warning.
test('KEFU_PWHASH=min is announced, never silent', () => {
  const withMin = kefu(['version']);
  assert.equal(withMin.code, 0);
  assert.match(withMin.err, /KEFU_PWHASH=min.*只可用于测试/);
  const plain = spawnSync(BIN, ['version'], { env: { ...process.env, KEFU_PWHASH: '' }, encoding: 'utf8' });
  assert.equal(plain.status, 0);
  assert.doesNotMatch(plain.stderr, /KEFU_PWHASH/);
});
