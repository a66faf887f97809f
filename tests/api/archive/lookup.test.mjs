// lookup.test.mjs — the counter's one search box (GET /api/v1/lookup): rooms, names, phone
// digits and plates, grouped, best first, at most 10 per group, one project only, and never a
// 500 for hostile input. Works on the demo estate (翠湖花园管理处 has 3-2-1502 with an owner,
// Chinese-named people with mobile numbers, vehicles with 粤A… plates).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, assertError, assertOk } from '../lib/harness.mjs';

let srv, agent, agent2, supervisor, manager, technician;
let demoUnit;     // 3-2-1502 of project 1
let demoOwner;    // one of its owners: {id, name, phone (full)}
let demoPlates;   // plates of project 1 vehicles
let demoPeople;   // people of project 1 (masked for the agent)

before(async () => {
  srv = await startServer();
  [agent, agent2, supervisor, manager, technician] = await Promise.all(
    ['agent', 'agent2', 'supervisor', 'manager', 'technician'].map((u) => loginAs(srv.url, u)));
});
after(async () => { await srv?.stop(); });

const GROUPS = ['units', 'people', 'vehicles'];

async function lookup(c, q, extra = '') {
  const res = await c.get(`/api/v1/lookup?q=${encodeURIComponent(q)}${extra}`);
  const j = assertOk(res);
  for (const g of GROUPS) {
    assert.ok(Array.isArray(j[g]), `lookup ${q}: group ${g} is an array (${res.text.slice(0, 200)})`);
    assert.ok(j[g].length <= 10, `lookup ${q}: at most 10 ${g}, got ${j[g].length}`);
  }
  for (const u of j.units) assert.ok(u.project_id === undefined || u.project_id === 1, `unit ${u.code} of project ${u.project_id}`);
  for (const p of j.people) assert.ok(p.project_id === undefined || p.project_id === 1, `person ${p.name} of project ${p.project_id}`);
  return j;
}

async function reveal(id) {
  const j = assertOk(await supervisor.post(`/api/v1/people/${id}/actions/reveal`, {}));
  return j.person && typeof j.person === 'object' ? j.person : j;
}

let phoneSeq = 0;
function nextPhone() {
  phoneSeq += 1;
  return `186${String(process.pid % 10000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

async function loadDemo() {
  if (demoUnit) return;
  const units = assertOk(await agent.get('/api/v1/units?q=1502&per_page=200'));
  demoUnit = units.items.find((u) => u.code === '3-2-1502');
  assert.ok(demoUnit, `demo unit 3-2-1502 exists: ${units.items.map((u) => u.code).join(',')}`);
  assert.ok(demoUnit.owners.length >= 1, 'demo unit 3-2-1502 has an owner');
  const o = demoUnit.owners[0];
  const full = await reveal(o.person_id);
  demoOwner = { id: o.person_id, name: o.name, phone: full.phone };
  assert.match(demoOwner.name, /^[\u4e00-\u9fff]{2,4}$/, 'the owner has a Chinese name');
  assert.match(demoOwner.phone, /^1[3-9]\d{9}$/, 'the owner has a mobile number');
  demoPeople = assertOk(await agent.get('/api/v1/people?per_page=200')).items;
  const v = assertOk(await agent.get('/api/v1/vehicles?per_page=200'));
  demoPlates = v.items.map((x) => x.plate);
  assert.ok(demoPlates.some((p) => p.startsWith('粤A')), `a demo plate starts with 粤A: ${demoPlates.join(',')}`);
}

test('1502 finds unit 3-2-1502 with its owners; exact rooms first', async () => {
  await loadDemo();
  const j = await lookup(agent, '1502');
  const hit = j.units.find((u) => u.code === '3-2-1502');
  assert.ok(hit, `3-2-1502 among ${j.units.map((u) => u.code).join(',')}`);
  assert.equal(hit.id, demoUnit.id);
  assert.ok(Array.isArray(hit.owners) && hit.owners.length >= 1, 'the unit comes with its owners');
  for (const k of ['person_id', 'name', 'phone']) assert.ok(k in hit.owners[0], `owner has ${k}`);
  assert.ok(hit.owners.some((o) => o.person_id === demoOwner.id && o.name === demoOwner.name));
  for (const u of j.units) assert.ok(u.code.includes('1502'), `${u.code} matches 1502`);
  // exact room matches come before rooms that merely contain 1502
  const exact = j.units.map((u) => u.room === '1502');
  const firstInexact = exact.indexOf(false);
  if (firstInexact >= 0) assert.ok(!exact.slice(firstInexact).includes(true), `exact rooms first: ${j.units.map((u) => u.code).join(',')}`);
});

test('3-1502 and 3-2-1502 find the unit; the exact code is ranked first', async () => {
  await loadDemo();
  const full = await lookup(agent, '3-2-1502');
  assert.ok(full.units.length >= 1);
  assert.equal(full.units[0].code, '3-2-1502');
  assert.ok(full.units[0].owners.length >= 1);
  const short = await lookup(agent, '3-1502');
  assert.ok(short.units.some((u) => u.code === '3-2-1502'), `3-1502 → ${short.units.map((u) => u.code).join(',')}`);
  assert.equal(short.units[0].building_code, '3');
  assert.equal(short.units[0].room, '1502');
  // spaces around the query are not part of it
  const spaced = await lookup(agent, '  3-2-1502 ');
  assert.equal(spaced.units[0]?.code, '3-2-1502');
  // a room that does not exist
  assert.deepEqual((await lookup(agent, '3-2-9999')).units, []);
});

test('a one-character surname and a two-character name find demo people', async () => {
  await loadDemo();
  const surname = demoOwner.name[0];
  const j = await lookup(agent, surname);
  assert.ok(j.people.length >= 1, `${surname} finds people`);
  for (const p of j.people) assert.ok(p.name.includes(surname), `${p.name} contains ${surname}`);
  const starts = j.people.map((p) => p.name.startsWith(surname));
  const firstNot = starts.indexOf(false);
  if (firstNot >= 0) assert.ok(!starts.slice(firstNot).includes(true), `names starting with ${surname} first: ${j.people.map((p) => p.name).join(',')}`);
  // many people share a surname: either the owner is among the 10, or 10 others with that surname fill the group
  const full = j.people.length === 10 && j.people.every((p) => p.name.startsWith(surname));
  assert.ok(full || j.people.some((p) => p.id === demoOwner.id), `${demoOwner.name} found by ${surname}: ${j.people.map((p) => p.name).join(',')}`);
  for (const k of ['id', 'name', 'phone', 'masked']) assert.ok(k in j.people[0], `person has ${k}`);

  const two = demoOwner.name.slice(0, 2);
  const j2 = await lookup(agent, two);
  assert.ok(j2.people.some((p) => p.id === demoOwner.id), `${demoOwner.name} found by ${two}: ${j2.people.map((p) => p.name).join(',')}`);
  if (demoOwner.name.length === 2) assert.equal(j2.people[0].name, two, 'an equal name ranks first');
  else assert.ok(j2.people[0].name.startsWith(two));
  // the whole name: equal names first
  const j3 = await lookup(agent, demoOwner.name);
  assert.equal(j3.people[0].name, demoOwner.name);
  assert.ok(j3.people.some((p) => p.id === demoOwner.id));
  // another demo person by a two-character part of the name
  const other = demoPeople.find((p) => p.id !== demoOwner.id && /^[\u4e00-\u9fff]{3}$/.test(p.name));
  if (other) {
    const j4 = await lookup(agent, other.name.slice(1));
    assert.ok(j4.people.some((p) => p.id === other.id), `${other.name} found by ${other.name.slice(1)} (contains)`);
  }
});

test('four digits from the middle of a phone, and its last four, find the person', async () => {
  await loadDemo();
  const mid = demoOwner.phone.slice(3, 7);
  const last4 = demoOwner.phone.slice(-4);
  for (const q of [mid, last4, demoOwner.phone.slice(0, 7), demoOwner.phone]) {
    const j = await lookup(agent, q);
    assert.ok(j.people.some((p) => p.id === demoOwner.id), `${demoOwner.name} found by ${q}: ${j.people.map((p) => p.name).join(',')}`);
  }
  const j = await lookup(agent, demoOwner.phone);
  assert.equal(j.people[0].id, demoOwner.id, 'the full phone ranks its person first');
  // numbers starting with the digits typed come before those holding them elsewhere (read
  // by the supervisor, who sees whole numbers)
  const head = demoOwner.phone.slice(0, 4);
  const s = await lookup(supervisor, head);
  assert.ok(s.people.length >= 1 && s.people.every((p) => !p.masked), 'the supervisor sees whole numbers');
  const starts = s.people.map((p) => p.phone.startsWith(head));
  assert.ok(starts[0], `${head}: a number starting with it first: ${s.people.map((p) => p.phone).join(',')}`);
  const firstNot = starts.indexOf(false);
  if (firstNot >= 0) assert.ok(!starts.slice(firstNot).includes(true), `${head}: numbers starting with it first: ${s.people.map((p) => p.phone).join(',')}`);
});

test('a phone fragment marks where it matched, in the number as each role sees it', async () => {
  await loadDemo();
  const p = demoOwner.phone;
  const hit = (j) => j.people.find((x) => x.id === demoOwner.id);
  // the agent sees 137****8582: the middle four are the stars, the last four are themselves
  const cases = [[p.slice(3, 7), 3, 7, '****'], [p.slice(-4), 7, 11, p.slice(-4)], [p.slice(0, 5), 0, 7, `${p.slice(0, 3)}****`],
    [p.slice(5, 9), 3, 9, `****${p.slice(7, 9)}`]];
  for (const [q, from, to, marked] of cases) {
    const x = hit(await lookup(agent, q));
    assert.ok(x, `${q} finds the owner`);
    assert.deepEqual(x.phone_match, { field: 'phone', from, to }, q);
    assert.equal(x.phone.slice(from, to), marked, `${q} marks ${marked} in ${x.phone}`);
  }
  // the supervisor sees whole numbers: the digits themselves
  const q = p.slice(4, 9);
  const x = hit(await lookup(supervisor, q));
  assert.deepEqual(x.phone_match, { field: 'phone', from: 4, to: 9 });
  assert.equal(x.phone.slice(4, 9), q);
  // a name search marks nothing
  assert.ok(!('phone_match' in hit(await lookup(agent, demoOwner.name))));
});

test('a plate fragment finds the vehicle', async () => {
  await loadDemo();
  const ya = await lookup(agent, '粤A');
  assert.ok(ya.vehicles.length >= 1);
  for (const v of ya.vehicles) {
    assert.ok(v.plate.includes('粤A'), `${v.plate} contains 粤A`);
    for (const k of ['id', 'plate', 'unit_id', 'unit_code', 'owner']) assert.ok(k in v, `vehicle has ${k}`);
  }
  assert.equal(ya.vehicles.length, Math.min(10, demoPlates.filter((p) => p.includes('粤A')).length));
  // the most specific 3-character piece of a demo plate
  let best = null;
  for (const plate of demoPlates.filter((p) => p.startsWith('粤A'))) {
    for (let i = 1; i + 3 <= plate.length; i++) {
      const frag = plate.slice(i, i + 3);
      const n = demoPlates.filter((p) => p.includes(frag)).length;
      if (!best || n < best.n) best = { plate, frag, n };
    }
  }
  const j = await lookup(agent, best.frag);
  assert.ok(j.vehicles.some((v) => v.plate === best.plate), `${best.plate} found by ${best.frag}: ${j.vehicles.map((v) => v.plate).join(',')}`);
  const whole = await lookup(agent, best.plate);
  assert.equal(whole.vehicles[0].plate, best.plate, 'the whole plate ranks first');
  assert.ok(whole.vehicles[0].unit_code, 'the vehicle names its unit');
});

test('a plate fragment typed in lower case finds the vehicle too', async () => {
  await loadDemo();
  // the rarest "A12"-style piece (the letter after 粤 and two more characters)
  let best = null;
  for (const plate of demoPlates.filter((p) => p.startsWith('粤A'))) {
    const frag = plate.slice(1, 4);
    const n = demoPlates.filter((p) => p.toUpperCase().includes(frag)).length;
    if (!best || n < best.n) best = { plate, frag, n };
  }
  const q = best.frag.toLowerCase();
  const j = await lookup(agent, q);
  if (best.n <= 10) assert.ok(j.vehicles.some((v) => v.plate === best.plate), `${best.plate} found by ${q}: ${j.vehicles.map((v) => v.plate).join(',')}`);
  else assert.equal(j.vehicles.length, 10, `${q} finds 10 of the ${best.n} plates containing ${best.frag}`);
});

test('groups are limited to 10 each', async () => {
  // room 7788 in both entrances of six buildings: twelve units with the same room
  const blds = [];
  for (let k = 0; k < 6; k++) {
    blds.push(assertOk(await agent.post('/api/v1/buildings', { project_id: 1, code: `L${process.pid % 1000}${k}`, name: `查询限额楼${k}`, entrances: 2, kind: '住宅楼' }), 201));
  }
  const digits = '零一二三四五六七八九';
  for (let i = 1; i <= 12; i++) {
    const u = assertOk(await agent.post('/api/v1/units', {
      project_id: 1, building_id: blds[(i - 1) >> 1].id, entrance: String(((i - 1) & 1) + 1), room: '7788', area_build: 60, use: '住宅', holder: '限额', status: '空置',
    }), 201);
    assertOk(await agent.post('/api/v1/people', { project_id: 1, name: `司马${digits[i % 10]}${digits[Math.floor(i / 10)]}`, phone: nextPhone() }), 201);
    assertOk(await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate: `粤ZQ77${String(i).padStart(2, '0')}` }), 201);
  }
  const people = await lookup(agent, '司马');
  assert.equal(people.people.length, 10);
  // the box says how many there are in all, so it can offer the rest
  assert.ok(people.totals.people >= 12, `totals ${JSON.stringify(people.totals)}`);
  assert.ok(people.people.every((p) => p.name.startsWith('司马')));
  const units = await lookup(agent, '7788');
  assert.equal(units.units.length, 10);
  assert.equal(units.totals.units, 12);
  assert.ok(units.units.every((u) => u.room === '7788'));
  const plates = await lookup(agent, 'ZQ77');
  assert.equal(plates.vehicles.length, 10);
  assert.equal(plates.totals.vehicles, 12);
  const few = await lookup(agent, '3-2-1502');
  assert.deepEqual(few.totals, { units: few.units.length, people: few.people.length, vehicles: few.vehicles.length });
  assert.ok(plates.vehicles.every((v) => v.plate.startsWith('粤ZQ77')));
});

test('nothing of project 2 reaches an agent of project 1', async () => {
  const p2 = assertOk(await manager.post('/api/v1/people', { project_id: 2, name: '诸葛孔明', phone: '13366668888' }), 201);
  const b2 = assertOk(await manager.post('/api/v1/buildings', { project_id: 2, code: `Z${process.pid % 1000}`, name: '金桂测试楼', entrances: 0, kind: '住宅楼' }), 201);
  const u2 = assertOk(await manager.post('/api/v1/units', { project_id: 2, building_id: b2.id, room: '4321', area_build: 50, use: '住宅', holder: '诸葛孔明', status: '已入住' }), 201);
  assertOk(await manager.post(`/api/v1/units/${u2.id}/residents`, { person_id: p2.id, relation: '业主' }), 201);
  assertOk(await manager.post(`/api/v1/units/${u2.id}/vehicles`, { plate: '粤BQ7W2K', person_id: p2.id }), 201);

  for (const q of ['诸葛', '诸葛孔明', '13366668888', '6888', 'Q7W2K', `${b2.code}-4321`]) {
    const j = await lookup(agent, q);
    assert.ok(!j.people.some((p) => p.id === p2.id), `${q}: no project-2 person`);
    assert.ok(!j.units.some((u) => u.id === u2.id), `${q}: no project-2 unit`);
    assert.ok(!j.vehicles.some((v) => v.unit_id === u2.id), `${q}: no project-2 vehicle`);
    assert.ok(!JSON.stringify(j).includes('诸葛'), `${q}: no trace of the project-2 name`);
  }
  // explicitly asking for project 2
  assertError(await agent.get(`/api/v1/lookup?q=${encodeURIComponent('诸葛')}&project_id=2`), 404, 'not_found');
  // the agent of project 2 finds them; so does the manager when naming project 2
  const a2 = assertOk(await agent2.get(`/api/v1/lookup?q=${encodeURIComponent('诸葛')}`));
  assert.ok(a2.people.some((p) => p.id === p2.id));
  const m2 = assertOk(await manager.get(`/api/v1/lookup?q=${encodeURIComponent('诸葛')}&project_id=2`));
  assert.ok(m2.people.some((p) => p.id === p2.id));
  const m1 = assertOk(await manager.get(`/api/v1/lookup?q=${encodeURIComponent('诸葛')}&project_id=1`));
  assert.ok(!m1.people.some((p) => p.id === p2.id));
  // every role can look up (archive.read)
  assertOk(await technician.get('/api/v1/lookup?q=1502'));
});

test('a user with several projects looks up in all of them, or in the one named', async () => {
  const all = assertOk(await manager.get('/api/v1/lookup?q=1502'));
  const one = assertOk(await manager.get('/api/v1/lookup?q=1502&project_id=2'));
  assert.ok(one.units.every((u) => u.project_id === 2), JSON.stringify(one.units.map((u) => u.project_id)));
  assert.ok(all.units.length >= one.units.length);
});

test('empty, too long and hostile queries: 200 with empty groups or 400, never 500', async () => {
  await loadDemo();
  const hostile = ['%', '_', "'", '"', '\\', '%%', '__', '15_2', '15%2', '1_0_', "' OR '1'='1", "1502' --", '<script>alert(1)</script>',
    '*', '.*', '[1]', '粤%', '粤_', '%1502%', ';DROP TABLE units;--', '\u200b', '😀', '％'];
  for (const q of hostile) {
    const res = await agent.get(`/api/v1/lookup?q=${encodeURIComponent(q)}`);
    assert.ok(res.status === 200 || res.status === 400, `q=${q}: ${res.status} ${res.text.slice(0, 200)}`);
    assert.match(res.headers.get('content-type') || '', /^application\/json/);
    if (res.status === 400) { assertError(res, 400, 'bad_request', 'q'); continue; }
    for (const g of GROUPS) assert.deepEqual(res.json[g], [], `q=${q}: ${g} empty (wildcards and quotes are literal), got ${JSON.stringify(res.json[g]).slice(0, 200)}`);
  }
  for (const q of ['', '   ', 'x'.repeat(300), '1502'.repeat(500), '张'.repeat(1000)]) {
    const res = await agent.get(`/api/v1/lookup?q=${encodeURIComponent(q)}`);
    // 1000 Chinese characters are a 9 KB address: over the server's 8 KB limit (issue 19, defect 7)
    const uri = `/api/v1/lookup?q=${encodeURIComponent(q)}`.length > 8192;
    assert.ok(uri ? res.status === 414 : res.status === 200 || res.status === 400, `q=${q.slice(0, 20)}… (${q.length}): ${res.status} ${res.text.slice(0, 200)}`);
    if (res.status === 414) { assertError(res, 414, 'uri_too_long'); continue; }
    if (res.status === 400) { assertError(res, 400, 'bad_request', 'q'); continue; }
    for (const g of GROUPS) assert.deepEqual(res.json[g], [], `q of length ${q.length}: ${g} empty`);
  }
  // no q at all, a NUL byte, q twice
  const noq = await agent.get('/api/v1/lookup');
  assert.ok(noq.status === 200 || noq.status === 400, `no q: ${noq.status} ${noq.text}`);
  if (noq.status === 200) for (const g of GROUPS) assert.deepEqual(noq.json[g], []);
  assertError(await agent.get('/api/v1/lookup?q=15%0002'), 400, 'bad_request');
  const bad = await agent.get('/api/v1/lookup?q=%E0%A4%A');   // invalid UTF-8 / escape
  assert.ok(bad.status === 200 || bad.status === 400, `${bad.status} ${bad.text}`);
  assertError(await agent.get('/api/v1/lookup?q=1502&project_id=abc'), 400, 'bad_request', 'project_id');
  // the server is still fine
  assert.ok((await lookup(agent, '3-2-1502')).units.length >= 1);
});

test('a person created through the API is found at once by name and phone', async () => {
  const phone = '19909182736';   // digits checked to be rare in the (deterministic) demo estate
  const name = '欧阳明月';
  const p = assertOk(await agent.post('/api/v1/people', { project_id: 1, name, phone }), 201);
  const byName = await lookup(agent, name);
  assert.equal(byName.people[0]?.id, p.id, `equal name first: ${byName.people.map((x) => x.name).join(',')}`);
  const byPart = await lookup(agent, '欧阳明');
  assert.ok(byPart.people.some((x) => x.id === p.id));
  for (const q of [phone, phone.slice(-4), phone.slice(3, 8)]) {
    const j = await lookup(agent, q);
    assert.ok(j.people.some((x) => x.id === p.id), `found by ${q}`);
  }
  // renamed: found under the new name only
  assertOk(await agent.patch(`/api/v1/people/${p.id}`, { version: p.version, name: '欧阳晓风' }));
  assert.ok((await lookup(agent, '欧阳晓风')).people.some((x) => x.id === p.id));
  assert.ok(!(await lookup(agent, '欧阳明月')).people.some((x) => x.id === p.id));
  // a new unit and vehicle are found at once as well
  const b = assertOk(await agent.post('/api/v1/buildings', { project_id: 1, code: `N${process.pid % 1000}`, name: '即时楼', entrances: 2, kind: '住宅楼' }), 201);
  const u = assertOk(await agent.post('/api/v1/units', { project_id: 1, building_id: b.id, entrance: '1', room: '2308', area_build: 88, use: '住宅', holder: '欧阳晓风', status: '已入住' }), 201);
  assertOk(await agent.post(`/api/v1/units/${u.id}/residents`, { person_id: p.id, relation: '业主' }), 201);
  const byCode = await lookup(agent, `${b.code}-1-2308`);
  assert.equal(byCode.units[0]?.id, u.id);
  assert.ok(byCode.units[0].owners.some((o) => o.person_id === p.id));
  assert.ok((await lookup(agent, `${b.code}-2308`)).units.some((x) => x.id === u.id), 'building-room form');
  assertOk(await agent.post(`/api/v1/units/${u.id}/vehicles`, { plate: '粤AJ6M8T', person_id: p.id }), 201);
  const byPlate = await lookup(agent, 'J6M8');
  const v = byPlate.vehicles.find((x) => x.plate === '粤AJ6M8T');
  assert.ok(v, 'new plate found');
  assert.equal(v.unit_id, u.id);
  assert.equal(v.unit_code, u.code);
});
