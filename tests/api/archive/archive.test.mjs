// archive.test.mjs — 业主档案: buildings, units, residents, vehicles, pets, people, history,
// exports and the completeness rate (docs/api.md "Archive"). Black box: everything through HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, loginAs, assertError, assertOk, hasCJK, uniqueName } from '../lib/harness.mjs';

let srv, dir;
let admin, manager, supervisor, agent, steward, technician, agent2;

before(async () => {
  srv = await startServer();
  [admin, manager, supervisor, agent, steward, technician, agent2] = await Promise.all(
    ['admin', 'manager', 'supervisor', 'agent', 'steward', 'technician', 'agent2'].map((u) => loginAs(srv.url, u)));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-archive-'));
  // building codes already used by the demo estate in either project
  for (const pid of [1, 2]) {
    const r = await manager.get(`/api/v1/buildings?project_id=${pid}&per_page=200`);
    if (r.status === 200) for (const b of r.json.items) usedCodes.add(String(b.code));
  }
});
after(async () => { await srv?.stop(); if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

// ---------------------------------------------------------------------------
// helpers

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$/;
const usedCodes = new Set();
let codeSeq = 60;
/** A building code not used in project 1 or 2. */
function nextCode() {
  while (usedCodes.has(String(codeSeq))) codeSeq++;
  const c = String(codeSeq++);
  usedCodes.add(c);
  return c;
}
let roomSeq = 0;
function nextRoom() { roomSeq += 1; return String(1000 + roomSeq); }

let phoneSeq = 0;
/** A fresh valid mobile number (11 digits, 1[3-9]…). */
function nextPhone() {
  phoneSeq += 1;
  return `159${String(process.pid % 10000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}
const CN = '甲乙丙丁戊己庚辛壬癸';
let nameSeq = 0;
/** A fresh Chinese name: prefix + two characters from a counter. */
function cnName(prefix = '档案') {
  nameSeq += 1;
  return prefix + CN[Math.floor(nameSeq / 10) % 10] + CN[nameSeq % 10];
}
/** 18-character resident ID number with a valid check digit. */
function residentId(first17) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * W[i];
  return first17 + '10X98765432'[s % 11];
}
function badCheckDigit(id) {
  const last = id[17];
  return id.slice(0, 17) + (last === '0' ? '1' : '0');
}

async function mkBuilding(c = agent, extra = {}) {
  const code = extra.code ?? nextCode();
  const body = { project_id: 1, code, name: `${code}栋`, floors: 18, entrances: 2, kind: '住宅楼', ...extra };
  return assertOk(await c.post('/api/v1/buildings', body), 201);
}
function unitBody(b, extra = {}) {
  return {
    project_id: b.project_id, building_id: b.id, entrance: b.entrances ? '1' : undefined, room: nextRoom(),
    floor: 10, area_build: 89.5, area_use: 72.3, use: '住宅', structure: '三房两厅', holder: '产权测试人',
    status: '已入住', ...extra,
  };
}
async function mkUnit(c, b, extra = {}) {
  return assertOk(await c.post('/api/v1/units', unitBody(b, extra)), 201);
}
async function mkPerson(c = agent, extra = {}) {
  const body = { project_id: 1, name: cnName(), phone: nextPhone(), ...extra };
  return assertOk(await c.post('/api/v1/people', body), 201);
}
async function getUnit(c, id) { return assertOk(await c.get(`/api/v1/units/${id}`)); }
async function total(c, p) {
  const sep = p.includes('?') ? '&' : '?';
  return assertOk(await c.get(`${p}${sep}per_page=1`)).total;
}
/** Full values of a person, through the audited reveal (supervisor has people.reveal). */
async function reveal(id, c = supervisor) {
  const j = assertOk(await c.post(`/api/v1/people/${id}/actions/reveal`, {}));
  return j.person && typeof j.person === 'object' ? j.person : j;
}
/** A record that is still current (removed records may stay visible with a marker). */
function active(x) { return x.active !== false && !x.removed && !x.removed_at && !x.deleted_at; }

async function download(c, p) {
  const res = await fetch(srv.url + p, { headers: { Cookie: c.cookieHeader() } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
function colIndex(letters) { let n = 0; for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64); return n - 1; }
/** Rows of the first sheet: arrays of {t: 's'|'n'|'b', v}, by column. */
function readXlsx(bytes) {
  const f = path.join(dir, `${uniqueName('x')}.xlsx`);
  fs.writeFileSync(f, bytes);
  let shared = '';
  try { shared = execFileSync('unzip', ['-p', f, 'xl/sharedStrings.xml'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8'); } catch { /* no strings */ }
  const sheet = execFileSync('unzip', ['-p', f, 'xl/worksheets/sheet1.xml']).toString('utf8');
  const sis = [...shared.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => unxml([...m[1].matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((x) => x[1]).join('')));
  const rows = [];
  for (const rm of sheet.matchAll(/<row\b[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const cells = [];
    for (const cm of (rm[1] || '').matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const t = (/\bt="(\w+)"/.exec(cm[2]) || [])[1];
      const inner = cm[3] || '';
      const v = (/<v>([^<]*)<\/v>/.exec(inner) || [])[1];
      let cell;
      if (t === 's') cell = { t: 's', v: sis[Number(v)] };
      else if (t === 'inlineStr' || t === 'str') cell = { t: 's', v: unxml([...inner.matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((x) => x[1]).join('') || v || '') };
      else if (t === 'b') cell = { t: 'b', v: v === '1' };
      else cell = v === undefined ? { t: 's', v: '' } : { t: 'n', v: Number(v) };
      cells[colIndex(cm[1])] = cell;
    }
    rows.push(cells);
  }
  return { rows, text: shared + sheet };
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
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
/** Download an export in both formats and check the common contract; returns {xlsx, csv}. */
async function exportBoth(c, p, filePrefix) {
  const out = {};
  for (const fmt of ['xlsx', 'csv']) {
    const r = await download(c, `${p}${p.includes('?') ? '&' : '?'}format=${fmt}`);
    assert.equal(r.status, 200, `${p} format=${fmt}: ${r.bytes.toString('utf8').slice(0, 300)}`);
    const cd = r.headers.get('content-disposition') || '';
    assert.match(cd, /^attachment;/, `${fmt} Content-Disposition: ${cd}`);
    const fname = decodeURIComponent(cd.split("UTF-8''")[1] || '');
    assert.ok(hasCJK(fname), `Chinese file name: ${cd}`);
    if (filePrefix) assert.ok(fname.startsWith(filePrefix), `file name ${fname} starts with ${filePrefix}`);
    assert.ok(fname.endsWith(`.${fmt}`), `file name ${fname} ends with .${fmt}`);
    if (fmt === 'xlsx') {
      assert.match(r.headers.get('content-type'), /spreadsheetml/);
      assert.equal(r.bytes.subarray(0, 2).toString(), 'PK');
      out.xlsx = readXlsx(r.bytes);
    } else {
      assert.match(r.headers.get('content-type'), /^text\/csv/);
      assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
      out.csv = parseCsv(r.bytes.toString('utf8').slice(1));
    }
  }
  const xhead = out.xlsx.rows[0].map((c) => (c ? String(c.v) : ''));
  for (const h of xhead) assert.ok(hasCJK(h), `xlsx header "${h}" is Chinese (${xhead.join('|')})`);
  for (const h of out.csv[0]) assert.ok(hasCJK(h), `csv header "${h}" is Chinese (${out.csv[0].join('|')})`);
  assert.deepEqual(out.csv[0], xhead, 'csv and xlsx have the same columns');
  return out;
}
function col(headers, re) {
  const i = headers.findIndex((h) => re.test(h));
  assert.ok(i >= 0, `a column matching ${re} in ${headers.join('|')}`);
  return i;
}

// state shared by later tests
let bMain;        // building of project 1 created by the tests
let bP2;          // building of project 2 with the same code as bMain

// ---------------------------------------------------------------------------
// buildings

test('buildings: create, read, list; code unique per project (409 duplicate); edit with version', async () => {
  const before = await total(agent, '/api/v1/buildings?project_id=1');
  const code = nextCode();
  const res = await agent.post('/api/v1/buildings', { project_id: 1, code, name: `${code}栋`, floors: 18, entrances: 2, kind: '住宅楼', remark: '测试楼栋' });
  bMain = assertOk(res, 201);
  for (const k of ['id', 'project_id', 'code', 'name', 'floors', 'entrances', 'kind', 'remark', 'unit_count', 'version', 'created_at', 'updated_at'])
    assert.ok(k in bMain, `building has ${k}: ${res.text}`);
  assert.equal(bMain.project_id, 1);
  assert.equal(bMain.code, code);
  assert.equal(bMain.name, `${code}栋`);
  assert.equal(bMain.floors, 18);
  assert.equal(bMain.entrances, 2);
  assert.equal(bMain.kind, '住宅楼');
  assert.equal(bMain.unit_count, 0);
  assert.equal(bMain.version, 1);
  assert.match(bMain.created_at, ISO);
  assert.deepEqual(assertOk(await agent.get(`/api/v1/buildings/${bMain.id}`)).code, code);
  assert.equal(await total(agent, '/api/v1/buildings?project_id=1'), before + 1);
  // the agent has one project: project_id may be left out of a list
  const list = assertOk(await agent.get(`/api/v1/buildings?q=${encodeURIComponent(`${code}栋`)}`));
  assert.ok(list.items.some((b) => b.id === bMain.id), 'found by q without project_id');
  assert.ok(list.items.every((b) => b.project_id === 1));

  // duplicate code in the same project
  assertError(await agent.post('/api/v1/buildings', { project_id: 1, code, name: '重复楼', kind: '住宅楼' }), 409, 'duplicate', 'code');
  assert.equal(await total(agent, '/api/v1/buildings?project_id=1'), before + 1);
  // the same code is fine in another project
  bP2 = assertOk(await manager.post('/api/v1/buildings', { project_id: 2, code, name: `${code}栋`, floors: 6, entrances: 1, kind: '住宅楼' }), 201);
  assert.equal(bP2.project_id, 2);

  // edit with version
  const p = assertOk(await agent.patch(`/api/v1/buildings/${bMain.id}`, { version: 1, name: `${code}号楼`, floors: 20 }));
  assert.equal(p.name, `${code}号楼`);
  assert.equal(p.floors, 20);
  assert.equal(p.version, 2);
  assertError(await agent.patch(`/api/v1/buildings/${bMain.id}`, { version: 1, name: '旧版本' }), 409, 'conflict');
  assert.equal(assertOk(await agent.get(`/api/v1/buildings/${bMain.id}`)).name, `${code}号楼`);
  // another building may not take this code by an edit either
  const other = await mkBuilding(agent);
  assertError(await agent.patch(`/api/v1/buildings/${other.id}`, { version: other.version, code }), 409, 'duplicate', 'code');
  bMain = assertOk(await agent.get(`/api/v1/buildings/${bMain.id}`));
});

test('buildings: validation → 422 with the field, nothing written', async () => {
  const before = await total(agent, '/api/v1/buildings?project_id=1');
  const ok = { project_id: 1, code: nextCode(), name: '校验楼', floors: 18, entrances: 2, kind: '住宅楼' };
  assertError(await agent.post('/api/v1/buildings', { ...ok, code: undefined }), 422, 'validation_failed', 'code');
  assertError(await agent.post('/api/v1/buildings', { ...ok, code: '' }), 422, 'validation_failed', 'code');
  assertError(await agent.post('/api/v1/buildings', { ...ok, name: '' }), 422, 'validation_failed', 'name');
  assertError(await agent.post('/api/v1/buildings', { ...ok, kind: '宿舍楼' }), 422, 'validation_failed', 'kind');
  assertError(await agent.post('/api/v1/buildings', { ...ok, floors: -1 }), 422, 'validation_failed', 'floors');
  assertError(await agent.post('/api/v1/buildings', { ...ok, floors: '十八' }), 422, 'validation_failed', 'floors');
  assertError(await agent.post('/api/v1/buildings', { ...ok, entrances: -2 }), 422, 'validation_failed', 'entrances');
  assertError(await agent.post('/api/v1/buildings', { ...ok, entrances: 'x' }), 422, 'validation_failed', 'entrances');
  assert.equal(await total(agent, '/api/v1/buildings?project_id=1'), before);
});

test('archive writes need archive.write; another project is not visible', async () => {
  const before = await total(agent, '/api/v1/buildings?project_id=1');
  assertError(await technician.post('/api/v1/buildings', { project_id: 1, code: nextCode(), name: '维修工楼', kind: '住宅楼' }), 403, 'forbidden');
  assertError(await technician.post('/api/v1/people', { project_id: 1, name: '维修工建', phone: nextPhone() }), 403, 'forbidden');
  // technician reads (archive.read is every role)
  assertOk(await technician.get('/api/v1/buildings?project_id=1'));
  // the agent of project 1 writing into project 2
  const r = await agent.post('/api/v1/buildings', { project_id: 2, code: nextCode(), name: '越权楼', kind: '住宅楼' });
  assertError(r, 404, 'not_found');
  assert.equal(await total(agent, '/api/v1/buildings?project_id=1'), before);
  assertError(await agent.get(`/api/v1/buildings/${bP2.id}`), 404, 'not_found');
  assertError(await agent.patch(`/api/v1/buildings/${bP2.id}`, { version: bP2.version, name: '改别人的' }), 404, 'not_found');
  assertError(await agent.get('/api/v1/buildings?project_id=2'), 404, 'not_found');
});

test('a user with several projects: a list without project_id covers every project they see; completeness needs one', async () => {
  for (const p of ['/api/v1/buildings', '/api/v1/units', '/api/v1/people', '/api/v1/vehicles']) {
    const one = assertOk(await manager.get(`${p}?project_id=1&per_page=200`));
    assert.ok(one.items.every((x) => x.project_id === undefined || x.project_id === 1), p);
    const all = assertOk(await manager.get(`${p}?per_page=1`));
    assert.ok(all.total >= one.total, `${p}: all visible projects (${all.total}) ⊇ project 1 (${one.total})`);
    const agentAll = assertOk(await agent.get(`${p}?per_page=200`));
    assert.ok(agentAll.items.every((x) => x.project_id === undefined || x.project_id === 1), `${p}: agent sees project 1 only`);
  }
  assertError(await manager.get('/api/v1/archive/completeness'), 400, 'bad_request', 'project_id');
});

// ---------------------------------------------------------------------------
// units

let uMain;   // bMain, entrance 2, room 1502

test('units: the server makes the code building-entrance-room; duplicate → 409 duplicate', async () => {
  const before = await total(agent, `/api/v1/units?project_id=1&building_id=${bMain.id}`);
  const res = await agent.post('/api/v1/units', {
    project_id: 1, building_id: bMain.id, entrance: '2', room: '1502', floor: 15, area_build: 89.5, area_use: 72.3,
    use: '住宅', structure: '三房两厅', holder: '欧阳建华', status: '已入住', remark: '南向',
  });
  uMain = assertOk(res, 201);
  for (const k of ['id', 'project_id', 'building_id', 'building_code', 'building_name', 'entrance', 'room', 'code', 'floor',
    'area_build', 'area_use', 'use', 'structure', 'holder', 'status', 'remark', 'owners', 'complete', 'missing', 'version'])
    assert.ok(k in uMain, `unit has ${k}: ${res.text}`);
  assert.equal(uMain.code, `${bMain.code}-2-1502`);
  assert.equal(uMain.building_code, bMain.code);
  assert.equal(uMain.building_name, bMain.name);
  assert.equal(uMain.entrance, '2');
  assert.equal(uMain.room, '1502');
  assert.equal(uMain.floor, 15);
  assert.equal(uMain.area_build, 89.5, 'area answered as the JSON number 89.5');
  assert.equal(uMain.area_use, 72.3);
  assert.equal(uMain.use, '住宅');
  assert.equal(uMain.structure, '三房两厅');
  assert.equal(uMain.holder, '欧阳建华');
  assert.equal(uMain.status, '已入住');
  assert.deepEqual(uMain.owners, []);
  assert.equal(uMain.version, 1);
  assert.ok(Array.isArray(uMain.missing));

  // the same entrance and room again
  const dup = await agent.post('/api/v1/units', { project_id: 1, building_id: bMain.id, entrance: '2', room: '1502', area_build: 50, use: '住宅', status: '空置' });
  assertError(dup, 409, 'duplicate');
  assert.ok(['room', 'code'].includes(dup.json.error.field), `duplicate names the field (room or code): ${dup.text}`);
  // same room, other entrance: a different unit
  const u2 = await mkUnit(agent, bMain, { entrance: '1', room: '1502' });
  assert.equal(u2.code, `${bMain.code}-1-1502`);
  assert.equal(await total(agent, `/api/v1/units?project_id=1&building_id=${bMain.id}`), before + 2);
  assert.equal(assertOk(await agent.get(`/api/v1/buildings/${bMain.id}`)).unit_count, before + 2);

  // a building without entrances: building-room
  const flat = await mkBuilding(agent, { entrances: 0, kind: '商业楼' });
  const shop = await mkUnit(agent, flat, { entrance: undefined, room: '101', use: '商铺', floor: 1 });
  assert.equal(shop.code, `${flat.code}-101`);
  // the unit page
  const g = await getUnit(agent, uMain.id);
  assert.equal(g.code, uMain.code);
  for (const k of ['residents', 'vehicles', 'pets', 'status_history', 'history']) assert.ok(Array.isArray(g[k]), `unit page has ${k} array`);
});

test('units: unknown building, or a building of another project → 404/422, nothing written', async () => {
  const before1 = await total(admin, '/api/v1/units?project_id=1');
  const before2 = await total(admin, '/api/v1/units?project_id=2');
  const body = { project_id: 1, entrance: '1', room: '909', area_build: 50, use: '住宅', holder: '某人', status: '空置' };
  for (const [c, b] of [[agent, { building_id: 99999999 }], [agent, { building_id: bP2.id }], [admin, { building_id: bP2.id }]]) {
    const r = await c.post('/api/v1/units', { ...body, ...b });
    assert.ok(r.status === 404 || r.status === 422, `building ${b.building_id}: ${r.status} ${r.text}`);
    if (r.status === 422) assertError(r, 422, 'validation_failed', 'building_id');
    else assertError(r, 404, 'not_found');
  }
  assertError(await agent.post('/api/v1/units', body), 422, 'validation_failed', 'building_id');
  assertError(await agent.post('/api/v1/units', { ...body, building_id: bMain.id, room: undefined }), 422, 'validation_failed', 'room');
  assertError(await agent.post('/api/v1/units', { ...body, building_id: bMain.id, room: '' }), 422, 'validation_failed', 'room');
  assert.equal(await total(admin, '/api/v1/units?project_id=1'), before1);
  assert.equal(await total(admin, '/api/v1/units?project_id=2'), before2);
});

test('units: areas are numbers with at most two decimals; use/status from the lists', async () => {
  const before = await total(agent, '/api/v1/units?project_id=1');
  const b = unitBody(bMain);
  for (const bad of ['abc', -1, 12.345, true, 0.001, [89.5], {}]) {
    assertError(await agent.post('/api/v1/units', { ...b, area_build: bad }), 422, 'validation_failed', 'area_build');
  }
  for (const bad of ['abc', -1, 12.345]) {
    assertError(await agent.post('/api/v1/units', { ...b, area_use: bad }), 422, 'validation_failed', 'area_use');
  }
  assertError(await agent.post('/api/v1/units', { ...b, use: '仓库' }), 422, 'validation_failed', 'use');
  assertError(await agent.post('/api/v1/units', { ...b, status: '已售' }), 422, 'validation_failed', 'status');
  assertError(await agent.post('/api/v1/units', { ...b, floor: 'x' }), 422, 'validation_failed', 'floor');
  assert.equal(await total(agent, '/api/v1/units?project_id=1'), before);

  // exact two-decimal values survive the trip (no binary floating point drift)
  for (const [sent, back] of [[100, 100], [72.29, 72.29], [0.07, 0.07], [1.15, 1.15], [123456.78, 123456.78]]) {
    const u = await mkUnit(agent, bMain, { area_build: sent, area_use: sent });
    assert.equal(u.area_build, back, `area_build ${sent}`);
    assert.equal(u.area_use, back, `area_use ${sent}`);
    assert.equal((await getUnit(agent, u.id)).area_build, back);
  }
  // 12.30 written with a trailing zero is two decimals
  const raw = JSON.stringify(unitBody(bMain)).replace('"area_build":89.5', '"area_build":12.30').replace('"area_use":72.3', '"area_use":10.10');
  const u = assertOk(await agent.post('/api/v1/units', undefined, { raw }), 201);
  assert.equal(u.area_build, 12.3);
  assert.equal(u.area_use, 10.1);
  // the usable area cannot exceed the built area (a typo guard), naming area_use
  assertError(await agent.post('/api/v1/units', unitBody(bMain, { area_build: 50, area_use: 80 })), 422, 'validation_failed', 'area_use');
  // PATCH checks the same
  assertError(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, area_build: 12.345 }), 422, 'validation_failed', 'area_build');
  assertError(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, area_build: -0.5 }), 422, 'validation_failed', 'area_build');
  assertError(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, area_build: 'abc' }), 422, 'validation_failed', 'area_build');
  assertError(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, status: '已售' }), 422, 'validation_failed', 'status');
  assert.equal((await getUnit(agent, u.id)).version, u.version);
});

test('units: an area may also be sent as a numeric string; anything else → 422', async () => {
  const b = unitBody(bMain);
  const u = assertOk(await agent.post('/api/v1/units', { ...b, room: nextRoom(), area_build: '89.5', area_use: '72.30' }), 201);
  assert.equal(u.area_build, 89.5);
  assert.equal(u.area_use, 72.3);
  const before = await total(agent, '/api/v1/units?project_id=1');
  for (const [field, bad] of [['area_build', '89.555'], ['area_use', '七十'], ['area_build', '-1'], ['area_build', true]]) {
    const r = await agent.post('/api/v1/units', { ...b, room: nextRoom(), [field]: bad });
    assertError(r, 422, 'validation_failed', field);
  }
  assert.equal(await total(agent, '/api/v1/units?project_id=1'), before);
});

test('units list: building_id, status, use, q, incomplete=1 and paging', async () => {
  const b = await mkBuilding(agent);
  const made = [
    await mkUnit(agent, b, { status: '已入住', holder: '司徒振邦' }),
    await mkUnit(agent, b, { status: '空置' }),
    await mkUnit(agent, b, { status: '空置', use: '商铺' }),
    await mkUnit(agent, b, { status: '装修中' }),
    await mkUnit(agent, b, { status: '未交房', area_build: undefined, holder: undefined }),
  ];
  const base = `/api/v1/units?project_id=1&building_id=${b.id}`;
  const all = assertOk(await agent.get(`${base}&per_page=200`));
  assert.equal(all.total, 5);
  assert.deepEqual(all.items.map((u) => u.id).sort((x, y) => x - y), made.map((u) => u.id).sort((x, y) => x - y));
  assert.ok(all.items.every((u) => u.building_id === b.id && u.project_id === 1));

  const vac = assertOk(await agent.get(`${base}&status=${encodeURIComponent('空置')}`));
  assert.equal(vac.total, 2);
  assert.ok(vac.items.every((u) => u.status === '空置'));
  const shop = assertOk(await agent.get(`${base}&use=${encodeURIComponent('商铺')}`));
  assert.deepEqual(shop.items.map((u) => u.id), [made[2].id]);

  // q: room, code and holder
  const byRoom = assertOk(await agent.get(`/api/v1/units?project_id=1&q=${made[3].room}`));
  assert.ok(byRoom.items.some((u) => u.id === made[3].id), 'q = room');
  const byCode = assertOk(await agent.get(`/api/v1/units?project_id=1&q=${encodeURIComponent(made[3].code)}`));
  assert.ok(byCode.items.some((u) => u.id === made[3].id), 'q = code');
  const byHolder = assertOk(await agent.get(`/api/v1/units?project_id=1&q=${encodeURIComponent('司徒振')}`));
  assert.deepEqual(byHolder.items.map((u) => u.id), [made[0].id], 'q = part of the holder');

  // incomplete=1: the 已入住 unit has no owner, the 未交房 one lacks area and holder
  const inc = assertOk(await agent.get(`${base}&incomplete=1&per_page=200`));
  const incIds = inc.items.map((u) => u.id).sort((x, y) => x - y);
  const expected = all.items.filter((u) => u.complete === false).map((u) => u.id).sort((x, y) => x - y);
  assert.deepEqual(incIds, expected, 'incomplete=1 lists exactly the units with complete=false');
  assert.ok(incIds.includes(made[0].id), 'occupied unit without an owner is incomplete');
  assert.ok(incIds.includes(made[4].id), 'unit without area/holder is incomplete');
  assert.ok(!incIds.includes(made[1].id), 'vacant unit with area, use and holder is complete');
  for (const u of inc.items) assert.ok(u.missing.length > 0, `incomplete unit ${u.code} names what is missing`);
  assert.ok(inc.items.find((u) => u.id === made[0].id).missing.includes('owner'));
  assert.ok(inc.items.find((u) => u.id === made[4].id).missing.includes('area_build'));
  assert.ok(inc.items.find((u) => u.id === made[4].id).missing.includes('holder'));

  // paging
  const p1 = assertOk(await agent.get(`${base}&per_page=2&page=1`));
  const p2 = assertOk(await agent.get(`${base}&per_page=2&page=2`));
  const p3 = assertOk(await agent.get(`${base}&per_page=2&page=3`));
  const p4 = assertOk(await agent.get(`${base}&per_page=2&page=4`));
  assert.deepEqual([p1.items.length, p2.items.length, p3.items.length, p4.items.length], [2, 2, 1, 0]);
  for (const p of [p1, p2, p3, p4]) { assert.equal(p.total, 5); assert.equal(p.per_page, 2); }
  assert.equal(p2.page, 2);
  const ids = [...p1.items, ...p2.items, ...p3.items].map((u) => u.id);
  assert.equal(new Set(ids).size, 5, 'pages do not overlap');

  // malformed filters
  assertError(await agent.get('/api/v1/units?project_id=1&building_id=abc'), 400, 'bad_request', 'building_id');
  assertError(await agent.get('/api/v1/units?project_id=1&per_page=201'), 400, 'bad_request', 'per_page');
  assertError(await agent.get('/api/v1/units?project_id=abc'), 400, 'bad_request', 'project_id');
});

test('PATCH unit with version; stale → 409; a status change lands in status_history', async () => {
  const u = await mkUnit(agent, bMain, { status: '空置', holder: '原产权人' });
  const p = assertOk(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, status: '装修中', status_note: '业主开始装修' }));
  assert.equal(p.status, '装修中');
  assert.equal(p.version, u.version + 1);
  assertError(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, holder: '过期修改' }), 409, 'conflict');
  assertError(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version + 7, holder: '未来修改' }), 409, 'conflict');
  const g = await getUnit(agent, u.id);
  assert.equal(g.holder, '原产权人');
  assert.equal(g.version, u.version + 1);
  const sh = g.status_history.find((s) => s.from === '空置' && s.to === '装修中');
  assert.ok(sh, `status_history has 空置→装修中: ${JSON.stringify(g.status_history)}`);
  assert.equal(sh.actor_name, '李静');
  assert.equal(sh.note, '业主开始装修');
  assert.match(sh.at, ISO);

  // steward moves it on; an edit without a status change adds no status row
  const p2 = assertOk(await steward.patch(`/api/v1/units/${u.id}`, { version: p.version, status: '已入住' }));
  const n = (await getUnit(agent, u.id)).status_history.length;
  assertOk(await agent.patch(`/api/v1/units/${u.id}`, { version: p2.version, remark: '只改备注' }));
  const g2 = await getUnit(agent, u.id);
  assert.equal(g2.status_history.length, n, 'no status row for a remark edit');
  const sh2 = g2.status_history.find((s) => s.from === '装修中' && s.to === '已入住');
  assert.ok(sh2, JSON.stringify(g2.status_history));
  assert.equal(sh2.actor_name, '张伟');
});

test('unit history: who, when and from → to of every edit, newest first', async () => {
  const u = await mkUnit(agent, bMain, { holder: '旧产权人', area_build: 89.5 });
  const p = assertOk(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, holder: '新产权人', area_build: 90.25 }));
  assertOk(await steward.patch(`/api/v1/units/${u.id}`, { version: p.version, structure: '两房一厅' }));
  const g = await getUnit(supervisor, u.id);
  const h = g.history;
  assert.ok(h.length >= 3, `create + 2 edits: ${JSON.stringify(h)}`);
  for (const row of h) {
    assert.match(row.at, ISO, 'history row has at');
    assert.equal(typeof row.actor_name, 'string');
    assert.equal(typeof row.action, 'string');
    assert.ok(row.changes && typeof row.changes === 'object', 'changes object');
  }
  for (let i = 1; i < h.length; i++) assert.ok(h[i - 1].at >= h[i].at, 'newest first');
  const holderRow = h.find((r) => r.changes.holder);
  assert.ok(holderRow, `a row changes holder: ${JSON.stringify(h)}`);
  assert.deepEqual(holderRow.changes.holder, { from: '旧产权人', to: '新产权人' });
  assert.equal(holderRow.actor_name, '李静');
  assert.ok(holderRow.changes.area_build, 'the same row changes area_build');
  assert.equal(Number(holderRow.changes.area_build.from), 89.5, 'area from in m²');
  assert.equal(Number(holderRow.changes.area_build.to), 90.25, 'area to in m²');
  const structRow = h.find((r) => r.changes.structure);
  assert.ok(structRow);
  assert.equal(structRow.actor_name, '张伟');
  assert.equal(structRow.changes.structure.to, '两房一厅');
  assert.equal(structRow.changes.structure.from, '三房两厅');
  assert.ok(h.indexOf(structRow) < h.indexOf(holderRow), 'the later edit is listed first');
  assert.ok(!('version' in holderRow.changes), 'version is not a change a person made');
});

test('unit history shows areas as written, in m², without binary floating-point noise', async () => {
  const u = await mkUnit(agent, bMain, { area_build: 89.5, area_use: 72.3 });
  assertOk(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, area_use: 70.1 }));
  const res = await agent.get(`/api/v1/units/${u.id}`);
  assertOk(res);
  const hist = JSON.stringify(res.json.history);
  for (const noise of ['72.29999', '72.30000000', '70.09999', '70.10000000', '8950', '7230']) {
    assert.ok(!res.text.includes(noise), `history text has no "${noise}": ${hist}`);
  }
});

// ---------------------------------------------------------------------------
// residents

test('residents: an existing person as 业主, a new person inline as 租户, unknown relation → 422', async () => {
  const u = await mkUnit(agent, bMain);
  const owner = await mkPerson(agent, { name: cnName('业主') });
  const res = await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: owner.id, relation: '业主', since: '2024-03-01', until: null });
  const r1 = assertOk(res, 201);
  assert.ok(Number.isInteger(r1.id), res.text);
  assert.equal(r1.person_id, owner.id);
  assert.equal(r1.relation, '业主');
  assert.equal(r1.since, '2024-03-01');
  assert.equal(r1.until ?? null, null);

  const peopleBefore = await total(agent, '/api/v1/people?project_id=1');
  const tenantName = cnName('租户');
  const tenantPhone = nextPhone();
  const r2 = assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, {
    person: { name: tenantName, phone: tenantPhone, id_type: '护照', id_no: 'E12345678' }, relation: '租户', since: '2025-01-01',
  }), 201);
  assert.equal(r2.relation, '租户');
  assert.ok(Number.isInteger(r2.person_id));
  assert.notEqual(r2.person_id, owner.id);
  assert.equal(await total(agent, '/api/v1/people?project_id=1'), peopleBefore + 1, 'the inline person is a new person');
  const tenant = assertOk(await agent.get(`/api/v1/people/${r2.person_id}`));
  assert.equal(tenant.name, tenantName);
  assert.equal((await reveal(tenant.id)).phone, tenantPhone);
  assert.ok(tenant.units.some((x) => x.unit_id === u.id && x.code === u.code && x.relation === '租户'), JSON.stringify(tenant.units));
  const found = assertOk(await agent.get(`/api/v1/people?project_id=1&q=${encodeURIComponent(tenantName)}`));
  assert.deepEqual(found.items.map((p) => p.id), [tenant.id]);

  const g = await getUnit(agent, u.id);
  assert.deepEqual(g.owners.map((o) => o.person_id), [owner.id], 'owners are the 业主');
  assert.equal(g.owners[0].name, owner.name);
  assert.ok('phone' in g.owners[0]);
  const rel = Object.fromEntries(g.residents.map((r) => [r.person_id, r.relation]));
  assert.deepEqual(rel, { [owner.id]: '业主', [tenant.id]: '租户' });

  // bad resident input: nothing written
  const resBefore = g.residents.length;
  assertError(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: owner.id, relation: '房客' }), 422, 'validation_failed', 'relation');
  assertError(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: owner.id }), 422, 'validation_failed', 'relation');
  assertError(await agent.post(`/api/v1/units/${u.id}/residents`, { relation: '业主' }), 422, 'validation_failed');
  assertError(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: owner.id, relation: '家庭成员', since: '2025-02-30' }), 422, 'validation_failed', 'since');
  const unknownPerson = await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: 99999999, relation: '家庭成员' });
  assert.ok([404, 422].includes(unknownPerson.status), unknownPerson.text);
  if (unknownPerson.status === 422) assertError(unknownPerson, 422, 'validation_failed', 'person_id');
  const badInline = await agent.post(`/api/v1/units/${u.id}/residents`, { person: { name: cnName('坏号'), phone: '123' }, relation: '租户' });
  assertError(badInline, 422, 'validation_failed', /phone$/);
  const noName = await agent.post(`/api/v1/units/${u.id}/residents`, { person: { phone: nextPhone() }, relation: '租户' });
  assertError(noName, 422, 'validation_failed', /name$/);
  assertError(await agent.post('/api/v1/units/99999999/residents', { person_id: owner.id, relation: '业主' }), 404, 'not_found');
  assert.equal((await getUnit(agent, u.id)).residents.length, resBefore);
  assert.equal(await total(agent, '/api/v1/people?project_id=1'), peopleBefore + 1, 'no person left behind by a refused inline resident');
});

test('residents: a person of another project cannot be linked', async () => {
  const u = await mkUnit(agent, bMain);
  const p2 = assertOk(await manager.post('/api/v1/people', { project_id: 2, name: cnName('外盘'), phone: nextPhone() }), 201);
  for (const c of [agent, manager]) {
    const r = await c.post(`/api/v1/units/${u.id}/residents`, { person_id: p2.id, relation: '业主' });
    assert.ok([404, 422].includes(r.status), `${r.status} ${r.text}`);
  }
  assert.equal((await getUnit(agent, u.id)).residents.length, 0);
});

test('residents: ending a relation keeps it with its until date', async () => {
  const u = await mkUnit(agent, bMain);
  const owner = await mkPerson(agent);
  const tenant = await mkPerson(agent);
  const ro = assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: owner.id, relation: '业主', since: '2020-05-01' }), 201);
  const rt = assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: tenant.id, relation: '租户', since: '2024-07-01' }), 201);
  // bad end input
  assertError(await agent.post(`/api/v1/units/${u.id}/residents/${rt.id}/actions/end`, { until: '2025-13-01' }), 422, 'validation_failed', 'until');
  assertError(await agent.post(`/api/v1/units/${u.id}/residents/99999999/actions/end`, { until: '2025-06-30' }), 404, 'not_found');
  const other = await mkUnit(agent, bMain);
  assertError(await agent.post(`/api/v1/units/${other.id}/residents/${rt.id}/actions/end`, { until: '2025-06-30' }), 404, 'not_found');
  assert.equal((await getUnit(agent, u.id)).residents.find((r) => r.id === rt.id).until ?? null, null);

  const e = await agent.post(`/api/v1/units/${u.id}/residents/${rt.id}/actions/end`, { until: '2025-06-30' });
  assert.ok(e.status === 200 || e.status === 204, e.text);
  const e2 = await agent.post(`/api/v1/units/${u.id}/residents/${rt.id}/actions/end`, { until: '2025-07-30' });
  assert.ok(e2.status === 409 || e2.status === 422, `ending twice: ${e2.status} ${e2.text}`);
  const g = await getUnit(agent, u.id);
  const ended = g.residents.find((r) => r.id === rt.id);
  assert.ok(ended, 'the ended relation is still listed');
  assert.equal(ended.until, '2025-06-30');
  assert.equal(ended.relation, '租户');
  assert.equal(g.residents.find((r) => r.id === ro.id).until ?? null, null);
  assert.ok(g.owners.some((o) => o.person_id === owner.id));

  // ending the owner: kept among the residents, no longer among the owners
  const eo = await agent.post(`/api/v1/units/${u.id}/residents/${ro.id}/actions/end`, { until: '2025-12-31' });
  assert.ok(eo.status === 200 || eo.status === 204, eo.text);
  const g2 = await getUnit(agent, u.id);
  assert.ok(!g2.owners.some((o) => o.person_id === owner.id), `an ended owner is not among owners: ${JSON.stringify(g2.owners)}`);
  assert.equal(g2.residents.find((r) => r.id === ro.id).until, '2025-12-31');
  const endRow = g2.history.find((h) => JSON.stringify(h).includes(owner.name) || JSON.stringify(h.changes).includes(`${owner.id}`));
  assert.ok(endRow, `the end of the relation is in the unit history: ${JSON.stringify(g2.history)}`);
  assert.equal(g2.history[0].actor_name, '李静');
});

test('residents: a relation cannot end before it began → 422 until', async () => {
  const u = await mkUnit(agent, bMain);
  const p = await mkPerson(agent);
  const r = assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: p.id, relation: '租户', since: '2024-07-01' }), 201);
  const e = await agent.post(`/api/v1/units/${u.id}/residents/${r.id}/actions/end`, { until: '2024-01-01' });
  assert.equal(e.status, 422, `end 2024-01-01 of a relation since 2024-07-01: ${e.status} ${e.text.slice(0, 200)}`);
  assertError(e, 422, 'validation_failed', 'until');
  assert.equal((await getUnit(agent, u.id)).residents.find((x) => x.id === r.id).until ?? null, null);
  const bad = await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: p.id, relation: '家庭成员', since: '2025-05-01', until: '2025-01-01' });
  assert.equal(bad.status, 422, `a new relation with until before since: ${bad.status} ${bad.text.slice(0, 200)}`);
});

test('one person in two units', async () => {
  const a = await mkUnit(agent, bMain);
  const b = await mkUnit(agent, bMain);
  const p = await mkPerson(agent, { name: cnName('双房') });
  assertOk(await agent.post(`/api/v1/units/${a.id}/residents`, { person_id: p.id, relation: '业主' }), 201);
  assertOk(await agent.post(`/api/v1/units/${b.id}/residents`, { person_id: p.id, relation: '委托人' }), 201);
  const g = assertOk(await agent.get(`/api/v1/people/${p.id}`));
  const units = g.units.map((x) => `${x.unit_id}:${x.code}:${x.relation}`).sort();
  assert.deepEqual(units, [`${a.id}:${a.code}:业主`, `${b.id}:${b.code}:委托人`].sort());
  assert.ok((await getUnit(agent, a.id)).owners.some((o) => o.person_id === p.id));
  assert.ok((await getUnit(agent, b.id)).residents.some((r) => r.person_id === p.id && r.relation === '委托人'));
  // still one person
  const list = assertOk(await agent.get(`/api/v1/people?project_id=1&q=${encodeURIComponent(p.name)}`));
  assert.equal(list.total, 1);
});

// ---------------------------------------------------------------------------
// vehicles and pets

test('vehicles: add, edit with version, remove', async () => {
  const u = await mkUnit(agent, bMain);
  const p = await mkPerson(agent);
  const plate = `粤B${String(process.pid % 100000).padStart(5, '0')}`;
  const res = await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate, model: '丰田卡罗拉', color: '白色', space: 'B2-031', person_id: p.id });
  const v = assertOk(res, 201);
  assert.ok(Number.isInteger(v.id), res.text);
  assert.equal(v.plate, plate);
  assert.equal(v.unit_id, u.id);
  assert.equal(v.model, '丰田卡罗拉');
  assert.equal(v.color, '白色');
  assert.equal(v.space, 'B2-031');
  assert.equal(v.person_id, p.id);
  assert.ok(Number.isInteger(v.version));
  assert.ok((await getUnit(agent, u.id)).vehicles.some((x) => x.id === v.id && x.plate === plate));
  const list = assertOk(await agent.get(`/api/v1/vehicles?project_id=1&q=${encodeURIComponent(plate.slice(2))}`));
  const li = list.items.find((x) => x.id === v.id);
  assert.ok(li, `vehicle list finds ${plate}: ${JSON.stringify(list.items)}`);
  assert.equal(li.unit_code, u.code);

  // edit
  const e = assertOk(await agent.patch(`/api/v1/vehicles/${v.id}`, { version: v.version, color: '黑色', space: 'B2-032' }));
  assert.equal(e.color, '黑色');
  assert.equal(e.space, 'B2-032');
  assert.equal(e.version, v.version + 1);
  assertError(await agent.patch(`/api/v1/vehicles/${v.id}`, { version: v.version, color: '红色' }), 409, 'conflict');
  assertError(await agent.patch(`/api/v1/vehicles/${v.id}`, { version: e.version, plate: '' }), 422, 'validation_failed', 'plate');

  // bad input
  const n = (await getUnit(agent, u.id)).vehicles.length;
  assertError(await agent.post(`/api/v1/units/${u.id}/vehicles`, { model: '无车牌' }), 422, 'validation_failed', 'plate');
  assertError(await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate: '' }), 422, 'validation_failed', 'plate');
  assertError(await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate: 'x'.repeat(300) }), 422, 'validation_failed', 'plate');
  const badPerson = await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate: '粤B0000Z', person_id: 99999999 });
  assert.ok([404, 422].includes(badPerson.status), badPerson.text);
  assertError(await agent.post('/api/v1/units/99999999/vehicles', { plate: '粤B0000Y' }), 404, 'not_found');
  assert.equal((await getUnit(agent, u.id)).vehicles.length, n);

  // remove
  const r = await agent.post(`/api/v1/vehicles/${v.id}/actions/remove`, {});
  assert.ok(r.status === 200 || r.status === 204, r.text);
  const g = await getUnit(agent, u.id);
  assert.ok(!g.vehicles.some((x) => x.id === v.id && active(x)), `removed vehicle is not current: ${JSON.stringify(g.vehicles)}`);
  const list2 = assertOk(await agent.get(`/api/v1/vehicles?project_id=1&q=${encodeURIComponent(plate.slice(2))}`));
  assert.ok(!list2.items.some((x) => x.id === v.id && active(x)), 'removed vehicle not in the vehicle list');
  const again = await agent.post(`/api/v1/vehicles/${v.id}/actions/remove`, {});
  assert.ok([404, 409].includes(again.status), `removing twice: ${again.status} ${again.text}`);
  assert.ok(g.history.some((h) => JSON.stringify(h).includes(plate)), 'the unit history mentions the vehicle');
});

test('pets: add, edit with version, remove', async () => {
  const u = await mkUnit(agent, bMain);
  const res = await agent.post(`/api/v1/units/${u.id}/pets`, { kind: '犬', name: '旺财', breed: '柯基', vaccinated_on: '2026-03-01' });
  const pet = assertOk(res, 201);
  assert.ok(Number.isInteger(pet.id), res.text);
  assert.equal(pet.kind, '犬');
  assert.equal(pet.name, '旺财');
  assert.equal(pet.breed, '柯基');
  assert.equal(pet.vaccinated_on, '2026-03-01');
  assert.ok((await getUnit(agent, u.id)).pets.some((x) => x.id === pet.id && x.name === '旺财'));
  const e = assertOk(await agent.patch(`/api/v1/pets/${pet.id}`, { version: pet.version, vaccinated_on: '2026-10-01', name: '旺旺' }));
  assert.equal(e.vaccinated_on, '2026-10-01');
  assert.equal(e.name, '旺旺');
  assert.equal(e.version, pet.version + 1);
  assertError(await agent.patch(`/api/v1/pets/${pet.id}`, { version: pet.version, name: '过期' }), 409, 'conflict');
  const n = (await getUnit(agent, u.id)).pets.length;
  assertError(await agent.post(`/api/v1/units/${u.id}/pets`, { kind: '兔', name: '小白' }), 422, 'validation_failed', 'kind');
  assertError(await agent.post(`/api/v1/units/${u.id}/pets`, { name: '无种类' }), 422, 'validation_failed', 'kind');
  assertError(await agent.post(`/api/v1/units/${u.id}/pets`, { kind: '猫', vaccinated_on: '2026-02-30' }), 422, 'validation_failed', 'vaccinated_on');
  assertError(await agent.post(`/api/v1/units/${u.id}/pets`, { kind: '猫', vaccinated_on: '01/03/2026' }), 422, 'validation_failed', 'vaccinated_on');
  assertError(await agent.patch(`/api/v1/pets/${pet.id}`, { version: e.version, kind: '鱼' }), 422, 'validation_failed', 'kind');
  assert.equal((await getUnit(agent, u.id)).pets.length, n);
  const r = await agent.post(`/api/v1/pets/${pet.id}/actions/remove`, {});
  assert.ok(r.status === 200 || r.status === 204, r.text);
  assert.ok(!(await getUnit(agent, u.id)).pets.some((x) => x.id === pet.id && active(x)), 'removed pet is not current');
});

// ---------------------------------------------------------------------------
// people

test('people: create, read, edit with version; validation of phones, ID numbers and id_type', async () => {
  const idNo = residentId('44010619800101123');
  const body = {
    project_id: 1, name: cnName('人员'), phone: nextPhone(), phone2: '020-87654321', id_type: '身份证', id_no: idNo,
    emergency_name: '紧急联系人', emergency_phone: nextPhone(), company: '翠湖便利店', business_scope: '日用百货',
    business_manager: '店长', business_category: '零售', remark: '测试人员',
  };
  const res = await agent.post('/api/v1/people', body);
  const p = assertOk(res, 201);
  for (const k of ['id', 'project_id', 'name', 'phone', 'phone2', 'id_type', 'id_no', 'emergency_name', 'emergency_phone', 'company',
    'business_scope', 'business_manager', 'business_category', 'remark', 'masked', 'units', 'version'])
    assert.ok(k in p, `person has ${k}: ${res.text}`);
  assert.equal(p.project_id, 1);
  assert.equal(p.name, body.name);
  assert.equal(p.id_type, '身份证');
  assert.equal(p.company, '翠湖便利店');
  assert.equal(p.business_category, '零售');
  assert.deepEqual(p.units, []);
  const full = await reveal(p.id);
  assert.equal(full.phone, body.phone);
  assert.equal(full.phone2, '020-87654321');
  assert.equal(full.id_no, idNo);
  assert.equal(full.emergency_phone, body.emergency_phone);
  const g = assertOk(await agent.get(`/api/v1/people/${p.id}`));
  assert.equal(g.name, body.name);
  assert.ok(Array.isArray(g.history) && g.history.length >= 1, 'person record has history');

  // edit with version
  const e = assertOk(await agent.patch(`/api/v1/people/${p.id}`, { version: p.version, name: `${body.name}新`, company: '翠湖超市' }));
  assert.equal(e.name, `${body.name}新`);
  assert.equal(e.company, '翠湖超市');
  assert.equal(e.version, p.version + 1);
  assertError(await agent.patch(`/api/v1/people/${p.id}`, { version: p.version, name: '过期' }), 409, 'conflict');
  const newPhone = nextPhone();
  assertOk(await supervisor.patch(`/api/v1/people/${p.id}`, { version: e.version, phone: newPhone }));
  assert.equal((await reveal(p.id)).phone, newPhone);
  const hist = assertOk(await supervisor.get(`/api/v1/people/${p.id}`)).history;
  const nameRow = hist.find((r) => r.changes && r.changes.name);
  assert.ok(nameRow, JSON.stringify(hist));
  assert.deepEqual(nameRow.changes.name, { from: body.name, to: `${body.name}新` });
  assert.equal(nameRow.actor_name, '李静');

  // validation
  const before = await total(agent, '/api/v1/people?project_id=1');
  const ok = { project_id: 1, name: cnName('校验'), phone: nextPhone() };
  for (const bad of ['123', '1381234567', '138123456789', '12812345678', '1381234567a', '+8613812345678x', '020-1234']) {
    assertError(await agent.post('/api/v1/people', { ...ok, phone: bad }), 422, 'validation_failed', 'phone');
  }
  assertError(await agent.post('/api/v1/people', { ...ok, phone2: 'abc' }), 422, 'validation_failed', 'phone2');
  assertError(await agent.post('/api/v1/people', { ...ok, emergency_phone: '123' }), 422, 'validation_failed', 'emergency_phone');
  assertError(await agent.post('/api/v1/people', { ...ok, id_type: '身份证', id_no: badCheckDigit(idNo) }), 422, 'validation_failed', 'id_no');
  assertError(await agent.post('/api/v1/people', { ...ok, id_type: '身份证', id_no: idNo.slice(0, 17) }), 422, 'validation_failed', 'id_no');
  assertError(await agent.post('/api/v1/people', { ...ok, id_type: '身份证', id_no: '4401061980010112AB' }), 422, 'validation_failed', 'id_no');
  assertError(await agent.post('/api/v1/people', { ...ok, id_type: '驾驶证', id_no: 'D123456' }), 422, 'validation_failed', 'id_type');
  assertError(await agent.post('/api/v1/people', { ...ok, name: undefined }), 422, 'validation_failed', 'name');
  assertError(await agent.post('/api/v1/people', { ...ok, name: '  ' }), 422, 'validation_failed', 'name');
  assertError(await agent.post('/api/v1/people', { ...ok, name: '长'.repeat(2000) }), 422, 'validation_failed', 'name');
  assertError(await agent.patch(`/api/v1/people/${p.id}`, { version: e.version + 1, phone: '123' }), 422, 'validation_failed', 'phone');
  assertError(await agent.patch(`/api/v1/people/${p.id}`, { version: e.version + 1, name: null }), 422, 'validation_failed', 'name');
  assert.equal(await total(agent, '/api/v1/people?project_id=1'), before);
  assert.equal((await reveal(p.id)).phone, newPhone);

  // accepted forms: landline phone, passport number, an ID ending in X
  assertOk(await agent.post('/api/v1/people', { ...ok, name: cnName('座机'), phone: '0755-26543210' }), 201);
  assertOk(await agent.post('/api/v1/people', { ...ok, name: cnName('护照'), phone: nextPhone(), id_type: '护照', id_no: 'E98765432' }), 201);
  let x17 = null;
  for (let i = 0; i < 1000 && !x17; i++) {
    const s = `4401061990${String(i).padStart(7, '0')}`;
    if (residentId(s).endsWith('X')) x17 = s;
  }
  assertOk(await agent.post('/api/v1/people', { ...ok, name: cnName('末位'), phone: nextPhone(), id_type: '身份证', id_no: residentId(x17) }), 201);
  // people list finds by name
  const list = assertOk(await agent.get(`/api/v1/people?project_id=1&q=${encodeURIComponent(`${body.name}新`)}`));
  assert.deepEqual(list.items.map((x) => x.id), [p.id]);
});

// ---------------------------------------------------------------------------
// projects

test('records of project 2 are 404 for the agent of project 1', async () => {
  const u = await mkUnit(manager, bP2, { entrance: '1' });
  assert.equal(u.project_id, 2);
  const p = assertOk(await manager.post('/api/v1/people', { project_id: 2, name: cnName('金桂'), phone: nextPhone() }), 201);
  const v = assertOk(await manager.post(`/api/v1/units/${u.id}/vehicles`, { plate: '粤C8K2L1' }), 201);
  const pet = assertOk(await manager.post(`/api/v1/units/${u.id}/pets`, { kind: '猫', name: '咪咪' }), 201);
  const r = assertOk(await manager.post(`/api/v1/units/${u.id}/residents`, { person_id: p.id, relation: '业主' }), 201);
  assertOk(await agent2.get(`/api/v1/units/${u.id}`));

  assertError(await agent.get(`/api/v1/units/${u.id}`), 404, 'not_found');
  assertError(await agent.patch(`/api/v1/units/${u.id}`, { version: u.version, holder: '越权' }), 404, 'not_found');
  assertError(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: p.id, relation: '租户' }), 404, 'not_found');
  assertError(await agent.post(`/api/v1/units/${u.id}/residents/${r.id}/actions/end`, { until: '2025-01-01' }), 404, 'not_found');
  assertError(await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate: '粤C0000A' }), 404, 'not_found');
  assertError(await agent.post(`/api/v1/units/${u.id}/pets`, { kind: '猫' }), 404, 'not_found');
  assertError(await agent.get(`/api/v1/people/${p.id}`), 404, 'not_found');
  assertError(await agent.patch(`/api/v1/people/${p.id}`, { version: p.version, name: '越权' }), 404, 'not_found');
  assertError(await agent.patch(`/api/v1/vehicles/${v.id}`, { version: v.version, color: '红' }), 404, 'not_found');
  assertError(await agent.post(`/api/v1/vehicles/${v.id}/actions/remove`, {}), 404, 'not_found');
  assertError(await agent.patch(`/api/v1/pets/${pet.id}`, { version: pet.version, name: '越权' }), 404, 'not_found');
  assertError(await agent.post(`/api/v1/pets/${pet.id}/actions/remove`, {}), 404, 'not_found');
  for (const l of ['units', 'people', 'vehicles']) assertError(await agent.get(`/api/v1/${l}?project_id=2`), 404, 'not_found');
  assertError(await agent.get('/api/v1/archive/completeness?project_id=2'), 404, 'not_found');
  // nothing of project 2 in the agent's lists
  const units = assertOk(await agent.get(`/api/v1/units?q=${encodeURIComponent(u.room)}&per_page=200`));
  assert.ok(units.items.every((x) => x.project_id === 1));
  const people = assertOk(await agent.get(`/api/v1/people?q=${encodeURIComponent(p.name)}`));
  assert.equal(people.total, 0);
  // and unchanged
  const still = assertOk(await manager.get(`/api/v1/units/${u.id}`));
  assert.equal(still.version, u.version);
  assert.equal(still.residents.length, 1);
  assert.equal(still.vehicles.filter(active).length, 1);
  assert.equal(still.pets.filter(active).length, 1);
});

// ---------------------------------------------------------------------------
// exports

test('units export: xlsx and csv with Chinese headers, codes as text and areas as numbers', async () => {
  const b = await mkBuilding(agent);
  const u = await mkUnit(agent, b, { area_build: 89.5, area_use: 72.29, holder: '导出产权人' });
  await mkUnit(agent, b, { area_build: 120, status: '空置' });
  const { xlsx, csv } = await exportBoth(agent, `/api/v1/units?project_id=1&building_id=${b.id}&per_page=1`, '');
  const head = xlsx.rows[0].map((c) => String(c.v));
  assert.equal(xlsx.rows.length, 3, 'header + both units (paging ignored)');
  assert.equal(csv.length, 3);
  const iArea = col(head, /建筑面积/);
  const iUse = col(head, /使用面积/);
  const row = xlsx.rows.find((r) => r.some((c) => c && c.v === u.code));
  assert.ok(row, `xlsx has a row with ${u.code}`);
  assert.deepEqual(row[iArea], { t: 'n', v: 89.5 }, 'area_build is a number cell');
  assert.deepEqual(row[iUse], { t: 'n', v: 72.29 }, 'area_use is a number cell');
  assert.ok(row.some((c) => c && c.v === '导出产权人'));
  assert.ok(row.some((c) => c && c.v === '已入住'));
  const crow = csv.find((r) => r.includes(u.code));
  assert.ok(crow, 'csv has the unit');
  assert.equal(Number(crow[iArea]), 89.5);
  assert.equal(Number(crow[iUse]), 72.29);
  assert.ok(crow.includes('导出产权人'));
  // a cell that starts like a formula is neutralised in the csv
  const f = await mkUnit(agent, b, { holder: '=1+2' });
  const r = await download(agent, `/api/v1/units?project_id=1&building_id=${b.id}&format=csv`);
  const frow = parseCsv(r.bytes.toString('utf8').slice(1)).find((x) => x.includes(f.code));
  assert.ok(frow.includes("'=1+2"), `formula neutralised: ${frow.join('|')}`);
});

test('buildings, people and vehicles lists export too', async () => {
  const b = await mkBuilding(agent, { name: `导出楼${nextCode()}` });
  const bx = await exportBoth(agent, `/api/v1/buildings?project_id=1&q=${encodeURIComponent(b.name)}`, '');
  assert.ok(bx.xlsx.rows.some((r) => r.some((c) => c && c.v === b.name)), 'building name in xlsx');
  assert.ok(bx.csv.some((r) => r.includes(b.name)), 'building name in csv');
  const fh = bx.xlsx.rows[0].map((c) => String(c.v));
  const iFloors = col(fh, /层/);
  assert.deepEqual(bx.xlsx.rows.find((r) => r.some((c) => c && c.v === b.name))[iFloors], { t: 'n', v: 18 }, 'floors as a number');

  const p = await mkPerson(agent, { name: cnName('导出'), company: '导出公司' });
  const px = await exportBoth(agent, `/api/v1/people?project_id=1&q=${encodeURIComponent(p.name)}`, '');
  col(px.csv[0], /姓名/);
  col(px.csv[0], /电话|手机/);
  assert.equal(px.csv.length, 2);
  assert.ok(px.csv[1].includes(p.name));
  assert.ok(px.xlsx.rows.some((r) => r.some((c) => c && c.v === '导出公司')));

  const u = await mkUnit(agent, b);
  const plate = `粤E${String(process.pid % 100000).padStart(5, '0')}`;
  assertOk(await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate, color: '蓝色', person_id: p.id }), 201);
  const vx = await exportBoth(agent, `/api/v1/vehicles?project_id=1&q=${encodeURIComponent(plate)}`, '');
  const iPlate = col(vx.csv[0], /车牌/);
  assert.equal(vx.csv.length, 2);
  assert.equal(vx.csv[1][iPlate], plate);
  assert.ok(vx.csv[1].includes(u.code), 'the vehicle row names its unit');
  assertError(await agent.get('/api/v1/units?project_id=1&format=pdf'), 400, 'bad_request', 'format');
  assertError(await agent.get(`/api/v1/units/${u.id}?format=xlsx`), 400, 'bad_request', 'format');
});

// ---------------------------------------------------------------------------
// completeness

function rateOk(x) {
  assert.equal(typeof x.rate, 'number');
  assert.ok(x.rate >= 0 && x.rate <= 1, `rate ${x.rate} within [0,1]`);
  assert.ok(x.complete <= x.units);
  const exp = x.units ? x.complete / x.units : 1;
  if (x.units) assert.ok(Math.abs(x.rate - exp) <= 0.0051, `rate ${x.rate} ≈ ${x.complete}/${x.units}`);
}

test('completeness: rate in [0,1]; an incomplete unit lists what is missing and turns complete when filled', async () => {
  const c0 = assertOk(await agent.get('/api/v1/archive/completeness?project_id=1'));
  rateOk(c0.project);
  assert.ok(Array.isArray(c0.buildings) && Array.isArray(c0.incomplete));
  for (const b of c0.buildings) rateOk(b);
  assert.equal(c0.incomplete.length, c0.project.units - c0.project.complete, 'every incomplete unit is listed');
  for (const x of c0.incomplete) assert.ok(Array.isArray(x.missing) && x.missing.length > 0, `incomplete ${x.code} names what is missing`);

  const b = await mkBuilding(agent);
  const u = await mkUnit(agent, b, { status: '已入住', area_build: undefined, holder: undefined });
  const vac = await mkUnit(agent, b, { status: '空置' });   // no owner needed while vacant
  assert.equal(vac.complete, true, `vacant unit with area/use/holder is complete: ${JSON.stringify(vac.missing)}`);
  assert.deepEqual(vac.missing, []);
  const c1 = assertOk(await agent.get('/api/v1/archive/completeness?project_id=1'));
  assert.equal(c1.project.units, c0.project.units + 2);
  assert.equal(c1.project.complete, c0.project.complete + 1);
  rateOk(c1.project);
  const inc = c1.incomplete.find((x) => x.id === u.id);
  assert.ok(inc, 'the new unit is listed as incomplete');
  assert.equal(inc.code, u.code);
  assert.deepEqual([...inc.missing].sort(), ['area_build', 'holder', 'owner'].sort());
  assert.ok(!c1.incomplete.some((x) => x.id === vac.id));
  const bb = c1.buildings.find((x) => x.building_id === b.id);
  assert.ok(bb, 'the building has a row');
  assert.equal(bb.code, b.code);
  assert.equal(bb.name, b.name);
  assert.deepEqual([bb.units, bb.complete], [2, 1]);
  assert.equal(bb.rate, 0.5);

  // fill area and holder; an owner without a phone is not enough
  const g = await getUnit(agent, u.id);
  assert.equal(g.complete, false);
  const p1 = assertOk(await agent.patch(`/api/v1/units/${u.id}`, { version: g.version, area_build: 95, holder: '补全产权人' }));
  assert.deepEqual(p1.missing, ['owner']);
  const noPhone = assertOk(await agent.post('/api/v1/people', { project_id: 1, name: cnName('无号') }), 201);
  const rn = assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: noPhone.id, relation: '业主', since: '2020-01-01' }), 201);
  // docs name the item "owner"; the server may say more precisely that the owner's phone is missing
  const OWNER = /^owner(_phone)?$/;
  const m1 = (await getUnit(agent, u.id)).missing;
  assert.ok(m1.length === 1 && OWNER.test(m1[0]), `an owner without a phone does not count: ${JSON.stringify(m1)}`);
  const tenant = await mkPerson(agent);
  assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: tenant.id, relation: '租户' }), 201);
  const m2 = (await getUnit(agent, u.id)).missing;
  assert.ok(m2.length === 1 && OWNER.test(m2[0]), `a tenant is not an owner: ${JSON.stringify(m2)}`);
  // the owner's phone filled in: complete
  assertOk(await agent.patch(`/api/v1/people/${noPhone.id}`, { version: noPhone.version, phone: nextPhone() }));
  const done = await getUnit(agent, u.id);
  assert.equal(done.complete, true, JSON.stringify(done.missing));
  assert.deepEqual(done.missing, []);
  const c2 = assertOk(await agent.get('/api/v1/archive/completeness?project_id=1'));
  assert.ok(!c2.incomplete.some((x) => x.id === u.id), 'no longer incomplete');
  assert.equal(c2.project.complete, c1.project.complete + 1);
  rateOk(c2.project);
  const bb2 = c2.buildings.find((x) => x.building_id === b.id);
  assert.deepEqual([bb2.units, bb2.complete, bb2.rate], [2, 2, 1]);
  const listed = assertOk(await agent.get(`/api/v1/units?project_id=1&building_id=${b.id}&incomplete=1`));
  assert.equal(listed.total, 0);

  // ending the owner's relation makes it incomplete again
  const end = await agent.post(`/api/v1/units/${u.id}/residents/${rn.id}/actions/end`, { until: '2025-12-31' });
  assert.ok(end.status === 200 || end.status === 204, end.text);
  const again = await getUnit(agent, u.id);
  assert.deepEqual(again.missing, ['owner']);
  assert.ok(!again.owners.some((o) => o.person_id === noPhone.id), 'an ended owner is not among owners');
  const c3 = assertOk(await agent.get('/api/v1/archive/completeness?project_id=1'));
  assert.ok(c3.incomplete.some((x) => x.id === u.id));
});

test('completeness: 未交房 needs no owner; project 2 is separate', async () => {
  const b = await mkBuilding(agent);
  const u = await mkUnit(agent, b, { status: '未交房' });
  assert.equal(u.complete, true, JSON.stringify(u.missing));
  const m = await mkUnit(agent, b, { status: '出租', holder: undefined });
  assert.deepEqual([...m.missing].sort(), ['holder', 'owner']);
  const p2 = assertOk(await manager.get('/api/v1/archive/completeness?project_id=2'));
  rateOk(p2.project);
  assert.ok(!p2.buildings.some((x) => x.building_id === b.id));
  assert.ok(!p2.incomplete.some((x) => x.id === m.id));
  assert.ok(p2.incomplete.every((x) => x.project_id === undefined || x.project_id === 2));
});

// ---------------------------------------------------------------------------
// bad input on every write

test('bad input on every archive write: malformed JSON, unknown field, wrong types → clean 4xx, nothing written', async () => {
  const b = await mkBuilding(agent);
  const u = await mkUnit(agent, b);
  const p = await mkPerson(agent);
  const r = assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: p.id, relation: '业主' }), 201);
  const v = assertOk(await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate: '粤F1X2Y3' }), 201);
  const pet = assertOk(await agent.post(`/api/v1/units/${u.id}/pets`, { kind: '猫', name: '花花' }), 201);

  async function snapshot() {
    return {
      counts: await Promise.all(['buildings', 'units', 'people', 'vehicles'].map((l) => total(supervisor, `/api/v1/${l}?project_id=1`))),
      building: assertOk(await supervisor.get(`/api/v1/buildings/${b.id}`)),
      unit: assertOk(await supervisor.get(`/api/v1/units/${u.id}`)),
      person: assertOk(await supervisor.get(`/api/v1/people/${p.id}`)),
    };
  }
  const before = await snapshot();

  const cases = [
    ['POST', '/api/v1/buildings', { project_id: 1, code: nextCode(), name: '坏输入楼', kind: '住宅楼' },
      [['code', 5], ['name', ['a']], ['floors', '十八'], ['floors', 1.5], ['entrances', true], ['kind', 1], ['project_id', '1'], ['remark', {}]]],
    ['PATCH', `/api/v1/buildings/${b.id}`, { version: b.version, remark: '改' },
      [['version', '1'], ['name', 5], ['floors', 'x'], ['kind', '宿舍'], ['name', null]]],
    ['POST', '/api/v1/units', unitBody(b),
      [['building_id', 'abc'], ['room', 1502], ['entrance', 2], ['floor', '15'], ['area_build', 'abc'], ['area_use', [1]], ['use', 1], ['status', 2], ['holder', {}]]],
    ['PATCH', `/api/v1/units/${u.id}`, { version: u.version, remark: '改' },
      [['version', 'x'], ['status', 1], ['area_use', [1]], ['area_build', 12.345], ['status_note', 5], ['holder', 7]]],
    ['POST', `/api/v1/units/${u.id}/residents`, { person_id: p.id, relation: '家庭成员' },
      [['person_id', '1'], ['relation', 1], ['since', 20250101], ['until', true], ['person', 'x']]],
    ['POST', `/api/v1/units/${u.id}/residents/${r.id}/actions/end`, { until: '2025-06-30' },
      [['until', 20251130], ['until', 'yesterday']]],
    ['POST', `/api/v1/units/${u.id}/vehicles`, { plate: '粤F9Z8W7' },
      [['plate', 123], ['model', 1], ['person_id', 'x'], ['space', []]]],
    ['PATCH', `/api/v1/vehicles/${v.id}`, { version: v.version, color: '银' },
      [['version', null], ['color', 1], ['plate', '']]],
    ['POST', `/api/v1/units/${u.id}/pets`, { kind: '犬', name: '豆豆' },
      [['kind', 1], ['name', 2], ['vaccinated_on', 20260101], ['vaccinated_on', '2026-1-1']]],
    ['PATCH', `/api/v1/pets/${pet.id}`, { version: pet.version, breed: '狸花' },
      [['version', 0], ['name', 1], ['kind', '兔']]],
    ['POST', '/api/v1/people', { project_id: 1, name: cnName('坏入'), phone: nextPhone() },
      [['name', 1], ['phone', 13800000000], ['id_type', 1], ['id_no', 440106], ['remark', []], ['project_id', 'x']]],
    ['PATCH', `/api/v1/people/${p.id}`, { version: p.version, remark: '改' },
      [['version', -1], ['remark', 1], ['phone2', '123'], ['name', '']]],
  ];
  for (const [method, p_, ok, wrongs] of cases) {
    const what = `${method} ${p_}`;
    for (const raw of ['{', '{"a":', '[]', '[1,2]', '"x"', '42', 'null', '{"a":1,}']) {
      const res = await agent.request(method, p_, undefined, { raw });
      assert.equal(res.status, 400, `${what} raw ${raw}: ${res.status} ${res.text}`);
      assertError(res, 400, 'bad_json');
    }
    assertError(await agent.request(method, p_, { ...ok, zzz_extra: 1 }), 422, 'unknown_field', 'zzz_extra');
    for (const [field, value] of wrongs) {
      const res = await agent.request(method, p_, { ...ok, [field]: value });
      assert.equal(res.status, 422, `${what} ${field}=${JSON.stringify(value)}: ${res.status} ${res.text}`);
      assertError(res, 422, 'validation_failed', field);
    }
    assertError(await agent.request(method, p_, undefined, { raw: JSON.stringify(ok), headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
  }
  // unknown field inside an inline person
  assertError(await agent.post(`/api/v1/units/${u.id}/residents`, { person: { name: cnName('内联'), zzz: 1 }, relation: '租户' }), 422, 'unknown_field', /zzz$/);
  // actions without a body of fields
  for (const p_ of [`/api/v1/vehicles/${v.id}/actions/remove`, `/api/v1/pets/${pet.id}/actions/remove`]) {
    assertError(await agent.post(p_, undefined, { raw: '{' }), 400, 'bad_json');
    assertError(await agent.post(p_, undefined, { raw: '[]' }), 400, 'bad_json');
  }
  // without a CSRF token
  assertError(await agent.post('/api/v1/people', { project_id: 1, name: cnName('无令牌'), phone: nextPhone() }, { csrf: false }), 403, 'csrf_failed');

  const afterSnap = await snapshot();
  assert.deepEqual(afterSnap, before, 'nothing written by refused requests');
});
