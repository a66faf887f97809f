// tickets_stats.test.mjs — the desk's figures (docs/api.md "Tickets / Statistics"): a controlled
// set of tickets on one day of the test clock, so every count, rate and average is known, read
// by kind, technician, channel, category and building; the manager's called-back list; the
// exports of the figures and of the ticket list read back from the xlsx.
//
// The day, 2027-03-10 (technician 刘强 unless said otherwise):
//   R1 home_repair  water     07:50 registered, 08:10 dispatched, 09:10 completed, 09:30 called back 满意
//   R3 home_repair  civil     07:50, 08:20 dispatched to 赵师傅, 11:20 completed, next day 12:20 (25 h) 满意
//   R2 public_repair electric 07:50, 08:30 dispatched, 10:30 completed, 11:00 called back 基本满意
//   R4 service      other     07:50, 08:40 dispatched, 09:40 completed, 10:00 called back 不满意 (reopened)
//   C1 complaint naming R1 (维修投诉), I1 inquiry (answered with the close action)
// 07:50 in the office is 23:50 UTC of the day before: the range is the office's day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, client, assertError, assertOk, createUser, uniqueName, hasCJK, DEMO_PASSWORD } from '../lib/harness.mjs';
import { xlsxRows } from '../lib/xlsx.mjs';

let srv, dir;
let admin, manager, supervisor, agent, technician, tech2, cashier;
const ids = {};
const T = {};      // the day's tickets by name
const F = {};      // the same tickets read back after the day (their real timestamps)
let UNIT, BUILDING;
const DAY = '2027-03-10';
const RANGE = `from=${DAY}&to=${DAY}`;

// ---- sessions that survive clock jumps ----
const sessions = new Map();
async function login(username, password = DEMO_PASSWORD) {
  const c = client(srv.url);
  const r = await c.login(username, password);
  assert.equal(r.status, 200, `login ${username}: ${r.text}`);
  sessions.set(c, [username, password]);
  return c;
}
async function relogin() {
  await Promise.all([...sessions].map(async ([c, [u, p]]) => {
    c.jar.clear();
    c.csrf = null;
    assert.equal((await c.login(u, p)).status, 200, `login ${u} again`);
  }));
}
/** Sets the test clock to DAY at hh:mm (or the next day with next=true); everyone logs in again. */
async function at(hhmm, next = false) {
  const day = next ? '2027-03-11' : DAY;
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now: `${day}T${hhmm}:00+08:00` }));
  await relogin();
}

async function register(c, body) { return assertOk(await c.post('/api/v1/tickets', body), 201); }
async function act(c, id, action, body = {}) { return assertOk(await c.post(`/api/v1/tickets/${id}/actions/${action}`, body)); }
async function stats(query, c = supervisor) { return assertOk(await c.get(`/api/v1/stats/tickets?${query}`)); }

/**
 * Average minutes between two timestamps of the named tickets, from their records: the test clock
 * runs on in real time after it is set, so a step may land a second late; the expected averages
 * follow the recorded times exactly (the designed times are checked in the first test).
 */
function avg(names, from, to) {
  const v = names.map((n) => (Date.parse(F[n][to]) - Date.parse(F[n][from])) / 60000);
  return v.reduce((a, b) => a + b, 0) / v.length;
}
const disp = (...n) => avg(n, 'created_at', 'dispatched_at');
const done = (...n) => avg(n, 'dispatched_at', 'completed_at');

/** Compares one group's figures: counts exactly; rates to the docs' three decimals; averages to the answer's one decimal. */
function assertFigures(item, want, what) {
  for (const [k, v] of Object.entries(want)) {
    const got = item[k];
    if (v === null) assert.equal(got, null, `${what}.${k} is null`);
    else if (k.endsWith('_rate')) assert.ok(typeof got === 'number' && Math.abs(got - v) < 0.001, `${what}.${k}: ${got} ≈ ${v}`);
    else if (k.startsWith('avg_')) assert.ok(typeof got === 'number' && Math.abs(got - v) <= 0.051, `${what}.${k}: ${got} ≈ ${v}`);
    else assert.equal(got, v, `${what}.${k}`);
  }
}
const ZERO = { repairs: 0, completed: 0, called_back: 0, called_back_24h: 0, callback_rate: null, satisfied: 0,
  basically_satisfied: 0, unsatisfied: 0, satisfaction_rate: null, repair_complaints: 0, repair_complaint_rate: null,
  avg_dispatch_minutes: null, avg_complete_minutes: null };

async function download(c, p) {
  const res = await fetch(srv.url + p, { headers: { Cookie: c.cookieHeader() } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

before(async () => {
  srv = await startServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-tstats-'));
  assertOk(await client(srv.url).post('/api/v1/_test/clock', { now: `${DAY}T07:30:00+08:00` }));
  [admin, manager, supervisor, agent, technician, cashier] = await Promise.all(
    ['admin', 'manager', 'supervisor', 'agent', 'technician', 'cashier'].map((u) => login(u)));
  for (const [n, c] of Object.entries({ agent, technician })) ids[n] = assertOk(await c.get('/api/v1/me')).user.id;
  const u = assertOk(await agent.get('/api/v1/units?q=3-2-1502')).items.find((x) => x.code === '3-2-1502');
  UNIT = u.id;
  BUILDING = u.building_id;
  const name = uniqueName('tech');
  ids.tech2 = (await createUser(admin, { username: name, display_name: '赵师傅', password: 'Init2027pw', roles: [{ project_id: 1, role: 'technician' }] })).id;
  const t2 = client(srv.url);
  assertOk(await t2.login(name, 'Init2027pw'));
  assert.equal((await t2.post('/api/v1/me/password', { old_password: 'Init2027pw', new_password: 'Tech2027pw' })).status, 204);
  tech2 = await login(name, 'Tech2027pw');

  await at('07:50');
  const repair = (kind, channel, category, extra) => register(agent, { kind, channel, category, content: `${kind} ${category}`, caller: '统计', ...extra });
  T.R1 = await repair('home_repair', 'phone', 'water', { unit_id: UNIT, content: '卫生间漏水' });
  T.R2 = await repair('public_repair', 'patrol', 'electric', { location: '会所大厅' });
  T.R3 = await repair('home_repair', 'visit', 'civil', { unit_id: UNIT });
  T.R4 = await repair('service', 'phone', 'other', { unit_id: UNIT, paid: true });
  T.C1 = await register(agent, { kind: 'complaint', channel: 'phone', unit_id: UNIT, content: '维修后仍漏水', related_id: T.R1.id });
  T.I1 = await register(agent, { kind: 'inquiry', channel: 'web', content: '停车费标准' });
  await act(agent, T.I1.id, 'close', { reply: '每月300元' });

  const dispatchStart = async (t, tech, techId) => {
    await act(agent, t.id, 'dispatch', { technician_id: techId });
    await act(tech, t.id, 'start');
  };
  await at('08:10'); await dispatchStart(T.R1, technician, ids.technician);
  await at('08:20'); await dispatchStart(T.R3, tech2, ids.tech2);
  await at('08:30'); await dispatchStart(T.R2, technician, ids.technician);
  await at('08:40'); await dispatchStart(T.R4, technician, ids.technician);
  const complete = (t, tech = technician) => act(tech, t.id, 'complete', { work_done: '已处理', confirm_code: '1234' });
  const callback = (t, satisfaction) => act(agent, t.id, 'callback', { method: 'phone', satisfaction, result: '已回访' });
  await at('09:10'); await complete(T.R1);
  await at('09:30'); await callback(T.R1, 'satisfied');
  await at('09:40'); await complete(T.R4);
  await at('10:00'); assert.equal((await callback(T.R4, 'unsatisfied')).state, 'pending_dispatch');
  await at('10:30'); await complete(T.R2);
  await at('11:00'); await callback(T.R2, 'basically_satisfied');
  await at('11:20'); await complete(T.R3, tech2);
  await at('12:20', true); await callback(T.R3, 'satisfied');   // 25 h after completion
  for (const [n, t] of Object.entries(T)) F[n] = assertOk(await supervisor.get(`/api/v1/tickets/${t.id}`));
});
after(async () => { await srv?.stop(); if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

test('group=kind: counts, callback and satisfaction rates, repair complaint rate, average minutes', async () => {
  // the steps landed where the day above puts them (to the minute)
  const minutes = (n, a, b) => Math.round((Date.parse(F[n][b]) - Date.parse(F[n][a])) / 60000);
  assert.deepEqual(['R1', 'R2', 'R3', 'R4'].map((n) => minutes(n, 'created_at', 'dispatched_at')), [20, 40, 30, 50]);
  assert.deepEqual(['R1', 'R2', 'R3', 'R4'].map((n) => minutes(n, 'dispatched_at', 'completed_at')), [60, 120, 180, 60]);
  assert.deepEqual(['R1', 'R2', 'R3', 'R4'].map((n) => minutes(n, 'completed_at', 'called_back_at')), [20, 30, 1500, 20]);
  assert.equal(F.C1.related_id, T.R1.id, 'the complaint names the repair');
  const j = await stats(`${RANGE}&group=kind`);
  assert.equal(j.from, DAY);
  assert.equal(j.to, DAY);
  assert.equal(j.group, 'kind');
  const by = Object.fromEntries(j.items.map((i) => [i.key, i]));
  assert.deepEqual(Object.keys(by).sort(), ['complaint', 'home_repair', 'inquiry', 'public_repair', 'service']);
  assert.deepEqual(Object.fromEntries(j.items.map((i) => [i.key, i.label])),
    { home_repair: '居家维修', public_repair: '公共维修', service: '其它服务', complaint: '投诉', inquiry: '咨询' });
  assertFigures(by.home_repair, {
    count: 2, repairs: 2, completed: 2, called_back: 2, called_back_24h: 1, callback_rate: 0.5,
    satisfied: 2, basically_satisfied: 0, unsatisfied: 0, satisfaction_rate: 1, complaints: 0,
    repair_complaints: 1, repair_complaint_rate: 0.5, avg_dispatch_minutes: disp('R1', 'R3'), avg_complete_minutes: done('R1', 'R3'),
  }, 'home_repair');
  assertFigures(by.public_repair, {
    count: 1, repairs: 1, completed: 1, called_back: 1, called_back_24h: 1, callback_rate: 1,
    satisfied: 0, basically_satisfied: 1, unsatisfied: 0, satisfaction_rate: 1, complaints: 0,
    repair_complaints: 0, repair_complaint_rate: 0, avg_dispatch_minutes: disp('R2'), avg_complete_minutes: done('R2'),
  }, 'public_repair');
  assertFigures(by.service, {
    count: 1, repairs: 1, completed: 1, called_back: 1, called_back_24h: 1, callback_rate: 1,
    satisfied: 0, basically_satisfied: 0, unsatisfied: 1, satisfaction_rate: 0, complaints: 0,
    repair_complaints: 0, repair_complaint_rate: 0, avg_dispatch_minutes: disp('R4'), avg_complete_minutes: done('R4'),
  }, 'service');
  assertFigures(by.complaint, { ...ZERO, count: 1, complaints: 1 }, 'complaint');
  assertFigures(by.inquiry, { ...ZERO, count: 1, complaints: 0 }, 'inquiry');
  assertFigures(j.total, {
    count: 6, repairs: 4, completed: 4, called_back: 4, called_back_24h: 3, callback_rate: 0.75,
    satisfied: 2, basically_satisfied: 1, unsatisfied: 1, satisfaction_rate: 0.75, complaints: 1,
    repair_complaints: 1, repair_complaint_rate: 0.25, avg_dispatch_minutes: disp('R1', 'R2', 'R3', 'R4'), avg_complete_minutes: done('R1', 'R2', 'R3', 'R4'),
  }, 'total');
  // the total is the sum of the groups
  for (const k of ['count', 'repairs', 'completed', 'called_back', 'called_back_24h', 'satisfied', 'complaints']) {
    assert.equal(j.total[k], j.items.reduce((s, i) => s + i[k], 0), `total.${k}`);
  }
});

test('group=technician: each technician\'s orders; tickets never dispatched under one group', async () => {
  const j = await stats(`${RANGE}&group=technician`);
  assert.equal(j.group, 'technician');
  const find = (id) => j.items.find((i) => String(i.key) === String(id));
  const liu = find(ids.technician), zhao = find(ids.tech2);
  assert.ok(liu && zhao, JSON.stringify(j.items.map((i) => [i.key, i.label])));
  assert.equal(liu.label, '刘强');
  assert.equal(zhao.label, '赵师傅');
  assertFigures(liu, {
    count: 3, repairs: 3, completed: 3, called_back: 3, called_back_24h: 3, callback_rate: 1,
    satisfied: 1, basically_satisfied: 1, unsatisfied: 1, satisfaction_rate: 2 / 3, complaints: 0,
    repair_complaints: 1, repair_complaint_rate: 1 / 3, avg_dispatch_minutes: disp('R1', 'R2', 'R4'), avg_complete_minutes: done('R1', 'R2', 'R4'),
  }, '刘强');
  assertFigures(zhao, {
    count: 1, repairs: 1, completed: 1, called_back: 1, called_back_24h: 0, callback_rate: 0,
    satisfied: 1, basically_satisfied: 0, unsatisfied: 0, satisfaction_rate: 1, complaints: 0,
    repair_complaints: 0, repair_complaint_rate: 0, avg_dispatch_minutes: disp('R3'), avg_complete_minutes: done('R3'),
  }, '赵师傅');
  const rest = j.items.filter((i) => i !== liu && i !== zhao);
  assert.equal(rest.length, 1, 'the complaint and the inquiry: one group without a technician');
  assertFigures(rest[0], { ...ZERO, count: 2, complaints: 1 }, 'not dispatched');
  assert.ok(hasCJK(rest[0].label), rest[0].label);
  assert.equal(j.total.count, 6);
  assert.equal(j.total.called_back_24h, 3);
});

test('group=channel, category and building count the same tickets', async () => {
  const count = (j) => Object.fromEntries(j.items.map((i) => [String(i.key), i.count]));
  const ch = await stats(`${RANGE}&group=channel`);
  assert.deepEqual(count(ch), { phone: 3, patrol: 1, visit: 1, web: 1 });
  assert.equal(ch.items.find((i) => i.key === 'phone').label, '电话');
  const cat = count(await stats(`${RANGE}&group=category`));
  for (const k of ['water', 'electric', 'civil', 'other']) assert.equal(cat[k], 1, `category ${k}`);
  assert.equal(Object.values(cat).reduce((a, b) => a + b, 0), 6);
  const bj = await stats(`${RANGE}&group=building`);
  const b = bj.items.find((i) => String(i.key) === String(BUILDING));
  assert.ok(b, JSON.stringify(bj.items));
  assert.equal(b.count, 4, 'R1, R3, R4 and the complaint are about 3-2-1502');
  assert.equal(bj.total.count, 6);
});

test('a range without tickets: no items, zero counts, null rates; bad parameters → 400; technician 403', async () => {
  const j = await stats('from=2027-03-12&to=2027-03-20&group=kind');
  assert.deepEqual(j.items, []);
  assertFigures(j.total, { ...ZERO, count: 0, complaints: 0 }, 'empty total');
  assert.equal((await stats('from=2027-03-11&to=2027-03-11')).total.count, 0, 'R3\'s callback day registered nothing');
  assert.equal((await stats(`${RANGE}`)).total.count, 6, 'group defaults to something that still covers every ticket');
  assertError(await supervisor.get(`/api/v1/stats/tickets?${RANGE}&group=weather`), 400, 'bad_request', 'group');
  assertError(await supervisor.get('/api/v1/stats/tickets?from=2027-3-1'), 400, 'bad_request', 'from');
  assertError(await supervisor.get('/api/v1/stats/tickets?from=2027-03-10&to=2027-03-01'), 400, 'bad_request', 'to');
  assertError(await technician.get(`/api/v1/stats/tickets?${RANGE}`), 403, 'forbidden');
  assertError(await cashier.get(`/api/v1/stats/tickets?${RANGE}`), 403, 'forbidden');
  // an agent holds tickets.stats
  assert.equal((await stats(`${RANGE}&group=kind`, agent)).total.count, 6);
});

test('called_back_from/to: the manager\'s review list of the callbacks of a day', async () => {
  const ids10 = assertOk(await manager.get('/api/v1/tickets?called_back_from=2027-03-10&called_back_to=2027-03-10&per_page=200')).items.map((t) => t.id);
  assert.deepEqual(ids10.sort(), [T.R1.id, T.R2.id, T.R4.id].sort());
  const ids11 = assertOk(await manager.get('/api/v1/tickets?called_back_from=2027-03-11&per_page=200')).items.map((t) => t.id);
  assert.deepEqual(ids11, [T.R3.id]);
});

test('exports: the figures and the ticket list as xlsx with Chinese headers', async () => {
  const s = await download(supervisor, `/api/v1/stats/tickets?${RANGE}&group=kind&format=xlsx`);
  assert.equal(s.status, 200);
  assert.match(s.headers.get('content-type'), /spreadsheetml/);
  assert.match(s.headers.get('content-disposition'), /^attachment;/);
  const fname = decodeURIComponent(s.headers.get('content-disposition').split("UTF-8''")[1]);
  assert.ok(hasCJK(fname) && fname.endsWith('.xlsx'), fname);
  assert.equal(s.bytes.subarray(0, 2).toString(), 'PK');
  const rows = xlsxRows(s.bytes);
  assert.equal(rows.length, 1 + 5, 'a header and one row per group');
  assert.ok(rows[0].length >= 10, `columns: ${rows[0]}`);
  for (const h of rows[0]) assert.ok(hasCJK(h), `Chinese header: ${h}`);
  const home = rows.find((r) => r[0] === '居家维修');
  assert.ok(home, rows.map((r) => r[0]).join());
  assert.ok(home.includes('2'), `home_repair row carries its count: ${home}`);
  const col = (name) => rows[0].findIndex((h) => h.includes(name));
  assert.ok(col('回访率') >= 0, `a 回访率 column: ${rows[0]}`);
  assert.match(home[col('回访率')], /^(50(\.0+)?%|0\.50*)$/, `home_repair callback rate: ${home[col('回访率')]}`);
  assert.ok(rows.some((r) => r[0] === '投诉'), 'complaints row');

  const l = await download(agent, `/api/v1/tickets?from=${DAY}&to=${DAY}&format=xlsx`);
  assert.equal(l.status, 200);
  assert.match(l.headers.get('content-type'), /spreadsheetml/);
  const lrows = xlsxRows(l.bytes);
  assert.equal(lrows.length, 1 + 6, 'a header and the day\'s six tickets');
  for (const h of lrows[0]) assert.ok(hasCJK(h), `Chinese header: ${h}`);
  const numCol = lrows[0].indexOf('单号');
  assert.ok(numCol >= 0, `a 单号 column: ${lrows[0]}`);
  const numbers = lrows.slice(1).map((r) => r[numCol]).sort();
  assert.deepEqual(numbers, Object.values(T).map((t) => t.number).sort());
  const r1 = lrows.find((r) => r[numCol] === T.R1.number);
  assert.ok(r1.includes('卫生间漏水') && r1.includes('居家维修') && r1.includes('3-2-1502'), r1.join('|'));

  const csv = await download(agent, `/api/v1/stats/tickets?${RANGE}&group=technician&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const text = csv.bytes.toString('utf8');
  assert.ok(text.startsWith('\uFEFF'), 'UTF-8 BOM');
  assert.ok(text.includes('刘强') && text.includes('赵师傅'));
});
