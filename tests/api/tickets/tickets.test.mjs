// tickets.test.mjs — 服务登记 (docs/api.md "Tickets"): registering every kind, numbers, states,
// the ticket page (events, allowed actions, masked phone), the printable slip, refused input and
// refused actions (each leaves the ticket exactly as it was), hostile text, concurrent dispatch and registration.
// The workflow end to end, deadlines and views are tickets_flow.test.mjs; figures tickets_stats.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, client, loginAs, assertError, assertOk, createUser, uniqueName, rawRequest, hasCJK,
} from '../lib/harness.mjs';
import { makePng, PNG_MAGIC } from '../lib/png.mjs';

// The office day every ticket of this file is registered on (the test clock is set before login).
const DAY = '2027-01-15';
const NUMBER = /^(BX|TS|ZX|JY|BY|FW)\d{8}-\d{4}$/;
// each kind's number prefix (issue 20): 报修 BX, 投诉 TS, 咨询 ZX, 意见建议 JY, 表扬 BY, 其它服务 FW
const PREFIX = { home_repair: 'BX', public_repair: 'BX', complaint: 'TS', inquiry: 'ZX', suggestion: 'JY', praise: 'BY', service: 'FW' };
const FULL_PHONE = '13712348582';
const MASKED_PHONE = '137****8582';

let srv, dir;
let admin, supervisor, agent, steward, technician, cashier, agent2, tech2;
const ids = {};   // user ids by name
let UNIT;         // id of 3-2-1502 in project 1
let otherUnit;    // a unit of a project agent does not work in

const iso = (ms) => `${new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19)}+08:00`;
async function serverNow() {
  return Date.parse(assertOk(await client(srv.url).get('/api/v1/_test/clock')).now);
}

/** The first page's size in whole points, from pdfinfo (A4 is 595.276 x 841.89). */
function pageSize(file) {
  const info = execFileSync('pdfinfo', [file]).toString('utf8');
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  assert.ok(m, info);
  return [Math.round(Number(m[1])), Math.round(Number(m[2]))];
}
const dataUrl = (buf, mime = 'image/png') => `data:${mime};base64,${buf.toString('base64')}`;

// ---- helpers ----
const repairBody = (extra = {}) => ({
  kind: 'home_repair', channel: 'phone', unit_id: UNIT, caller: '魏一鸣', phone: FULL_PHONE,
  content: '卫生间漏水', category: 'water', ...extra,
});
async function register(c, body, status = 201) {
  return assertOk(await c.post('/api/v1/tickets', body), status);
}
async function get(c, id) { return assertOk(await c.get(`/api/v1/tickets/${id}`)); }
async function act(c, id, action, body = {}) {
  return assertOk(await c.post(`/api/v1/tickets/${id}/actions/${action}`, body));
}
const actionsOf = (t) => t.allowed_actions.map((a) => a.action).sort();
async function ticketTotal() { return assertOk(await admin.get('/api/v1/tickets?per_page=1')).total; }
async function auditCount(id) {
  return assertOk(await supervisor.get(`/api/v1/audit?entity=ticket&id=${id}&per_page=200`)).total;
}
/** Everything an action could change, read back by a supervisor. */
async function snapshot(id) {
  const t = await get(supervisor, id);
  return {
    state: t.state, version: t.version, updated_at: t.updated_at, technician_id: t.technician_id,
    events: t.events.map((e) => e.id), deadlines: t.deadlines, work_done: t.work_done, materials: t.materials,
    charge: t.charge, labour_minutes: t.labour_minutes, confirmation: t.confirmation, satisfaction: t.satisfaction,
    appointment_at: t.appointment_at, accepted_at: t.accepted_at, started_at: t.started_at, audit: await auditCount(id),
  };
}
/** Runs fn, asserts the ticket is exactly as before, returns fn's answer. */
async function unchanged(id, fn, what) {
  const before = await snapshot(id);
  const res = await fn();
  assert.deepEqual(await snapshot(id), before, `${what}: the ticket must not change`);
  return res;
}
async function pendingRepair(extra = {}) { return register(agent, repairBody(extra)); }
async function dispatched(extra = {}) {
  const t = await pendingRepair(extra);
  return act(agent, t.id, 'dispatch', { technician_id: ids.technician });
}
async function inProgress(extra = {}) {
  const t = await dispatched(extra);
  return act(technician, t.id, 'start', {});
}

before(async () => {
  srv = await startServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-tickets-'));
  // sessions follow the test clock: set it first, then log in
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now: `${DAY}T09:00:00+08:00` }));
  [admin, supervisor, agent, steward, technician, cashier, agent2] = await Promise.all(
    ['admin', 'supervisor', 'agent', 'steward', 'technician', 'cashier', 'agent2'].map((u) => loginAs(srv.url, u)));
  for (const [n, c] of Object.entries({ admin, supervisor, agent, steward, technician, agent2 })) {
    ids[n] = assertOk(await c.get('/api/v1/me')).user.id;
  }
  const look = assertOk(await agent.get('/api/v1/lookup?q=3-2-1502'));
  const u = look.units.find((x) => x.code === '3-2-1502' && x.project_id === 1);
  assert.ok(u, 'demo unit 3-2-1502 of project 1');
  UNIT = u.id;

  // a second technician of project 1 (must change the initial password first)
  const name = uniqueName('tech');
  const created = await createUser(admin, { username: name, display_name: '第二维修工', password: 'Init2027pw', roles: [{ project_id: 1, role: 'technician' }] });
  ids.tech2 = created.id;
  tech2 = client(srv.url);
  assertOk(await tech2.login(name, 'Init2027pw'));
  assert.equal((await tech2.post('/api/v1/me/password', { old_password: 'Init2027pw', new_password: 'Tech2027pw' })).status, 204);

  // a project of its own with one building and one unit (agent does not work there)
  const p = assertOk(await admin.post('/api/v1/projects', { code: 'TK3', name: '工单测试管理处' }), 201);
  const b = assertOk(await admin.post('/api/v1/buildings', { project_id: p.id, code: '1', name: '1栋', floors: 6, entrances: 1, kind: '住宅楼' }), 201);
  otherUnit = assertOk(await admin.post('/api/v1/units', {
    project_id: p.id, building_id: b.id, entrance: '1', room: '101', floor: 1, area_build: 80, use: '住宅', holder: '他人', status: '已入住',
  }), 201);
});
after(async () => { await srv?.stop(); if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

// ---------------------------------------------------------------------------
// register

test('register every kind: number prefix by kind + date-seq, consecutive per prefix; state per kind; received_by is the caller', async () => {
  const bodies = [
    [{ kind: 'inquiry', channel: 'phone', caller: '咨询人', content: '物业费怎么交' }, 'open'],
    [{ kind: 'suggestion', channel: 'web', content: '建议增加充电桩' }, 'open'],
    [{ kind: 'complaint', channel: 'visit', unit_id: UNIT, caller: '魏一鸣', content: '楼上噪音' }, 'registered'],
    [{ kind: 'public_repair', channel: 'patrol', location: '3栋电梯厅', content: '电梯按钮失灵', category: 'elevator' }, 'pending_dispatch'],
    [repairBody(), 'pending_dispatch'],
    [{ kind: 'service', channel: 'sms', unit_id: UNIT, content: '开锁服务', category: 'other', paid: true }, 'pending_dispatch'],
    [{ kind: 'praise', channel: 'email', content: '保安很负责' }, 'open'],
  ];
  const made = [];
  for (const [body, state] of bodies) {
    const t = await register(agent, body);
    assert.match(t.number, NUMBER, t.number);
    assert.equal(t.number.slice(0, 2), PREFIX[body.kind], `${body.kind}: ${t.number}`);
    assert.equal(t.number.slice(2, 10), DAY.replaceAll('-', ''), `office-local date in ${t.number}`);
    assert.equal(t.kind, body.kind);
    assert.equal(t.channel, body.channel);
    assert.equal(t.state, state, `${body.kind} starts ${state}`);
    assert.ok(t.state_label && hasCJK(t.state_label), 'state_label in Chinese');
    assert.ok(hasCJK(t.kind_label) && hasCJK(t.channel_label));
    assert.equal(t.project_id, 1, 'agent works in project 1 only: the project is inferred');
    assert.equal(t.received_by, ids.agent);
    assert.equal(t.received_by_name, '李静');
    assert.equal(t.content, body.content);
    assert.equal(t.reopen_count, 0);
    assert.ok(Number.isInteger(t.version) && t.version >= 1);
    // the first event
    assert.equal(t.events.length, 1);
    assert.equal(t.events[0].action, 'create');
    assert.equal(t.events[0].from, null);
    assert.equal(t.events[0].to, state);
    assert.equal(t.events[0].actor_id, ids.agent);
    // a repair must be dispatched in time, a complaint replied to and handled (issue 6); other kinds have no deadline
    const repair = ['public_repair', 'home_repair', 'service'].includes(body.kind);
    const due = repair ? ['dispatch:open'] : body.kind === 'complaint' ? ['reply:open', 'handle:open'] : [];
    assert.deepEqual(t.deadlines.map((d) => `${d.kind}:${d.state}`), due, `${body.kind} deadlines`);
    // the buttons of the desk (a complaint runs the complaint workflow)
    const expected = { open: ['cancel', 'close', 'note'], registered: ['assign', 'classify', 'escalate', 'note', 'void'],
                       pending_dispatch: ['cancel', 'dispatch', 'note'] }[state];
    assert.deepEqual(actionsOf(t), expected, `${body.kind}: allowed actions of an agent`);
    for (const a of t.allowed_actions) assert.ok(hasCJK(a.label), `label of ${a.action}`);
    // read back
    const g = await get(agent, t.id);
    assert.equal(g.number, t.number);
    assert.equal(g.state, state);
    assert.deepEqual(g.events.map((e) => e.action), ['create']);
    made.push(t);
  }
  // each prefix counts on its own: the two BX repairs are consecutive
  const bx = made.filter((t) => t.number.startsWith('BX')).map((t) => Number(t.number.slice(-4)));
  assert.equal(bx.length, 2);
  assert.equal(bx[1], bx[0] + 1, `consecutive repair numbers: ${made.map((t) => t.number)}`);
  assert.equal(new Set(made.map((t) => t.number.slice(2, 11))).size, 1, 'one day');
  // the repair fields
  const home = made[4];
  assert.equal(home.unit_id, UNIT);
  assert.equal(home.unit_code, '3-2-1502');
  assert.equal(home.category, 'water');
  assert.equal(home.category_label, '水');
  assert.equal(made[3].location, '3栋电梯厅');
  assert.equal(made[3].unit_id, null);
  assert.equal(made[5].paid, true);
  assert.equal(home.paid, false);
});

test('an inquiry answered at once is closed, with events create + close', async () => {
  const t = await register(agent, { kind: 'inquiry', channel: 'phone', caller: '业主', content: '停水到几点', reply: '今天18点恢复供水' });
  assert.equal(t.state, 'closed');
  assert.equal(t.reply, '今天18点恢复供水');
  assert.ok(t.closed_at, 'closed_at set');
  assert.deepEqual(t.events.map((e) => [e.action, e.from, e.to]), [['create', null, 'open'], ['close', 'open', 'closed']]);
  for (const e of t.events) assert.equal(e.actor_id, ids.agent);
  assert.deepEqual(actionsOf(t), [], 'nothing left to do on a closed inquiry');
  const audit = assertOk(await supervisor.get(`/api/v1/audit?entity=ticket&id=${t.id}`));
  assert.deepEqual(audit.items.map((r) => r.action).sort(), ['close', 'create']);
  // a suggestion and a praise may be answered too
  assert.equal((await register(agent, { kind: 'praise', channel: 'phone', content: '维修师傅很好', reply: '已转达' })).state, 'closed');
  assert.equal((await register(agent, { kind: 'suggestion', channel: 'web', content: '增加路灯', reply: '已采纳' })).state, 'closed');
});

test('reply is for inquiries, suggestions and praise only: a complaint or a repair with reply → 422 reply', async () => {
  const n = await ticketTotal();
  assertError(await agent.post('/api/v1/tickets', { kind: 'complaint', channel: 'phone', content: '投诉', reply: '好的' }), 422, 'validation_failed', 'reply');
  assertError(await agent.post('/api/v1/tickets', repairBody({ reply: '好的' })), 422, 'validation_failed', 'reply');
  assert.equal(await ticketTotal(), n, 'nothing registered');
});

test('the project comes from the unit; numbers run per project', async () => {
  // admin works company-wide: the unit decides the project
  const t = await register(admin, repairBody({ caller: '管理员登记' }));
  assert.equal(t.project_id, 1);
  assert.equal(t.unit_code, '3-2-1502');
  const unit = assertOk(await admin.get(`/api/v1/units/${UNIT}`));
  assert.equal(t.building_id, unit.building_id);
  assert.equal(t.received_by, ids.admin);
  // project 2 has its own sequence: its first ticket of the day is -0001
  const p2 = await register(agent2, { kind: 'inquiry', channel: 'phone', content: '金桂苑咨询' });
  assert.equal(p2.project_id, 2);
  assert.equal(p2.number, `ZX${DAY.replaceAll('-', '')}-0001`);
  const p1next = await register(agent, repairBody({ caller: '翠湖报修' }));
  assert.equal(Number(p1next.number.slice(-4)), Number(t.number.slice(-4)) + 1, 'project 1 goes on after its own last number');
  // agent2 works in project 2 only: project 1's tickets are not found
  assertError(await agent2.get(`/api/v1/tickets/${t.id}`), 404, 'not_found');
  assert.ok(!assertOk(await agent2.get('/api/v1/tickets?per_page=200')).items.some((x) => x.project_id !== 2));
});

test('the ticket page shows the phone whole to the desk and the assigned technician only; lists mask it', async () => {
  const t = await register(agent, repairBody());
  assert.equal(t.phone, FULL_PHONE, 'the agent who registered it rings back');
  for (const c of [agent, steward, supervisor]) assert.equal((await get(c, t.id)).phone, FULL_PHONE);
  assert.equal((await get(technician, t.id)).phone, MASKED_PHONE, 'not yet dispatched to the technician');
  const techId = (await technician.get('/api/v1/me')).json.user.id;
  assertOk(await agent.post(`/api/v1/tickets/${t.id}/actions/dispatch`, { technician_id: techId }));
  assert.equal((await get(technician, t.id)).phone, FULL_PHONE, 'the technician it is dispatched to arranges the visit');
  // lists and exports of the agent never carry the whole number
  const list = await agent.get(`/api/v1/tickets?q=${encodeURIComponent('3-2-1502')}&per_page=200`);
  const item = assertOk(list).items.find((x) => x.id === t.id);
  assert.equal(item.phone, MASKED_PHONE);
  assert.ok(!list.text.includes(FULL_PHONE), 'no whole phone in the agent\'s list');
  const csv = await fetch(`${srv.url}/api/v1/tickets?format=csv`, { headers: { Cookie: agent.cookieHeader() } });
  assert.equal(csv.status, 200);
  const text = await csv.text();
  assert.ok(text.includes(t.number) && text.includes(MASKED_PHONE), 'export lists it, masked');
  assert.ok(!text.includes(FULL_PHONE), 'no whole phone in the agent\'s export');
  const sup = assertOk(await supervisor.get(`/api/v1/tickets?q=${t.number}`)).items;
  assert.deepEqual(sup.map((x) => x.phone), [FULL_PHONE]);
});

// ---------------------------------------------------------------------------
// the printable slip

test('slip.pdf: a PDF with the number and the content; A4 is 595x842; size=b5 → 400', async () => {
  const t = await dispatched();
  const fetchPdf = async (q = '') => {
    const res = await fetch(`${srv.url}/api/v1/tickets/${t.id}/slip.pdf${q}`, { headers: { Cookie: agent.cookieHeader() } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const r = await fetchPdf();
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/pdf/);
  assert.equal(r.bytes.subarray(0, 4).toString(), '%PDF');
  const f = path.join(dir, 'slip.pdf');
  fs.writeFileSync(f, r.bytes);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-']).toString('utf8');
  assert.ok(text.includes(t.number), `the number in the slip text:\n${text}`);
  assert.ok(text.includes('卫生间漏水'), 'the content in the slip text');
  assert.ok(text.includes('维修任务单'), 'the title');
  assert.ok(text.includes('3-2-1502'), 'the unit');
  assert.ok(text.includes('刘强'), 'the technician');
  assert.ok(text.includes(FULL_PHONE), 'the slip carries the whole number for the technician to ring');

  const a4 = await fetchPdf('?size=a4');
  assert.equal(a4.status, 200);
  const f4 = path.join(dir, 'slip-a4.pdf');
  fs.writeFileSync(f4, a4.bytes);
  assert.deepEqual(pageSize(f4), [595, 842], 'A4 in points');
  const a5 = await fetchPdf('?size=a5');
  assert.equal(a5.status, 200);
  const f5 = path.join(dir, 'slip-a5.pdf');
  fs.writeFileSync(f5, a5.bytes);
  assert.deepEqual(pageSize(f5), [420, 595], 'A5 in points');

  assertError(await agent.get(`/api/v1/tickets/${t.id}/slip.pdf?size=b5`), 400, 'bad_request', 'size');
  assertError(await agent2.get(`/api/v1/tickets/${t.id}/slip.pdf`), 404, 'not_found');
});

// ---------------------------------------------------------------------------
// refused registrations: nothing is written

test('bad registrations → 422 with the field; nothing is registered', async () => {
  const now = await serverNow();
  const cases = [
    [{ kind: 'bogus', channel: 'phone', content: 'x' }, 'validation_failed', 'kind'],
    [{ channel: 'phone', content: 'x' }, 'validation_failed', 'kind'],
    [{ kind: 'inquiry', channel: 'fax', content: 'x' }, 'validation_failed', 'channel'],
    [{ kind: 'inquiry', content: 'x' }, 'validation_failed', 'channel'],
    [repairBody({ category: 'gas' }), 'validation_failed', 'category'],
    [repairBody({ category: undefined }), 'validation_failed', 'category'],
    [{ kind: 'home_repair', channel: 'phone', location: '3栋大堂', content: '漏水', category: 'water' }, 'validation_failed', 'unit_id'],
    [{ kind: 'public_repair', channel: 'patrol', content: '路灯不亮', category: 'electric' }, 'validation_failed', /^(location|unit_id)$/],
    [repairBody({ content: undefined }), 'validation_failed', 'content'],
    [repairBody({ content: '' }), 'validation_failed', 'content'],
    [repairBody({ content: '   ' }), 'validation_failed', 'content'],
    [repairBody({ content: '漏'.repeat(2001) }), 'validation_failed', 'content'],
    [repairBody({ caller: '名'.repeat(51) }), 'validation_failed', 'caller'],
    [repairBody({ phone: 'call me' }), 'validation_failed', 'phone'],
    [repairBody({ paid: 'yes' }), 'validation_failed', 'paid'],
    [repairBody({ appointment_at: iso(now - 3600 * 1000) }), 'validation_failed', 'appointment_at'],
    [repairBody({ appointment_at: 'tomorrow' }), 'validation_failed', 'appointment_at'],
    [repairBody({ related_id: 99999999 }), 'validation_failed', 'related_id'],
    [repairBody({ unit_id: 99999999 }), 'validation_failed', 'unit_id'],
    [repairBody({ unit_id: 'abc' }), 'validation_failed', 'unit_id'],
    [{ kind: 'inquiry', channel: 'phone', content: '咨询', category: 'water' }, 'validation_failed', 'category'],
    [repairBody({ priority: 'high' }), 'unknown_field', 'priority'],
  ];
  const n = await ticketTotal();
  for (const [body, code, field] of cases) {
    assertError(await agent.post('/api/v1/tickets', body), 422, code, field);
  }
  // a unit of another project: for the company admin naming project 1, and for the agent who cannot see it
  assertError(await admin.post('/api/v1/tickets', repairBody({ project_id: 1, unit_id: otherUnit.id })), 422, 'validation_failed', 'unit_id');
  assertError(await agent.post('/api/v1/tickets', repairBody({ unit_id: otherUnit.id })), 422, 'validation_failed', 'unit_id');
  // related_id of another project's ticket
  const p2 = await register(agent2, { kind: 'inquiry', channel: 'phone', content: '金桂苑' });
  assertError(await agent.post('/api/v1/tickets', { kind: 'complaint', channel: 'phone', content: '投诉', related_id: p2.id }), 422, 'validation_failed', 'related_id');
  // not JSON / not an object
  assertError(await agent.post('/api/v1/tickets', undefined, { raw: '{"kind":' }), 400, 'bad_json');
  assertError(await agent.post('/api/v1/tickets', [1, 2]), 400, 'bad_json');
  assert.equal(await ticketTotal(), n + 1, 'only the project-2 inquiry was registered');
  // the next number follows without a gap
  const before = assertOk(await admin.get('/api/v1/tickets?project_id=1&kind=inquiry&per_page=1')).items[0];
  const t = await register(agent, { kind: 'inquiry', channel: 'phone', content: '之后的登记' });
  assert.equal(Number(t.number.slice(-4)), Number(before.number.slice(-4)) + 1, `${before.number} → ${t.number}`);
});

test('roles without tickets.write cannot register (403); nothing is registered', async () => {
  const n = await ticketTotal();
  assertError(await cashier.post('/api/v1/tickets', repairBody()), 403, 'forbidden');
  const store = await loginAs(srv.url, 'storekeeper');
  assertError(await store.post('/api/v1/tickets', repairBody()), 403, 'forbidden');
  assertError(await client(srv.url).post('/api/v1/tickets', repairBody()), 401, 'unauthenticated');
  assertError(await agent.post('/api/v1/tickets', repairBody(), { csrf: false }), 403, 'csrf_failed');
  assert.equal(await ticketTotal(), n);
  // a technician registers what they find on patrol
  const t = await register(technician, { kind: 'public_repair', channel: 'patrol', location: '地下车库B区', content: '照明灯坏', category: 'electric' });
  assert.equal(t.received_by, ids.technician);
  assert.equal(t.state, 'pending_dispatch');
});

// ---------------------------------------------------------------------------
// refused actions: a clear 4xx, and the ticket is exactly as it was

test('agent cannot complete (403); technician cannot dispatch (403)', async () => {
  const t = await inProgress();
  const r = await unchanged(t.id, () => agent.post(`/api/v1/tickets/${t.id}/actions/complete`, { work_done: '已修好', confirm_code: '1234' }), 'agent complete');
  assertError(r, 403, 'forbidden');
  const p = await pendingRepair();
  const r2 = await unchanged(p.id, () => technician.post(`/api/v1/tickets/${p.id}/actions/dispatch`, { technician_id: ids.technician }), 'technician dispatch');
  assertError(r2, 403, 'forbidden');
  // cashier holds tickets.act but no workflow role for dispatch
  const r3 = await unchanged(p.id, () => cashier.post(`/api/v1/tickets/${p.id}/actions/dispatch`, { technician_id: ids.technician }), 'cashier dispatch');
  assertError(r3, 403, 'forbidden');
  assert.ok(!actionsOf(await get(agent, t.id)).includes('complete'), 'no complete button for the agent');
});

test('another technician cannot accept, start or complete the first one\'s order, nor see it in queue=1', async () => {
  const d = await dispatched();
  const ip = await inProgress();
  for (const [id, action, body] of [[d.id, 'accept', {}], [d.id, 'start', {}], [ip.id, 'complete', { work_done: '修好', confirm_code: '1234' }]]) {
    const r = await unchanged(id, () => tech2.post(`/api/v1/tickets/${id}/actions/${action}`, body), `tech2 ${action}`);
    assertError(r, 403, 'forbidden');
  }
  const view = await get(tech2, d.id);
  for (const a of ['accept', 'start', 'complete']) assert.ok(!actionsOf(view).includes(a), `no ${a} button for another technician`);
  const q = assertOk(await tech2.get('/api/v1/tickets?queue=1&per_page=200'));
  assert.ok(!q.items.some((x) => x.id === d.id || x.id === ip.id), 'not in the other technician\'s queue');
  assert.equal(q.total, 0, 'nothing dispatched to the second technician');
  // while the assigned technician does see them
  const mine = assertOk(await technician.get('/api/v1/tickets?queue=1&per_page=200')).items.map((x) => x.id);
  assert.ok(mine.includes(d.id) && mine.includes(ip.id));
});

test('a note: "anyone who can read it" — also a technician the order is not dispatched to', async () => {
  const d = await dispatched();
  const t = await act(tech2, d.id, 'note', { note: '路过看了一眼，需要带扳手' });
  assert.equal(t.state, 'dispatched');
  assert.equal(t.events.at(-1).action, 'note');
  assert.equal(t.events.at(-1).note, '路过看了一眼，需要带扳手');
});

test('a technician adds a note to the patrol ticket they registered themself', async () => {
  const t = await register(technician, { kind: 'public_repair', channel: 'patrol', location: '2栋天台', content: '避雷带松动', category: 'facility' });
  assert.ok(actionsOf(t).includes('note'), `note among the allowed actions: ${actionsOf(t)}`);
  const n = await act(technician, t.id, 'note', { note: '已拍照' });
  assert.equal(n.events.at(-1).action, 'note');
});

test('unknown action → 404; callback on pending_dispatch → 409 invalid_state in Chinese; stale version → 409 conflict', async () => {
  const p = await pendingRepair();
  assertError(await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/explode`, {}), 'unknown action'), 404, 'not_found');
  assertError(await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/create`, {}), 'create as action'), 404, 'not_found');
  const cb = await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/callback`,
    { method: 'phone', satisfaction: 'satisfied', result: '满意' }), 'callback on pending');
  assertError(cb, 409, 'invalid_state');
  assert.ok(hasCJK(cb.json.error.message), cb.json.error.message);
  // a note moves the version on; dispatch with the old one is refused
  const cur = await get(agent, p.id);
  await act(agent, p.id, 'note', { version: cur.version, note: '业主下午在家' });
  const stale = await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/dispatch`,
    { version: cur.version, technician_id: ids.technician }), 'stale version');
  assertError(stale, 409, 'conflict');
  // a version of the wrong type
  assertError(await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/note`, { version: 'x', note: 'n' }), 'bad version'), 422, 'validation_failed', 'version');
  // a ticket that does not exist
  assertError(await agent.post('/api/v1/tickets/99999999/actions/dispatch', { technician_id: ids.technician }), 404, 'not_found');
  // the current version works
  const ok = await act(agent, p.id, 'dispatch', { version: cur.version + 1, technician_id: ids.technician });
  assert.equal(ok.state, 'dispatched');
});

test('dispatch: past appointment → 422 appointment_at; not a technician → 422 technician_id', async () => {
  const p = await pendingRepair();
  const now = await serverNow();
  const cases = [
    [{ technician_id: ids.technician, appointment_at: iso(now - 2 * 3600 * 1000) }, 'validation_failed', 'appointment_at'],
    [{ technician_id: ids.technician, appointment_at: '2027-13-01T10:00:00+08:00' }, 'validation_failed', 'appointment_at'],
    [{ technician_id: ids.agent }, 'validation_failed', 'technician_id'],
    [{ technician_id: ids.agent2 }, 'validation_failed', 'technician_id'],
    [{ technician_id: 99999999 }, 'validation_failed', 'technician_id'],
    [{ technician_id: String(ids.technician) }, 'validation_failed', 'technician_id'],
    [{}, 'validation_failed', 'technician_id'],
    [{ technician_id: ids.technician, urgent: true }, 'unknown_field', 'urgent'],
  ];
  for (const [body, code, field] of cases) {
    assertError(await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/dispatch`, body), JSON.stringify(body)), 422, code, field);
  }
  // within the 5 minutes' grace is fine
  const t = await act(agent, p.id, 'dispatch', { technician_id: ids.technician, appointment_at: iso(now - 60 * 1000) });
  assert.equal(t.state, 'dispatched');
});

test('complete: bad charge, labour, materials, signature or code → 422 with the field; nothing changes', async () => {
  const t = await inProgress({ paid: true });
  const sig = dataUrl(makePng());
  const ok = { work_done: '更换三角阀', confirm_code: '2468' };
  const cases = [
    [{ ...ok, charge: -1 }, 'charge'],
    [{ ...ok, charge: 12.5 }, 'charge'],
    [{ ...ok, charge: '100' }, 'charge'],
    [{ ...ok, labour_minutes: 10001 }, 'labour_minutes'],
    [{ ...ok, labour_minutes: -5 }, 'labour_minutes'],
    [{ ...ok, materials: 'pipe' }, 'materials'],
    [{ ...ok, materials: [{ name: '水管', qty: 0 }] }, /^materials/],
    [{ ...ok, work_done: '' }, 'work_done'],
    [{ confirm_code: '2468' }, 'work_done'],
    [{ work_done: '修好' }, /^(signature|confirm_code)$/],
    [{ ...ok, signature: sig }, /^(signature|confirm_code)$/],
    [{ ...ok, confirm_code: 'abcd' }, 'confirm_code'],
    [{ ...ok, confirm_code: '12' }, 'confirm_code'],
    [{ work_done: '修好', signature: dataUrl(Buffer.from('this is plain text, not an image at all')) }, 'signature'],
    [{ work_done: '修好', signature: dataUrl(Buffer.from('GIF89a....'), 'image/gif') }, 'signature'],
    [{ work_done: '修好', signature: 'data:image/png;base64,@@@not-base64@@@' }, 'signature'],
    [{ work_done: '修好', signature: dataUrl(Buffer.concat([PNG_MAGIC, crypto.randomBytes(1100 * 1024)])) }, 'signature'],
  ];
  for (const [body, field] of cases) {
    const what = JSON.stringify(body).slice(0, 120);
    assertError(await unchanged(t.id, () => technician.post(`/api/v1/tickets/${t.id}/actions/complete`, body), what), 422, 'validation_failed', field);
  }
  assertError(await unchanged(t.id, () => technician.post(`/api/v1/tickets/${t.id}/actions/complete`, { ...ok, tip: 5 }), 'unknown'),
    422, 'unknown_field', 'tip');
  // over the route's 2 MiB body limit
  const huge = JSON.stringify({ work_done: '修好', signature: dataUrl(Buffer.concat([PNG_MAGIC, crypto.randomBytes(1600 * 1024)])) });
  const r = await unchanged(t.id, () => rawRequest(srv.url, {
    method: 'POST', path: `/api/v1/tickets/${t.id}/actions/complete`, body: huge,
    headers: { 'Content-Type': 'application/json', Cookie: technician.cookieHeader(), 'X-CSRF-Token': technician.csrf },
  }), 'oversized body');
  assert.equal(r.status, 413, r.text.slice(0, 200));
  assert.equal(JSON.parse(r.text).error.code, 'payload_too_large');
  assertError(await technician.get(`/api/v1/tickets/${t.id}/signature`), 404, 'not_found');
  // and a good one still goes through
  const done = await act(technician, t.id, 'complete', { ...ok, charge: 100, labour_minutes: 30 });
  assert.equal(done.state, 'completed');
  assert.equal(done.charge, 100);
  assert.deepEqual(done.confirmation, { kind: 'code' });
});

test('required reasons and results: cancel without reason, callback without result → 422', async () => {
  const p = await pendingRepair();
  assertError(await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/cancel`, {}), 'cancel'), 422, 'validation_failed', 'reason');
  assertError(await unchanged(p.id, () => agent.post(`/api/v1/tickets/${p.id}/actions/note`, {}), 'note'), 422, 'validation_failed', 'note');
  const inq = await register(agent, { kind: 'inquiry', channel: 'phone', content: '问' });
  assertError(await unchanged(inq.id, () => agent.post(`/api/v1/tickets/${inq.id}/actions/close`, {}), 'close'), 422, 'validation_failed', 'reply');
  const t = await inProgress();
  await act(technician, t.id, 'complete', { work_done: '已修', confirm_code: '5555' });
  for (const [body, field] of [
    [{ satisfaction: 'satisfied', result: '好' }, 'method'],
    [{ method: 'pigeon', satisfaction: 'satisfied', result: '好' }, 'method'],
    [{ method: 'phone', satisfaction: 'meh', result: '好' }, 'satisfaction'],
    [{ method: 'phone', satisfaction: 'satisfied' }, 'result'],
  ]) {
    assertError(await unchanged(t.id, () => agent.post(`/api/v1/tickets/${t.id}/actions/callback`, body), JSON.stringify(body)), 422, 'validation_failed', field);
  }
  // cancel with a reason works and ends the dispatch deadline
  const c = await act(agent, p.id, 'cancel', { reason: '业主自行修好' });
  assert.equal(c.state, 'cancelled');
  assert.ok(c.deadlines.every((d) => d.state === 'met'), JSON.stringify(c.deadlines));
});

// ---------------------------------------------------------------------------
// hostile text

test('hostile input is stored and answered verbatim; the tickets table is intact', async () => {
  const sql = "'; DROP TABLE tickets;--";
  const xss = '<script>alert("x")</script><img src=x onerror=alert(1)>';
  const n = await ticketTotal();
  const t = await register(agent, repairBody({ caller: "Robert'); DROP TABLE tickets;--", content: `${sql}\n${xss}`, location: `3栋${sql}` }));
  const g = await get(agent, t.id);
  assert.equal(g.content, `${sql}\n${xss}`);
  assert.equal(g.caller, "Robert'); DROP TABLE tickets;--");
  assert.equal(g.location, `3栋${sql}`);
  const noted = await act(agent, t.id, 'note', { note: xss });
  assert.equal(noted.events.at(-1).note, xss);
  assert.equal(await ticketTotal(), n + 1, 'the table is there, one more row');
  // searching with SQL-ish text finds exactly that ticket
  const q = assertOk(await agent.get(`/api/v1/tickets?q=${encodeURIComponent(sql)}`));
  assert.deepEqual(q.items.map((x) => x.id), [t.id]);
  const pct = assertOk(await agent.get(`/api/v1/tickets?q=${encodeURIComponent("%' OR '1'='1")}`));
  assert.equal(pct.total, 0, 'LIKE wildcards and quotes are literal');
  // a spreadsheet never runs a caller typed as a formula
  const f = await register(agent, { kind: 'inquiry', channel: 'phone', caller: '=HYPERLINK("http://x","点我")', content: '公式' });
  const csv = await fetch(`${srv.url}/api/v1/tickets?format=csv&q=${f.number}`, { headers: { Cookie: agent.cookieHeader() } });
  const text = (await csv.text()).replace(/^\uFEFF/, '');
  assert.ok(text.includes(`"'=HYPERLINK(""http://x"",""点我"")"`) || text.includes(`'=HYPERLINK("http://x","点我")`), text);
  assert.ok(!/(^|,)"?=HYPERLINK/m.test(text), 'no cell starts with =');
  // the JSON answer is well-formed and the content type is JSON, not HTML
  const raw = await agent.get(`/api/v1/tickets/${t.id}`);
  assert.match(raw.headers.get('content-type'), /^application\/json/);
});

// ---------------------------------------------------------------------------
// concurrency

test('two desks dispatch the same ticket at once: one 200, one 409, one dispatch event', async () => {
  const agentB = await loginAs(srv.url, 'agent');
  for (let round = 0; round < 5; round++) {
    const p = await pendingRepair({ caller: `并发${round}` });
    const [a, b] = await Promise.all([
      agent.post(`/api/v1/tickets/${p.id}/actions/dispatch`, { version: p.version, technician_id: ids.technician }),
      (round % 2 ? supervisor : agentB).post(`/api/v1/tickets/${p.id}/actions/dispatch`, { version: p.version, technician_id: ids.tech2 }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `round ${round}: ${a.status} ${a.text.slice(0, 200)} / ${b.status} ${b.text.slice(0, 200)}`);
    const loser = a.status === 409 ? a : b;
    assertError(loser, 409);
    assert.ok(['conflict', 'invalid_state'].includes(loser.json.error.code), loser.text);
    const winner = a.status === 200 ? a : b;
    const t = await get(supervisor, p.id);
    assert.equal(t.state, 'dispatched');
    assert.equal(t.technician_id, winner.json.technician_id);
    assert.equal(t.version, p.version + 1);
    assert.equal(t.events.filter((e) => e.action === 'dispatch').length, 1, 'exactly one dispatch event');
    assert.equal(t.deadlines.filter((d) => d.kind === 'complete').length, 1, 'one completion deadline');
    const audit = assertOk(await supervisor.get(`/api/v1/audit?entity=ticket&id=${p.id}`)).items;
    assert.equal(audit.filter((x) => x.action === 'dispatch').length, 1, 'one audit row');
  }
});

test('ten registrations at once: all 201, ten different numbers without a gap', async () => {
  const stewardB = await loginAs(srv.url, 'steward');
  const n = await ticketTotal();
  const res = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    (i % 2 ? stewardB : agent).post('/api/v1/tickets', { kind: 'inquiry', channel: 'phone', content: `同时登记${i}` })));
  for (const r of res) assert.equal(r.status, 201, r.text.slice(0, 200));
  const numbers = res.map((r) => r.json.number);
  assert.equal(new Set(numbers).size, 10, `unique: ${numbers}`);
  const seqs = numbers.map((x) => Number(x.slice(-4))).sort((a, b) => a - b);
  assert.equal(seqs[9] - seqs[0], 9, `consecutive: ${seqs}`);
  assert.equal(await ticketTotal(), n + 10);
});

test('the whole list and each kind count exactly the tickets the user may see (read from the day sums), checked against the rows', async () => {
  const kinds = ['inquiry', 'suggestion', 'complaint', 'public_repair', 'home_repair', 'service', 'praise'];
  for (const c of [admin, agent, agent2]) {
    const all = assertOk(await c.get('/api/v1/tickets?per_page=1'));
    let sum = 0;
    for (const k of kinds) {
      const t = assertOk(await c.get(`/api/v1/tickets?kind=${k}&per_page=1`)).total;
      sum += t;
      // each kind's total (from the day sums too) against its rows: a partial last page counts them
      const lastK = assertOk(await c.get(`/api/v1/tickets?kind=${k}&per_page=199&page=${Math.max(1, Math.ceil(t / 199))}`));
      if (t % 199) assert.equal((Math.ceil(t / 199) - 1) * 199 + lastK.items.length, t, `kind ${k}: the total is the rows'`);
      assert.ok(lastK.items.every((x) => x.kind === k));
    }
    assert.equal(all.total, sum, 'the total equals the sum of the totals by kind');
    // the last page tells the total by itself: the two ways agree
    const last = assertOk(await c.get(`/api/v1/tickets?per_page=200&page=${Math.max(1, Math.ceil(all.total / 200))}`));
    assert.equal(last.total, all.total);
    if (all.total) assert.equal((Math.ceil(all.total / 200) - 1) * 200 + last.items.length, all.total);
  }
  // one project of the manager's two: that project's count only
  const m = await loginAs(srv.url, 'manager');
  const both = assertOk(await m.get('/api/v1/tickets?per_page=1')).total;
  const p1 = assertOk(await m.get('/api/v1/tickets?per_page=1&project_id=1')).total;
  const p2 = assertOk(await m.get('/api/v1/tickets?per_page=1&project_id=2')).total;
  assert.equal(both, p1 + p2);
  // a registration counts at once
  const before = assertOk(await agent.get('/api/v1/tickets?per_page=1')).total;
  await register(agent, { kind: 'inquiry', channel: 'visit', content: '计数' });
  assert.equal(assertOk(await agent.get('/api/v1/tickets?per_page=1')).total, before + 1);
});
