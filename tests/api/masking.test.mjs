// Masking of owners' phone and ID numbers in every answer (issue 19; SPEC A6): every read of
// every registered module — JSON, each export format (xlsx read back, csv) and every PDF (read
// with pdftotext) — as every role without people.reveal, with the fixture person of the modules'
// samples (tests/api/<module>/requests.json) as the unit's owner and the caller of its tickets.
// The full numbers and what the mask hides must appear nowhere, only the masked forms
// (138****5678, 4403**********1234), which the answers must carry. The rules followed are the
// documented ones (docs/api.md "Masking" and "Read", docs/user-guide.md 业主档案 and 维修):
//   - without people.reveal every personal number is masked, in lists, records, lookup, history
//     and exports;
//   - the ticket page and its printed slip show the caller's phone whole to the desk (admin,
//     manager, supervisor, agent, steward) and to the technician the order is dispatched to:
//     they ring back and visit. That is the one exception, pinned below;
//   - holders of people.reveal (admin, manager, supervisor, steward) see the numbers whole;
//     the reveal action answers them and is audited (privacy.test.mjs).
// Landlines are masked the same way (0755-86001234 → 075****1234); numbers shorter than a
// landline are not phone numbers anywhere an owner's number is kept, and are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, loginAs, assertError, assertOk } from './lib/harness.mjs';
import { xlsxRows } from './lib/xlsx.mjs';
import { newEnv, resolve, build, roleUsers, fixtureNumbers, samplesOn, meOf }
  from './lib/matrix.mjs';

let srv, admin, reg, samples, env, users, dir;
const N = fixtureNumbers('a');
const DESK = ['admin', 'manager', 'supervisor', 'agent', 'steward'];   // docs/api.md, Tickets → Read

before(async () => {
  srv = await startServer();
  ({ admin, reg, samples } = await samplesOn(srv.url));
  users = await roleUsers(srv.url, admin, reg.roles, 1, 'a');
  env = newEnv({ project: 1, tag: 'a', roleUsers: meOf(users), me: admin.me });
  assert.deepEqual(await build(samples, admin, env), [], 'the samples build as the admin');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-masking-'));
});
after(async () => { await srv?.stop(); if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

const maskPhone = (p) => `${p.slice(0, 3)}****${p.slice(-4)}`;
const maskId = (s) => `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
/** A number and what its mask hides: whole, without the kept head, without the kept tail. */
function secretsOf(v, keepHead) {
  const out = [v, v.slice(keepHead), v.slice(0, -4)];
  if (v.includes('-')) out.push(v.replace(/-/g, ''), v.split('-').pop());   // digits only; the local number
  return out;
}
const PHONES = [N.phone, N.phone2, N.landline];
const SECRETS = [...PHONES.flatMap((p) => secretsOf(p, 3)), ...secretsOf(N.id_no, 4)];
const MASKS = [maskPhone(N.phone), maskPhone(N.phone2), maskPhone(N.landline), maskId(N.id_no)];

/** The answer as text: JSON and CSV as they are, xlsx cells, PDF through pdftotext. */
async function fetchText(c, url) {
  const res = await fetch(srv.url + url, { headers: { Cookie: c.cookieHeader() } });
  const bytes = Buffer.from(await res.arrayBuffer()), type = res.headers.get('content-type') || '';
  let text, kind;
  if (type.startsWith('application/pdf')) {
    const f = path.join(dir, 'a.pdf');
    fs.writeFileSync(f, bytes);
    text = execFileSync('pdftotext', ['-layout', f, '-'], { maxBuffer: 16 << 20 }).toString('utf8');
    kind = 'pdf';
  } else if (type.includes('spreadsheetml')) {
    text = xlsxRows(bytes).map((r) => r.join('\t')).join('\n');
    kind = 'xlsx';
  } else if (type.startsWith('image/')) {
    text = '';
    kind = 'image';
  } else {
    text = bytes.toString('utf8');
    kind = type.startsWith('text/csv') ? 'csv' : 'json';
  }
  return { status: res.status, text, kind };
}

/** Every read of the samples with each of its formats: [{step, url, format}]. */
function reads() {
  const out = [];
  for (const step of samples.steps.filter((s) => s.method === 'GET')) {
    const { url } = resolve(step, env);
    out.push({ step, url, format: 'json' });
    for (const f of step.route.formats) out.push({ step, url: `${url}${url.includes('?') ? '&' : '?'}format=${f}`, format: f });
  }
  return out;
}

/** The documented exception: the ticket page and slip show the caller's phone to the desk and to
 *  the order's technician. */
function phoneWholeAllowed(step, role) {
  const page = ['/api/v1/tickets/{id}', '/api/v1/tickets/{id}/slip.pdf'].includes(step.route.path);
  return page && (DESK.includes(role) || role === 'technician');   // the samples dispatch t1 to {role.technician}
}

test('every read, export and PDF, as every role without people.reveal: no full phone or ID number, nor what the mask hides', async () => {
  const blind = reg.roles.filter((r) => !reg.perm['people.reveal'].includes(r));
  assert.deepEqual(blind, ['agent', 'technician', 'cashier', 'storekeeper']);
  const out = [], kinds = {}, masked = new Set();
  let answers = 0;
  for (const role of blind) {
    for (const { step, url, format } of reads()) {
      const r = await fetchText(users[role], url);
      if (r.status !== 200) continue;   // not this role's (the matrix judges the status)
      answers++;
      kinds[r.kind] = (kinds[r.kind] || 0) + 1;
      const allowed = phoneWholeAllowed(step, role) ? new Set(secretsOf(N.phone, 3)) : new Set();
      for (const s of SECRETS) if (!allowed.has(s) && r.text.includes(s)) out.push(`${role} GET ${url} (${format}) shows ${s}`);
      for (const m of MASKS) if (r.text.includes(m)) masked.add(`${step.route.path} ${r.kind} ${m}`);
    }
  }
  console.log(`masking: ${answers} answers read as ${blind.join(', ')} (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}); ` +
    `${out.length} leaks`);
  assert.deepEqual(out, []);
  assert.ok(kinds.pdf >= 3 && kinds.xlsx >= 15 && kinds.csv >= 15 && kinds.json >= 100, JSON.stringify(kinds));
  // the masked forms are there: the numbers are shown, masked
  for (const want of [`/api/v1/people/{id} json ${maskPhone(N.phone)}`, `/api/v1/people/{id} json ${maskId(N.id_no)}`,
    `/api/v1/people/{id} json ${maskPhone(N.landline)}`, `/api/v1/people xlsx ${maskPhone(N.phone)}`,
    `/api/v1/people csv ${maskId(N.id_no)}`, `/api/v1/units/{id} json ${maskPhone(N.phone)}`,
    `/api/v1/lookup json ${maskPhone(N.phone)}`, `/api/v1/tickets json ${maskPhone(N.phone)}`,
    `/api/v1/tickets xlsx ${maskPhone(N.phone)}`, `/api/v1/tickets/{id}/slip.pdf pdf ${maskPhone(N.phone)}`])
    assert.ok(masked.has(want), `masked form seen: ${want}`);
});

test('the documented exception, pinned: the ticket page and slip show the caller\'s phone whole to the desk and to the order\'s technician only', async () => {
  const t1 = env.saved.t1.id;
  for (const role of reg.roles) {
    const page = await fetchText(users[role], `/api/v1/tickets/${t1}`);
    const slip = await fetchText(users[role], `/api/v1/tickets/${t1}/slip.pdf`);
    assert.equal(page.status, 200, `${role}: page`);
    assert.equal(slip.status, 200, `${role}: slip`);
    const whole = DESK.includes(role) || role === 'technician';   // t1 is dispatched to this technician
    for (const [what, r] of [['page', page], ['slip', slip]]) {
      assert.equal(r.text.includes(N.phone), whole, `${role} ${what}: whole phone ${whole ? '' : 'not '}shown`);
      if (!whole) assert.ok(r.text.includes(maskPhone(N.phone)), `${role} ${what}: masked phone shown`);
    }
  }
  // another technician of the project, not the order's: masked
  const other = await loginAs(srv.url, 'technician');
  const p = await fetchText(other, `/api/v1/tickets/${t1}`);
  assert.equal(p.status, 200);
  assert.ok(!p.text.includes(N.phone) && p.text.includes(maskPhone(N.phone)), 'the technician the order is not dispatched to sees it masked');
});

test('holders of people.reveal see the numbers whole, as documented; the masked field says masked: false', async () => {
  const holders = reg.perm['people.reveal'];
  assert.deepEqual(holders, ['admin', 'manager', 'supervisor', 'steward']);
  for (const role of holders) {
    const rec = assertOk(await users[role].get(`/api/v1/people/${env.saved.person.id}`));
    assert.equal(rec.phone, N.phone, `${role}: phone`);
    assert.equal(rec.id_no, N.id_no, `${role}: id_no`);
    assert.equal(rec.emergency_phone, N.landline, `${role}: emergency_phone`);
    assert.equal(rec.masked, false, `${role}: masked false`);
  }
  const rec = assertOk(await users.agent.get(`/api/v1/people/${env.saved.person.id}`));
  assert.equal(rec.masked, true);
});

test('landlines are masked like mobiles (the middle hidden); short numbers are refused where owners\' numbers are kept', async () => {
  const agent = users.agent, steward = users.steward;
  for (const line of ['0755-86001234', '020-3876401', '075586001234', '0755-8600123-801']) {
    const p = assertOk(await steward.post('/api/v1/people', { project_id: 1, name: `座机${line.length}`, phone: line }), 201);
    const seen = assertOk(await agent.get(`/api/v1/people/${p.id}`));
    assert.equal(seen.phone, maskPhone(line), `${line} → ${seen.phone}`);
    const local = line.split('-')[1] || line.slice(4);
    assert.ok(!JSON.stringify(seen).includes(local), `${line}: the local number ${local} is hidden`);
    const lk = await agent.get(`/api/v1/lookup?project_id=1&q=${encodeURIComponent(line.replace(/-/g, '').slice(-4))}`);
    assert.ok(!lk.text.includes(line) && !lk.text.includes(local), `${line}: lookup by its last digits shows it masked`);
  }
  for (const short of ['95598', '12345', '110', '1234567']) {
    assertError(await steward.post('/api/v1/people', { project_id: 1, name: '短号', phone: short }), 422, 'validation_failed', 'phone');
    assertError(await steward.post('/api/v1/people', { project_id: 1, name: '短号', emergency_phone: short }), 422, 'validation_failed', 'emergency_phone');
    assertError(await agent.post('/api/v1/tickets', { project_id: 1, kind: 'inquiry', channel: 'phone', phone: short, content: '短号' }),
      422, 'validation_failed', 'phone');
  }
});
