// audit_words.test.mjs — the audit log speaks Chinese (issue 20, point 7): every entity, action,
// changed field and coded value an audit row can hold has the Chinese name its module gives it
// (kmodule.audit, GET /api/v1/audit/words; a workflow names its own actions and states). Checked
// three ways: the literal entities and actions of every audit call in src/, every workflow's
// entity, and the rows written by the demo and by every module's sample requests (one valid
// request per route, tests/api/<module>/requests.json) — then the list and its Excel export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, Client, REPO, assertOk, hasCJK, loginAs } from '../lib/harness.mjs';
import { samplesOn, roleUsers, newEnv, meOf, build } from '../lib/matrix.mjs';
import { xlsxRows } from '../lib/xlsx.mjs';

let srv, admin, words, reg;
const has = (list, key) => list.some((w) => w.key === key && hasCJK(w.label));

before(async () => {
  srv = await startServer();
  let samples;
  ({ admin, reg, samples } = await samplesOn(srv.url));
  words = assertOk(await admin.get('/api/v1/audit/words'));
  const users = await roleUsers(srv.url, admin, reg.roles, 1, 'w');
  const env = newEnv({ project: 1, tag: 'w', roleUsers: meOf(users), me: admin.me });
  const problems = await build(samples, admin, env);
  assert.deepEqual(problems, [], 'every sample request answers as it should');
  // a failed login, and deadlines run out (the tick marks them overdue)
  await new Client(srv.url).login('agent', 'not-the-password');
  assertOk(await admin.post('/api/v1/_test/clock', { advance_seconds: 40 * 86400 }));
  admin = await loginAs(srv.url, 'admin');   /* the session ran out with the days */
});
after(async () => { await srv?.stop(); });

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.c') ? [path.join(dir, e.name)] : []);
}

test('every literal entity and action of an audit call in src/ has a Chinese name', () => {
  const call = /\b(?:ctx_audit|archive_audit|audit_append)\([^;]*?"([a-z_]+)",\s*[^,;]+,\s*"([a-z_]+)"/g;
  const missing = [];
  let calls = 0;
  for (const f of sources(path.join(REPO, 'src'))) {
    const text = fs.readFileSync(f, 'utf8').replace(/\s+/g, ' ');
    for (const [, entity, action] of text.matchAll(call)) {
      calls++;
      if (!has(words.entities, entity)) missing.push(`${path.relative(REPO, f)}: entity ${entity}`);
      if (!has(words.actions, action)) missing.push(`${path.relative(REPO, f)}: action ${action}`);
    }
    for (const [, entity] of text.matchAll(/\.audit_entity = "([a-z_]+)"/g))
      if (!has(words.entities, entity)) missing.push(`${path.relative(REPO, f)}: settings entity ${entity}`);
  }
  assert.ok(calls >= 30, `the audit calls were found (${calls})`);
  assert.deepEqual(missing, []);
});

test('every workflow names its entity, its actions and its states', async () => {
  const routes = assertOk(await admin.get('/api/v1/_test/routes'));
  assert.ok(routes.workflows.length >= 3);
  for (const w of routes.workflows) {
    assert.ok(has(words.entities, w.entity), `workflow ${w.module}/${w.entity}: the entity's name`);
    for (const t of w.transitions) assert.ok(has(words.actions, t.action), `${w.entity}.${t.action}: a name`);
  }
});

/** The rows of the whole audit log (every page). */
async function allRows() {
  const rows = [];
  for (let page = 1; ; page++) {
    const j = assertOk(await admin.get(`/api/v1/audit?per_page=100&page=${page}`));
    rows.push(...j.items);
    if (rows.length >= j.total || !j.items.length) return rows;
  }
}

/** The field keys of a changes object, nested records too ({from,to} is a change, not a record). */
function fieldKeys(v, out = new Set()) {
  if (!v || typeof v !== 'object') return out;
  if (Array.isArray(v)) { v.forEach((x) => fieldKeys(x, out)); return out; }
  const change = Object.keys(v).length && Object.keys(v).every((k) => k === 'from' || k === 'to');
  for (const [k, x] of Object.entries(v)) {
    if (!change) out.add(k);
    fieldKeys(x, out);
  }
  return out;
}

test('every row of the demo and the sample requests reads in Chinese', async () => {
  let rows = await allRows();
  for (let i = 0; i < 50 && !rows.some((r) => r.action === 'overdue'); i++) {
    await new Promise((r) => setTimeout(r, 200));
    rows = await allRows();
  }
  const seen = (k) => rows.some((r) => r.action === k);
  for (const a of ['demo_load', 'overdue', 'login_failed', 'add_resident', 'grant_role']) assert.ok(seen(a), `a ${a} row`);
  const missing = new Set();
  for (const r of rows) {
    if (!hasCJK(r.entity_label)) missing.add(`entity ${r.entity}`);
    if (!hasCJK(r.action_label)) missing.add(`action ${r.entity}.${r.action}`);
    for (const k of fieldKeys(r.changes)) if (!has(words.fields, k)) missing.add(`field ${k} (${r.entity}.${r.action})`);
    assert.equal(typeof r.summary, 'string');
    if (r.changes && Object.keys(r.changes).length) assert.ok(hasCJK(r.summary), `a summary in words: ${JSON.stringify(r)}`);
  }
  assert.deepEqual([...missing].sort(), []);
  const demo = rows.find((r) => r.entity === 'archive' && r.action === 'demo_load');
  assert.equal(demo.entity_label, '业主档案');
  assert.match(demo.summary, /^来源：演示数据；楼栋数：\d+；房屋数：\d+；人员数：\d+$/);
});

test('a change reads 「字段：旧值 → 新值」, a workflow state by its label', async () => {
  const rows = await allRows();
  const upd = rows.find((r) => r.entity === 'user' && r.action === 'update' && r.changes?.display_name?.from);
  assert.ok(upd, 'a user update with a display name change');
  assert.ok(upd.summary.includes(`姓名：${upd.changes.display_name.from} → ${upd.changes.display_name.to}`), upd.summary);
  const moved = rows.find((r) => r.changes?.state?.from && r.changes.state.to && r.changes.state.from !== r.changes.state.to);
  assert.ok(moved, 'a workflow row');
  assert.match(moved.summary, /状态：[^\x00-\x7f]+ → [^\x00-\x7f]+/, moved.summary);
  assert.ok(!/[a-z]{3}/.test(moved.action_label), moved.action_label);
});

test('the audit export reads in Chinese too', async () => {
  const res = await fetch(`${srv.url}/api/v1/audit?format=xlsx&entity=archive`, { headers: { Cookie: admin.cookieHeader() } });
  assert.equal(res.status, 200);
  const rows = xlsxRows(new Uint8Array(await res.arrayBuffer()));
  const head = rows[0];
  const at = (t) => head.indexOf(t);
  assert.ok(at('对象') >= 0 && at('操作') >= 0 && at('变更内容') >= 0, JSON.stringify(head));
  const demo = rows.slice(1).find((r) => r[at('操作')] === '载入演示数据');
  assert.ok(demo, `a demo row in ${JSON.stringify(rows.slice(0, 3))}`);
  assert.equal(demo[at('对象')], '业主档案');
  assert.match(demo[at('变更内容')], /^来源：演示数据；/);
});
