// harness.mjs — start the real kefu binary on an ephemeral port and talk HTTP to it.
//
// startServer(opts) makes a temp dir, loads the demo estate into a fresh database
// (`kefu demo`), spawns `kefu serve --listen 127.0.0.1:0` and waits for its
// `listening on http://…` line. client(url) is a small HTTP client with a cookie jar
// and the CSRF token of its session. Everything is Node 20 built-ins only.
//
// Environment:
//   KEFU_BIN      path of the binary (default: <repo>/build/kefu)
//   KEFU_TEST_PG  libpq conninfo of an empty PostgreSQL database; when set the suite
//                 passes `--pg CONNINFO` instead of `--db PATH` (see dbArgs()).

import { spawn, execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..', '..');
export const BIN = process.env.KEFU_BIN || path.join(REPO, 'build', 'kefu');
export const DEMO_PASSWORD = 'demo1234';

/** The storage backend this run uses: 'postgres' when KEFU_TEST_PG is set, else 'sqlite'. */
export const DB_KIND = process.env.KEFU_TEST_PG ? 'postgres' : 'sqlite';

/**
 * The one place that decides which database the server uses.
 * Returns the argv fragment for `kefu demo` and `kefu serve`.
 */
// With KEFU_TEST_PG (a libpq conninfo of a test server, without dbname) every server gets a
// new PostgreSQL database (empty, or a copy of `template`); otherwise a new SQLite file in its
// temp dir.
let pgSeq = 0;
export function dbArgs(dir, template) {
  if (process.env.KEFU_TEST_PG) {
    const name = `kefu_${process.pid}_${++pgSeq}_${path.basename(dir).replace(/[^a-zA-Z0-9]/g, '')}`.toLowerCase();
    execFileSync('psql', [`${process.env.KEFU_TEST_PG} dbname=postgres`, '-qAt', '-c', `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`]);
    return ['--pg', `${process.env.KEFU_TEST_PG} dbname=${name}`];
  }
  return ['--db', path.join(dir, 'kefu.db')];
}

function serverEnv(extra = {}) {
  return { ...process.env, KEFU_PWHASH: 'min', ...extra };
}

function run(bin, args, env) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, timeout: 60000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        err.message += `\n$ ${bin} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`;
        reject(err);
      } else resolve({ stdout, stderr });
    });
  });
}

/**
 * Start a server with demo data.
 * opts: { testClock = true, web = undefined (dir for --web), args = [] extra serve args,
 *         demo = true, env = {} extra environment, timeoutMs = 15000 }
 * Returns { url, stop(), dbPath, dir, proc, stdout() , stderr() }.
 */
export async function startServer(opts = {}) {
  const { testClock = true, web, args = [], demo = true, env = {}, timeoutMs = 15000 } = opts;
  if (!fs.existsSync(BIN)) throw new Error(`kefu binary not found at ${BIN} (run make build)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-api-'));
  // opts.dbPath: serve an existing SQLite file (CLI tests); opts.db: these database arguments
  // (a second server on the same database); demo data is loaded unless skipDemo
  // PostgreSQL: a new database is a copy of the demo database scripts/test.sh loaded once with
  // `kefu demo` (KEFU_TEST_PG_TEMPLATE): loading it costs ~25 s of round trips here, a copy a moment
  const template = demo && !opts.skipDemo ? process.env.KEFU_TEST_PG_TEMPLATE : undefined;
  const db = opts.db ? opts.db : opts.dbPath ? ['--db', opts.dbPath] : dbArgs(dir, template);
  const copied = !opts.db && !opts.dbPath && DB_KIND === 'postgres' && !!template;
  const dbPath = opts.dbPath || (db[0] === '--db' ? db[1] : null);
  const penv = serverEnv(env);
  if (demo && !opts.skipDemo && !copied) await run(BIN, ['demo', ...db], penv);

  const argv = ['serve', ...db, '--listen', '127.0.0.1:0'];
  if (testClock) argv.push('--test-clock');
  if (web) argv.push('--web', web);
  argv.push(...args);
  const proc = spawn(BIN, argv, { env: penv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`kefu serve did not print its listening line within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`kefu serve exited early (code ${code}, signal ${signal})\nstdout: ${out}\nstderr: ${err}`));
    });
  });

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const r = await exited;
      assert.fail(`kefu serve had already exited (code ${r.code}, signal ${r.signal})\nstderr: ${err}`);
    }
    proc.kill('SIGTERM');
    let timer;
    const r = await Promise.race([
      exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve(null), 10000); }),
    ]);
    clearTimeout(timer);
    if (r === null) {
      proc.kill('SIGKILL');
      await exited;
      assert.fail(`kefu serve did not stop within 10 s of SIGTERM\nstderr: ${err}`);
    }
    assert.equal(r.code, 0, `kefu serve exit code after SIGTERM (signal ${r.signal})\nstderr: ${err}`);
    if (!process.env.KEFU_TEST_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }

  return { url, stop, dbPath, db, dir, proc, exited, stdout: () => out, stderr: () => err };
}

// ---------------------------------------------------------------------------
// HTTP client with cookie jar and CSRF token

export class Client {
  constructor(url) {
    this.url = url;
    this.jar = new Map(); // cookie name -> value
    this.csrf = null;
    this.token = null; // bearer token
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** A new client carrying a copy of this one's cookies, CSRF token and bearer token. */
  clone() {
    const c = new Client(this.url);
    c.jar = new Map(this.jar);
    c.csrf = this.csrf;
    c.token = this.token;
    return c;
  }

  _storeCookies(res) {
    const list = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
    for (const sc of list) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expired = value === '';
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) < Date.now()) expired = true;
      }
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /**
   * request(method, path, body, opts)
   * body: any JSON value (serialised) or undefined.
   * opts: { headers: {name: value|null}, raw: string|Buffer (sent as is), csrf: false|string,
   *         cookies: false, bearer: false|string }
   * Returns { status, headers, json, text }.
   */
  async request(method, p, body, opts = {}) {
    const headers = {};
    if (this.jar.size && opts.cookies !== false) headers['Cookie'] = this.cookieHeader();
    const bearer = opts.bearer !== undefined ? opts.bearer : this.token;
    if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
    if (!['GET', 'HEAD'].includes(method)) {
      const csrf = opts.csrf !== undefined ? opts.csrf : this.csrf;
      if (csrf) headers['X-CSRF-Token'] = csrf;
    }
    let payload;
    if (opts.raw !== undefined) {
      payload = opts.raw;
      headers['Content-Type'] = 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    for (const [k, v] of Object.entries(opts.headers || {})) {
      for (const h of Object.keys(headers)) if (h.toLowerCase() === k.toLowerCase()) delete headers[h];
      if (v !== null && v !== undefined) headers[k] = v;
    }
    const res = await fetch(this.url + p, { method, headers, body: payload, redirect: 'manual' });
    this._storeCookies(res);
    const text = await res.text();
    let json;
    try { json = text.length ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, json, text };
  }

  get(p, opts) { return this.request('GET', p, undefined, opts); }
  post(p, body, opts) { return this.request('POST', p, body, opts); }
  patch(p, body, opts) { return this.request('PATCH', p, body, opts); }
  put(p, body, opts) { return this.request('PUT', p, body, opts); }
  del(p, body, opts) { return this.request('DELETE', p, body, opts); }

  /** Log in; on 200 keeps the CSRF token. Returns the raw response. */
  async login(username, password = DEMO_PASSWORD) {
    const res = await this.post('/api/v1/session', { username, password });
    if (res.status === 200 && res.json) this.csrf = res.json.csrf_token;
    return res;
  }
}

export function client(url) {
  return new Client(url);
}

/** A client logged in as `username`; fails the test if login does not answer 200. */
export async function loginAs(url, username, password = DEMO_PASSWORD) {
  const c = new Client(url);
  const res = await c.login(username, password);
  assert.equal(res.status, 200, `login ${username}: ${res.text}`);
  assert.ok(c.csrf, 'login answer carries csrf_token');
  return c;
}

// ---------------------------------------------------------------------------
// raw HTTP (no URL normalisation, tolerant of early responses)

/**
 * Send a request with node:http, path sent exactly as given.
 * Resolves { status, headers (plain object, lower-case), text } even when the server answers
 * before reading the whole body; rejects only if no response arrived.
 */
export function rawRequest(url, { method = 'GET', path: p = '/', headers = {}, body } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request({
      host: u.hostname, port: u.port, method, path: p,
      headers: { ...(body !== undefined ? { 'Content-Length': Buffer.byteLength(body) } : {}), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      const done = () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      };
      res.on('end', done);
      res.on('error', done);
      res.on('aborted', done);
    });
    req.on('error', (e) => {
      // the server may answer (e.g. 413) and close before taking the whole body
      setTimeout(() => { if (!settled) { settled = true; reject(e); } }, 500);
    });
    if (body !== undefined) {
      req.write(body, () => {});
    }
    req.end();
  });
}

// ---------------------------------------------------------------------------
// assertions

const CJK = /[\u3400-\u9fff]/;

/** Assert the contract's security headers (works with fetch Headers or a plain object). */
export function assertSecurityHeaders(headers, what = '') {
  const get = (n) => (typeof headers.get === 'function' ? headers.get(n) : headers[n.toLowerCase()]);
  const csp = get('content-security-policy');
  assert.ok(csp, `${what} Content-Security-Policy present`);
  assert.match(csp, /frame-ancestors\s+'none'/, `${what} CSP has frame-ancestors 'none'`);
  assert.equal((get('x-content-type-options') || '').toLowerCase(), 'nosniff', `${what} X-Content-Type-Options`);
  assert.ok(get('referrer-policy'), `${what} Referrer-Policy present`);
}

/**
 * Assert an error answer: status, error.code, a non-empty Chinese message, optional field,
 * JSON content type and the security headers.
 */
export function assertError(res, status, code, field) {
  const ctx = `${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `status (${ctx})`);
  assert.ok(res.json && typeof res.json === 'object' && res.json.error, `error envelope (${ctx})`);
  if (code !== undefined) assert.equal(res.json.error.code, code, `error.code (${ctx})`);
  const msg = res.json.error.message;
  assert.equal(typeof msg, 'string', `error.message is a string (${ctx})`);
  assert.match(msg, CJK, `error.message is Chinese (${ctx})`);
  if (field !== undefined) {
    if (field instanceof RegExp) assert.match(String(res.json.error.field), field, `error.field (${ctx})`);
    else assert.equal(res.json.error.field, field, `error.field (${ctx})`);
  }
  const ct = typeof res.headers.get === 'function' ? res.headers.get('content-type') : res.headers['content-type'];
  assert.match(ct || '', /^application\/json/, `error content-type (${ctx})`);
  assertSecurityHeaders(res.headers, `(${ctx})`);
}

/** Assert a 2xx-with-JSON answer with the exact status; returns the json. */
export function assertOk(res, status = 200) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
  return res.json;
}

export function hasCJK(s) {
  return CJK.test(s);
}

// ---------------------------------------------------------------------------
// data helpers

/** Find a user by exact user name through the list API of `c` (needs users.read). */
export async function findUser(c, username) {
  const res = await c.get(`/api/v1/users?q=${encodeURIComponent(username)}&per_page=200`);
  assert.equal(res.status, 200, res.text);
  const u = res.json.items.find((x) => x.username === username);
  assert.ok(u, `user ${username} found`);
  return u;
}

/** The documented keys of a user's roles, for comparisons that ignore extra (additive) fields. */
export function roleTriples(roles) {
  return roles.map((r) => ({ project_id: r.project_id, project_name: r.project_name, role: r.role }));
}

let seq = 0;
/** A fresh valid user name (3–32 of a-z 0-9 . _ -). */
export function uniqueName(prefix = 'u') {
  seq += 1;
  return `${prefix}${process.pid % 10000}_${seq}`.toLowerCase().slice(0, 32);
}

/** Create a user as `c` (admin/manager); returns the created user JSON (with initial_password). */
export async function createUser(c, { username = uniqueName(), display_name = '测试用户', roles = [{ project_id: 1, role: 'agent' }], ...rest } = {}) {
  const res = await c.post('/api/v1/users', { username, display_name, roles, ...rest });
  assert.equal(res.status, 201, `create user ${username}: ${res.text}`);
  return res.json;
}

/** Total number of users visible to `c`. */
export async function userTotal(c) {
  const res = await c.get('/api/v1/users?per_page=1');
  assert.equal(res.status, 200, res.text);
  return res.json.total;
}
