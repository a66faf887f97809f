// matrix.mjs — the modules' request samples (tests/api/<module>/requests.json) and the runner
// the registry-driven tests share: the authorization matrix, CSRF and masking
// (tests/api/authz_matrix.test.mjs, csrf.test.mjs, masking.test.mjs).
//
// The route list comes from the registry (GET /api/v1/_test/routes: every route with the roles
// its permission grants, the permissions, the workflows' transitions with their roles). Each
// module folder named by that list must have a requests.json (format: docs/architecture.md,
// "Adding a module", step 13): ordered steps that build, as one user in one project, a fixture
// record of every kind and send a valid request to every route. loadSamples() fails naming the
// module without a file and the route without a sample, so a new module is covered as soon as
// it is registered, and no route is left out.
//
// Placeholders in a step's path, query and body:
//   {project}            the project the fixtures are built in
//   {name.path}          a value of an earlier step's answer saved as `name` ({t1.id},
//                        {inbox.items.0.id}); steps of other modules' files too
//   {role.X}             the id of the user holding role X in that project (the test's users)
//   {me.id|username|password}  the user running the steps
//   {unique}             a short unique lower-case string (a new one per step)
//   {phone} {phone2} {landline} {id_no}   the fixture person's numbers in that project
//   {plate} {future} {monday} {month}     a new plate; a time 3 days ahead; a Monday and a
//                        month of their own per run (one review per week, one plan per month)
// A whole-string placeholder keeps its type ("{t1.id}" → 42); inside text it is spliced in.
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client, createUser, loginAs } from './harness.mjs';

const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PASSWORD = 'Kefu-matrix-7391';

/** The registry as a test server lists it. */
export async function registry(c) {
  const res = await c.get('/api/v1/_test/routes');
  assert.equal(res.status, 200, res.text);
  const reg = res.json;
  reg.perm = Object.fromEntries(reg.perms.map((p) => [p.name, p.roles]));
  return reg;
}

// ---- the samples ----

const segs = (p) => p.split('?')[0].split('/').filter(Boolean);
const dynamic = (s) => s.includes('{');

/** The route a step's path template serves: literal segments first, as the router does. */
export function routeOf(routes, method, template) {
  const ss = segs(template);
  let best = null, bestScore = -1;
  for (const r of routes) {
    if (r.method !== method) continue;
    const ps = segs(r.path);
    if (ps.length !== ss.length) continue;
    let score = 0, ok = true;
    for (let i = 0; i < ps.length && ok; i++) {
      if (dynamic(ps[i])) continue;                 // a parameter takes anything
      if (dynamic(ss[i]) || ps[i] !== ss[i]) ok = false;
      else score++;
    }
    if (ok && score > bestScore) { best = r; bestScore = score; }
  }
  return best;
}

/** Every module's steps, in dependency order (a file's `after`; a step's `after` runs once every
 *  module's own steps are done), each with its route; throws naming what is missing. */
export function loadSamples(reg) {
  const routes = reg.items.filter((r) => !r.test_only);
  const modules = [...new Set(reg.items.map((r) => r.module))];
  const files = {};
  for (const m of modules) {
    const f = path.join(API_DIR, m, 'requests.json');
    if (!fs.existsSync(f))
      throw new Error(`module ${m} has no tests/api/${m}/requests.json (a valid request for each of its routes: docs/architecture.md, "Adding a module")`);
    files[m] = JSON.parse(fs.readFileSync(f, 'utf8'));
    assert.ok(Array.isArray(files[m].steps), `tests/api/${m}/requests.json: "steps" is a list`);
  }
  const order = [];
  const visit = (m, chain) => {
    if (order.includes(m)) return;
    if (chain.includes(m)) throw new Error(`requests.json "after" loop: ${[...chain, m].join(' → ')}`);
    for (const d of files[m].after || []) {
      if (!files[d]) throw new Error(`tests/api/${m}/requests.json: after names ${d}, not a registered module`);
      visit(d, [...chain, m]);
    }
    order.push(m);
  };
  modules.forEach((m) => visit(m, []));
  const steps = [], later = [];
  for (const m of order) {
    files[m].steps.forEach((s, i) => {
      const route = routeOf(routes, s.method, s.path);
      if (!route) throw new Error(`tests/api/${m}/requests.json step ${i + 1} (${s.method} ${s.path}) serves no route`);
      const step = { ...s, module: m, n: i + 1, route, id: `${m}#${i + 1} ${s.method} ${s.path}` };
      (s.after ? later : steps).push(step);
    });
  }
  for (const r of routes)
    if (!steps.concat(later).some((s) => s.route === r && s.module === r.module))
      throw new Error(`route ${r.method} ${r.path} has no sample in tests/api/${r.module}/requests.json`);
  for (const m of order)
    if (!files[m].steps.some((s) => s.main)) throw new Error(`tests/api/${m}/requests.json marks no step "main": true`);
  return { modules: order, steps: steps.concat(later), routes };
}

/** The roles that may do a step: the route's, narrowed by the step's `perm` (a permission the
 *  handler asks for), its workflow transition (`workflow`: the entity; the action is the path's
 *  segment after /actions/) and its explicit `roles` (`company_roles` for roles held company-wide). */
export function stepRoles(reg, step, scope = 'project') {
  let roles = new Set(step.route.roles);
  const keep = (list) => { roles = new Set([...roles].filter((r) => list.includes(r))); };
  for (const p of [].concat(step.perm || [])) {
    assert.ok(reg.perm[p], `${step.id}: permission ${p} is not declared`);
    keep(reg.perm[p]);
  }
  if (step.workflow) {
    const ss = segs(step.path), action = ss[ss.indexOf('actions') + 1];
    const ts = reg.workflows.filter((w) => w.entity === step.workflow).flatMap((w) => w.transitions.filter((t) => t.action === action));
    assert.ok(ts.length, `${step.id}: no workflow ${step.workflow} has the action ${action}`);
    const sets = new Set(ts.map((t) => [...t.roles].sort().join(',')));
    assert.equal(sets.size, 1, `${step.id}: the workflows of ${step.workflow} give ${action} different roles`);
    keep(ts[0].roles);
  }
  const explicit = scope === 'company' && step.company_roles ? step.company_roles : step.roles;
  if (explicit) keep(explicit);
  return roles;
}

// ---- runs: the values placeholders take ----

let runSeq = 0, uniqSeq = 0, plateSeq = 0;

function officeIso(ms) {   // +08:00, as the server writes times
  const d = new Date(ms + 8 * 3600e3), p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}+08:00`;
}

/** The fixture person's numbers of a project (A and B differ, so one never shows the other's). */
export function fixtureNumbers(tag) {
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const withCheck = (s) => s + '10X98765432'[[...s].reduce((a, ch, i) => a + Number(ch) * W[i], 0) % 11];
  return tag === 'a'
    ? { phone: '13957246813', phone2: '13768041952', landline: '0755-86001234', id_no: withCheck('44030519810723461') }
    : { phone: '15120937564', phone2: '18630471285', landline: '020-38764015', id_no: withCheck('11010819920214538') };
}

/**
 * The values of one run of the samples: `tag` 'a' or 'b' marks the run's unique strings
 * (mxa…, mxb…), so a list can be searched for the other project's fixtures.
 */
export function newEnv({ project, tag, roleUsers, me, base }) {
  const run = ++runSeq;
  const monday = new Date(Date.UTC(2024, 0, 1) + 7 * 86400e3 * run).toISOString().slice(0, 10);
  const m = new Date(Date.UTC(2040, run, 1));
  return {
    project, tag, roleUsers, me, run,
    saved: base ? { ...base.saved } : {},
    numbers: fixtureNumbers(tag),
    monday, month: m.toISOString().slice(0, 7),
    future: officeIso(Date.now() + 3 * 86400e3),
  };
}

function pick(obj, keys, what) {
  let v = obj;
  for (const k of keys) {
    if (v === null || v === undefined || !(k in Object(v))) throw new Error(`placeholder {${what}}: no ${k}`);
    v = v[k];
  }
  return v;
}

/** A placeholder's value; marks the request as bound to the run's project when it names it or
 *  one of its records. */
function lookup(key, env, st) {
  const [head, ...rest] = key.split('.');
  switch (head) {
    case 'project': st.bound = true; return env.project;
    case 'unique': return st.unique;
    case 'phone': case 'phone2': case 'landline': case 'id_no': return env.numbers[head];
    case 'future': case 'monday': case 'month': return env[head];
    case 'plate': return st.plate;
    case 'me': return pick(env.me, rest, key);
    case 'role': st.bound = true; return pick(env.roleUsers, rest, key).id;
    default:
      if (!(head in env.saved)) throw new Error(`placeholder {${key}}: nothing was saved as ${head}`);
      st.bound = true;
      return pick(env.saved[head], rest, key);
  }
}

function fill(v, env, st) {
  if (typeof v === 'string') {
    const whole = /^\{([^{}]+)\}$/.exec(v);
    if (whole) return lookup(whole[1], env, st);
    return v.replace(/\{([^{}]+)\}/g, (_, k) => String(lookup(k, env, st)));
  }
  if (Array.isArray(v)) return v.map((x) => fill(x, env, st));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, env, st)]));
  return v;
}

/** A step as a request of this run: {method, url, body?, raw?, contentType?, bound, pathBound}. */
export function resolve(step, env) {
  const st = { bound: false, unique: `mx${env.tag}${env.run.toString(36)}${(++uniqSeq).toString(36)}`,
    plate: `粤M${(++plateSeq).toString(36).toUpperCase().padStart(5, '0')}` };
  let url = fill(step.path, env, st);
  const pathBound = st.bound;
  if (step.query) {
    const q = new URLSearchParams(Object.entries(fill(step.query, env, st)).map(([k, v]) => [k, String(v)]));
    url += `?${q}`;
  }
  const queryBound = st.bound;
  const req = { method: step.method, url, pathBound, queryBound };
  if (step.body !== undefined) req.body = fill(step.body, env, st);
  if (step.raw !== undefined) { req.raw = fill(step.raw, env, st); req.contentType = step.content_type; }
  req.bound = st.bound;
  return req;
}

// ---- sending ----

/** Sends a resolved request as `client` (the step's `session`: "none" anonymous, "new" a login
 *  of the client's user of its own). Returns {status, json, text, headers}. */
export async function send(client, step, req, opts = {}) {
  let c = client;
  if (step.session === 'none') c = new Client(client.url);
  else if (step.session === 'new') {
    if (client.token) c = client.clone();
    else {
      c = new Client(client.url);
      const r = await c.login(client.me.username, client.me.password);
      assert.equal(r.status, 200, `a new session for ${client.me.username}: ${r.text}`);
    }
  }
  const o = { ...opts };
  if (req.raw !== undefined) {
    o.raw = req.raw;
    o.headers = { ...(o.headers || {}), 'Content-Type': req.contentType || 'application/octet-stream' };
  }
  return c.request(req.method, req.url, req.raw !== undefined ? undefined : req.body, o);
}

export const ok2xx = (s) => s >= 200 && s < 300;
export const expectOf = (step) => step.expect ?? 200;

/**
 * Builds the fixtures: every step in order as `client` (a user allowed everything there), each
 * answer checked against the step's `expect`, saved answers kept in env.saved (opts: extra
 * request options for every call). Returns the problems (a step that did not answer as expected).
 */
export async function build(samples, client, env, opts = {}) {
  const problems = [];
  for (const step of samples.steps) {
    const req = resolve(step, env);
    const res = await send(client, step, req, opts);
    if (res.status !== expectOf(step)) problems.push(`${step.id}: ${res.status} (expected ${expectOf(step)}) ${res.text.slice(0, 200)}`);
    else if (step.save) env.saved[step.save] = res.json;
  }
  return problems;
}

/** The test's users: one per role, holding only that role in `project` (null: company-wide),
 *  logged in with their initial password changed. Returns {role: client} (client.me is the user). */
export async function roleUsers(url, admin, roles, project, tag) {
  const out = {};
  await Promise.all(roles.map(async (role) => {
    const username = `mx${tag}${role}${process.pid % 1000}`.slice(0, 32);
    const u = await createUser(admin, { username, display_name: `矩阵${role}`, password: PASSWORD, roles: [{ project_id: project, role }] });
    const c = new Client(url);
    const r = await c.login(username, PASSWORD);
    assert.equal(r.status, 200, `login ${username}: ${r.text}`);
    const pw = `${PASSWORD}x`;
    const ch = await c.post('/api/v1/me/password', { old_password: PASSWORD, new_password: pw });
    assert.equal(ch.status, 204, `password of ${username}: ${ch.text}`);
    c.me = { id: u.id, username, password: pw };
    out[role] = c;
  }));
  return out;
}

/** The company admin of a test server, with the registry and every module's samples loaded:
 *  {admin (client.me set), reg, samples}. */
export async function samplesOn(url) {
  const admin = await loginAs(url, 'admin');
  admin.me = { id: (await admin.get('/api/v1/me')).json.user.id, username: 'admin', password: 'demo1234' };
  const reg = await registry(admin);
  return { admin, reg, samples: loadSamples(reg) };
}

/** {role: user} from roleUsers' {role: client}, for newEnv's roleUsers. */
export const meOf = (users) => Object.fromEntries(Object.entries(users).map(([r, c]) => [r, c.me]));
