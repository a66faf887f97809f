// lookup_memory.test.mjs — the counter lookup answers from an index in memory (archive_mirror.c).
// It must answer exactly what the database lookup answers (a second server on the same
// database with --lookup db), and show every archive change at once: on the server that made
// it and on another server of the same database, which learns of it only through the
// project's archive generation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs, assertOk } from '../lib/harness.mjs';

let mem, db, other;          // memory lookup; database lookup; a second memory server
let agentMem, agentDb, adminMem, adminDb, agentOther, manager;

before(async () => {
  mem = await startServer();
  db = await startServer({ db: mem.db, skipDemo: true, args: ['--lookup', 'db'] });
  other = await startServer({ db: mem.db, skipDemo: true });
  [agentMem, adminMem, manager] = await Promise.all(['agent', 'admin', 'manager'].map((u) => loginAs(mem.url, u)));
  [agentDb, adminDb] = await Promise.all(['agent', 'admin'].map((u) => loginAs(db.url, u)));
  agentOther = await loginAs(other.url, 'agent');
});
after(async () => { await other?.stop(); await db?.stop(); await mem?.stop(); });

const look = async (c, q, extra = '') => assertOk(await c.get(`/api/v1/lookup?q=${encodeURIComponent(q)}${extra}`));

// The answer from memory: a lookup that finds a project not yet (or no longer) in memory answers
// from the database (X-Kefu-Lookup: db) and has the project read in the background.
async function lookMem(c, q, extra = '') {
  for (let i = 0; i < 200; i++) {
    const res = await c.get(`/api/v1/lookup?q=${encodeURIComponent(q)}${extra}`);
    const j = assertOk(res);
    if (res.headers.get('x-kefu-lookup') === 'memory') return j;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`q=${q}: never answered from memory`);
}

// Terms from the demo estate that no database shortcut cuts short (rooms, whole codes, whole
// names, numbers of seven digits or more, whole plates and their pieces of three).
async function demoTerms() {
  const units = assertOk(await adminMem.get('/api/v1/units?per_page=200')).items;
  const people = assertOk(await adminMem.get('/api/v1/people?per_page=200')).items;
  const vehicles = assertOk(await adminMem.get('/api/v1/vehicles?per_page=200')).items;
  const terms = new Set(['1502', '3-1502', '3-2-1502', '0101', '9999', 'A-101', '粤A1', '']);
  for (const u of units.slice(0, 40)) { terms.add(u.room); terms.add(u.code); terms.add(`${u.building_code}-${u.room}`); }
  for (const p of people.slice(0, 40)) {
    terms.add(p.name);
    if (p.phone) { terms.add(p.phone); terms.add(p.phone.slice(0, 7)); terms.add(p.phone.slice(-8)); }
  }
  for (const v of vehicles.slice(0, 30)) { terms.add(v.plate); terms.add(v.plate.slice(2, 5)); terms.add(v.plate.slice(-4).toLowerCase()); }
  return [...terms];
}

test('from memory the lookup answers what the database answers', async () => {
  const terms = await demoTerms();
  assert.ok(terms.length > 150, `${terms.length} terms`);
  let found = 0;
  for (const [m, d, who] of [[agentMem, agentDb, 'agent'], [adminMem, adminDb, 'admin']]) {
    await lookMem(m, '1502');
    for (const q of terms) {
      const ra = await m.get(`/api/v1/lookup?q=${encodeURIComponent(q)}`), rb = await d.get(`/api/v1/lookup?q=${encodeURIComponent(q)}`);
      const a = assertOk(ra), b = assertOk(rb);
      if (q) assert.deepEqual([ra.headers.get('x-kefu-lookup'), rb.headers.get('x-kefu-lookup')], ['memory', 'db'], q);
      assert.deepEqual(a, b, `${who} q=${q}`);
      found += a.units.length + a.people.length + a.vehicles.length;
    }
  }
  assert.ok(found > 300, `the terms find things (${found})`);
  // the agent sees masked numbers from memory too; the admin whole ones
  const anyone = (await lookMem(agentMem, '1502')).units.find((u) => u.owners.length);
  assert.match(anyone.owners[0].phone, /^\d{3}\*{4}\d{4}$/);
  const whole = (await lookMem(adminMem, '1502')).units.find((u) => u.owners.length);
  assert.match(whole.owners[0].phone, /^1\d{10}$/);
});

// Every person of project 1 (as the agent sees them), page by page.
async function allPeople(c) {
  const out = [];
  for (let page = 1; ; page++) {
    const j = assertOk(await c.get(`/api/v1/people?project_id=1&per_page=200&page=${page}`));
    out.push(...j.items);
    if (!j.items.length || out.length >= j.total) return out;
  }
}

test('every match is ranked from memory: equal, then starting with it, then shorter names, older records', async () => {
  const people = await allPeople(agentMem);
  const count = new Map();
  for (const p of people) for (const ch of new Set([...p.name])) count.set(ch, (count.get(ch) || 0) + 1);
  // the commonest character, and one in the middle of names
  const common = [...count.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([ch]) => ch);
  for (const q of [...common, people[0].name.slice(0, 2), people[1].name]) {
    const rank = (p) => (p.name === q ? 0 : p.name.startsWith(q) ? 1 : 2);
    const want = people.filter((p) => p.name.includes(q))
      .sort((a, b) => rank(a) - rank(b) || [...a.name].length - [...b.name].length || a.id - b.id)
      .slice(0, 10).map((p) => p.id);
    const got = (await lookMem(agentMem, q)).people.map((p) => p.id);
    assert.deepEqual(got, want, `q=${q} (${people.filter((p) => p.name.includes(q)).length} match)`);
  }
});

// Each check runs on the first answer after a change (from the database: memory is behind) and
// again once memory has caught up.
async function both(c, q, check) {
  check(await look(c, q));
  check(await lookMem(c, q));
}

test('a change shows at once, on this server and on another of the same database', async () => {
  const unit = (await lookMem(agentMem, '3-2-1502')).units[0];
  assert.equal(unit.code, '3-2-1502');
  await lookMem(agentOther, '3-2-1502');       // the other server holds the project in memory now
  const phone = `139${String(process.pid % 10000).padStart(4, '0')}7788`;
  // a new tenant, with a person created on the way
  const res = assertOk(await agentMem.post(`/api/v1/units/${unit.id}/residents`,
    { relation: '租户', person: { name: '欧阳新租', phone } }), 201);
  for (const c of [agentMem, agentOther]) {
    await both(c, '欧阳新租', (j) => {
      assert.equal(j.people[0]?.id, res.person_id, 'found by name');
      assert.deepEqual(j.people[0].units.map((u) => [u.code, u.relation]), [['3-2-1502', '租户']]);
    });
    await both(c, phone.slice(-7), (j) => assert.equal(j.people[0]?.id, res.person_id, 'found by phone'));
  }
  // renamed: found by the new name only
  const p = assertOk(await agentMem.get(`/api/v1/people/${res.person_id}`));
  assertOk(await agentMem.patch(`/api/v1/people/${res.person_id}`, { version: p.version, name: '欧阳改名' }));
  for (const c of [agentOther, agentMem]) {
    await both(c, '欧阳新租', (j) => assert.equal(j.people.length, 0, 'the old name is gone'));
    await both(c, '欧阳改名', (j) => assert.equal(j.people[0]?.id, res.person_id));
  }
  // the relation ended: the person no longer lists the unit
  assertOk(await agentMem.post(`/api/v1/units/${unit.id}/residents/${res.id}/actions/end`, {}));
  for (const c of [agentMem, agentOther]) await both(c, '欧阳改名', (j) => assert.deepEqual(j.people[0].units, []));
  // a vehicle: found, then removed and gone
  const plate = `粤Z${String(process.pid % 100000).padStart(5, '0')}`;
  const v = assertOk(await agentMem.post(`/api/v1/units/${unit.id}/vehicles`, { plate }), 201);
  for (const c of [agentOther, agentMem]) await both(c, plate, (j) => assert.equal(j.vehicles[0]?.id, v.id));
  // a unit renamed by its room: the old room no longer finds it
  const u = assertOk(await agentMem.get(`/api/v1/units/${unit.id}`));
  assertOk(await agentMem.patch(`/api/v1/units/${unit.id}`, { version: u.version, room: '1599' }));
  for (const c of [agentMem, agentOther]) {
    await both(c, '1502', (j) => assert.ok(!j.units.some((x) => x.id === unit.id), 'not under its old room'));
    await both(c, '3-2-1599', (j) => assert.equal(j.units[0]?.id, unit.id));
    await both(c, plate, (j) => assert.equal(j.vehicles[0]?.unit_code, '3-2-1599', 'its vehicle names the new code'));
  }
});

test('a project first written after the server started is looked up too', async () => {
  const b = assertOk(await manager.post('/api/v1/buildings', { project_id: 2, code: `M${process.pid % 1000}`, name: '内存测试楼', entrances: 0, kind: '住宅楼' }), 201);
  const u = assertOk(await manager.post('/api/v1/units', { project_id: 2, building_id: b.id, room: '6543', area_build: 50, use: '住宅', holder: '内存', status: '空置' }), 201);
  const j = await lookMem(manager, `${b.code}-6543`);
  assert.equal(j.units[0]?.id, u.id);
  assert.deepEqual(j, await look(await loginAs(db.url, 'manager'), `${b.code}-6543`));
});
