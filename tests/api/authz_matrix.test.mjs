// The authorization matrix (issue 19, "Must show 3"): every route of every registered module,
// called as every role, in the route's project and from another project, with a fixture record
// of each kind, against what the registry declares. New modules are covered by adding their
// tests/api/<module>/requests.json (lib/matrix.mjs refuses to run without it).
//
// What is declared (GET /api/v1/_test/routes): each route's roles — those its permission grants
// (every role for a login-only route); a step of the samples may narrow them where the handler
// asks for more, always through something the registry lists: `perm` (another permission, e.g.
// people.reveal for the reveal action), `workflow` (the transition's roles in the module's
// workflow table), or explicit `roles` / `company_roles` with a note (a project is created only
// by a company-wide admin).
//
// How each case is judged, as a user holding one role (in project A = 1, or company-wide):
//   - the role lacks the route's permission → exactly 403 `forbidden` (the door refuses before
//     anything else: server.c check_access; a 401 for a logged-in user would be a bug);
//   - it holds the route's permission but not the step's narrower roles → exactly 403 (the
//     step's `denied` when the code answers otherwise);
//   - it holds them → never 401/403/404 and never 5xx; a read answers 2xx; a write 2xx, or
//     409/422 when the state or a rule of the data refuses it (counted, printed).
// As a user holding the role in project B only, replaying project A's requests (A's ids, A's
// project_id): never 2xx, never 5xx; 403 when the role lacks the route's permission; 404 when it
// holds it and the path or the query names an A record or A itself (the record is not visible:
// ctx_require / ticket_row / archive_row answer 404 before 403); a body naming A's project or
// records may also answer 422 (the field is checked like any other). Requests naming nothing of A
// (the user's own /me, tokens, notifications) are exempt; the lists among them, called without a
// project filter, must not contain any of A's fixtures (their texts carry the marker mxa…, and A's
// fixture numbers differ from B's). Without a login every non-public route answers 401.
//
// State: a write consumes its record (a dispatch moves the order on; a delete removes it). The
// matrix therefore replays the whole sample list once per role user, in order, from the start
// (a "shadow run"): each step is first sent as the role under test — that is the case judged —
// and, when that did not succeed, sent again as the company admin so the next steps find the
// records in the state they expect; ids are saved from whichever call succeeded. Each run thus
// builds its own fixtures ({unique} names, a new building, a new review week and plan month),
// every destructive call meets a fresh record, and a role that may act really does (the
// technician accepts the order dispatched to them, the steward records their own visit).
// Steps that build nothing (a plain read, the login, logout and password check, a step that
// expects a refusal) are not redone by the admin.
// KEFU_MATRIX_LOG=1 prints every case of project A.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client } from './lib/harness.mjs';
import { registry, loadSamples, stepRoles, newEnv, resolve, send, build, roleUsers, ok2xx, expectOf, fixtureNumbers, samplesOn, meOf }
  from './lib/matrix.mjs';

let srv, admin, reg, samples, envA, envB;
let usersA, usersB, usersC;   // one user per role: in project A, in project B, company-wide

before(async () => {
  srv = await startServer();
  ({ admin, reg, samples } = await samplesOn(srv.url));
  [usersA, usersB, usersC] = await Promise.all([
    roleUsers(srv.url, admin, reg.roles, 1, 'a'), roleUsers(srv.url, admin, reg.roles, 2, 'b'),
    roleUsers(srv.url, admin, reg.roles, null, 'c')]);
  envA = newEnv({ project: 1, tag: 'a', roleUsers: meOf(usersA), me: admin.me });
  envB = newEnv({ project: 2, tag: 'b', roleUsers: meOf(usersB), me: admin.me });
  const problems = [...await build(samples, admin, envA), ...await build(samples, admin, envB)];
  assert.deepEqual(problems, [], 'every sample answers as its requests.json says, as the company admin in A and in B');
});
after(async () => { await srv?.stop(); });

const tally = { cases: 0, unexpected2xx: 0, fivexx: 0, mismatches: 0, refusedByState: 0, allowed: 0, denied: 0 };
const failures = [];
function fail(kind, what) {
  if (kind === '2xx') tally.unexpected2xx++;
  else if (kind === '5xx') tally.fivexx++;
  else tally.mismatches++;
  failures.push(`${kind}: ${what}`);
}
const brief = (res) => `${res.status} ${res.text.slice(0, 160)}`;

/** One case as a role of project A (scope 'project') or company-wide ('company'). */
function judge(step, role, scope, res) {
  tally.cases++;
  const what = `${step.id} as ${scope === 'company' ? 'company-wide ' : ''}${role} → ${brief(res)}`;
  if (process.env.KEFU_MATRIX_LOG) console.log(`case: ${what.slice(0, 200)}`);
  if (res.status >= 500) return fail('5xx', what);
  const mayPass = step.route.roles.includes(role), may = stepRoles(reg, step, scope).has(role);
  if (!mayPass || !may) {
    tally.denied++;
    const want = mayPass ? step.denied ?? 403 : 403;
    if (ok2xx(res.status)) return fail('2xx', `${what} (the role may not: ${want} expected)`);
    if (res.status !== want || (want === 403 && res.json?.error?.code !== 'forbidden'))
      return fail('mismatch', `${what} (expected ${want}${want === 403 ? ' forbidden' : ''})`);
    return;
  }
  tally.allowed++;
  if (ok2xx(res.status) || res.status === expectOf(step)) return;
  if (step.method !== 'GET' && (res.status === 409 || res.status === 422)) { tally.refusedByState++; return; }
  fail('mismatch', `${what} (the role may: 2xx expected)`);
}

/** Does the admin redo the step when the role could not? When it builds something: a write, or
 *  a read whose answer is kept, that succeeds (not a login, not a step that expects a refusal). */
const builds = (step) => !step.session && ok2xx(expectOf(step)) && (step.method !== 'GET' || step.save);

/** The shadow run of one role user (see the header). */
async function shadow(role, scope, c) {
  const roles = { ...meOf(usersA), ...(scope === 'company' ? { [role]: c.me } : {}) };
  const env = newEnv({ project: 1, tag: 'a', roleUsers: roles, me: c.me });
  const setup = [];
  for (const step of samples.steps) {
    const req = resolve(step, env);
    const res = await send(c, step, req);
    judge(step, role, scope, res);
    let got = ok2xx(res.status) ? res : null;
    if (!got && builds(step)) {
      const ra = await send(admin, step, req);
      if (ra.status === expectOf(step)) got = ra;
      else setup.push(`${step.id} (run of ${scope} ${role}): the admin's call answered ${brief(ra)}`);
    }
    if (got && step.save) env.saved[step.save] = got.json;
  }
  return setup;
}

test('the samples cover every route of every module, each module names its main create', () => {
  assert.ok(samples.routes.length >= 80, `${samples.routes.length} routes`);
  for (const m of new Set(reg.items.map((r) => r.module))) assert.ok(samples.modules.includes(m), `module ${m}`);
  const main = samples.steps.filter((s) => s.main);
  assert.equal(main.length, samples.modules.length, 'one main step per module');
  for (const s of main) assert.notEqual(s.method, 'GET', `${s.id}: the main step creates`);
  assert.ok(main.some((s) => s.method === 'POST' && s.path === '/api/v1/tickets'), 'tickets: POST /api/v1/tickets is the main create');
});

test('a module without requests.json, or a route without a sample, stops the matrix naming it', () => {
  const route = (module, method, p) => ({ module, method, path: p, perm: null, roles: reg.roles, public: false, test_only: false,
    csrf: method !== 'GET', formats: [] });
  const withKeys = { ...reg, items: [...reg.items, route('keys', 'GET', '/api/v1/keys')] };
  assert.throws(() => loadSamples(withKeys), /module keys has no tests\/api\/keys\/requests\.json/);
  const withRoute = { ...reg, items: [...reg.items, route('visits', 'POST', '/api/v1/visits/{id}/photos')] };
  assert.throws(() => loadSamples(withRoute), /route POST \/api\/v1\/visits\/\{id\}\/photos has no sample in tests\/api\/visits\/requests\.json/);
});

test('every route × every role of project A, and every role company-wide, as the registry declares', async () => {
  const setup = [];
  for (const [scope, users] of [['project', usersA], ['company', usersC]])
    for (const role of reg.roles) setup.push(...await shadow(role, scope, users[role]));
  const routesRun = new Set(samples.steps.map((s) => s.route)).size;
  console.log(`authz matrix: ${routesRun} routes × ${reg.roles.length} roles × 2 scopes (project, company-wide): ` +
    `${tally.cases} cases (${tally.allowed} allowed, ${tally.denied} denied; ${tally.refusedByState} writes refused for state), ` +
    `unexpected 2xx ${tally.unexpected2xx}, 5xx ${tally.fivexx}, permission mismatches ${tally.mismatches}`);
  assert.deepEqual(failures, [], 'no unexpected 2xx, no 5xx, no permission mismatch');
  assert.deepEqual(setup, [], 'the admin could replay every step a role could not do');
  assert.equal(tally.cases, samples.steps.length * reg.roles.length * 2);
  assert.ok(tally.allowed > 500 && tally.denied > 300, `${tally.allowed} allowed, ${tally.denied} denied`);
});

test('as a user of project B: project A\'s records and lists never answer 2xx; unfiltered lists hold nothing of A', async () => {
  const nA = fixtureNumbers('a');
  const secretsA = [nA.phone, nA.phone2, nA.id_no, nA.landline, nA.phone.slice(-8), nA.id_no.slice(4, 14),
    `${nA.phone.slice(0, 3)}****${nA.phone.slice(-4)}`];
  let cases = 0, bound = 0, lists = 0;
  const out = [];
  for (const role of reg.roles) {
    const c = usersB[role];
    const env = newEnv({ project: 1, tag: 'b', roleUsers: envA.roleUsers, me: c.me, base: envA });
    for (const step of samples.steps) {
      const req = resolve(step, env);
      const res = await send(c, step, req);
      cases++;
      const what = `${step.id} as ${role} of B with A's ${req.url} → ${brief(res)}`;
      if (res.status >= 500) { out.push(`5xx: ${what}`); continue; }
      if (!req.bound) continue;
      bound++;
      if (ok2xx(res.status)) { out.push(`2xx: ${what}`); continue; }
      const mayPass = step.route.roles.includes(role), may = stepRoles(reg, step).has(role);
      const body = req.queryBound ? [] : [422];   // a body naming A's records: checked like any field
      const want = !mayPass ? [403] : !may ? [403, 404, ...body] : req.queryBound ? [404] : [403, 404, ...body];
      if (!want.includes(res.status)) out.push(`mismatch: ${what} (expected ${want.join(' or ')})`);
    }
    // the lists, without a project filter: B's own rows only
    for (const step of samples.steps.filter((s) => s.method === 'GET' && !s.path.includes('{'))) {
      const res = await c.get(step.path);
      if (!ok2xx(res.status)) continue;
      lists++;
      const leak = [/mxa[0-9a-z]/.exec(res.text)?.[0], ...secretsA.filter((s) => res.text.includes(s))].filter(Boolean);
      if (leak.length) out.push(`leak: GET ${step.path} as ${role} of B shows ${leak.join(', ')} of project A`);
    }
  }
  console.log(`authz matrix, from project B: ${cases} cases (${bound} naming project A), ${lists} unfiltered lists read; ` +
    `unexpected 2xx ${out.filter((x) => x.startsWith('2xx')).length}, 5xx ${out.filter((x) => x.startsWith('5xx')).length}, ` +
    `mismatches ${out.filter((x) => x.startsWith('mismatch')).length}, leaks ${out.filter((x) => x.startsWith('leak')).length}`);
  assert.deepEqual(out, []);
  assert.ok(bound > 400 && lists > 100, `${bound} bound cases, ${lists} lists`);
});

test('without a login every route but the public ones answers 401 unauthenticated', async () => {
  const anon = client(srv.url);
  let n = 0;
  const out = [];
  for (const r of samples.routes) {
    const res = await anon.request(r.method, r.path.replace(/\{[^}]+\}/g, '1'), r.method === 'GET' ? undefined : {});
    if (r.public) { if (res.status === 401 || res.status >= 500) out.push(`${r.method} ${r.path} (public) → ${res.status}`); continue; }
    n++;
    if (res.status !== 401 || res.json?.error?.code !== 'unauthenticated') out.push(`${r.method} ${r.path} → ${brief(res)}`);
  }
  assert.deepEqual(out, []);
  assert.ok(n >= 80, `${n} routes`);
});
