// faults.mjs — a write request failed at each of its database steps in turn, as SQLite's own
// tests fail every allocation and I/O one after the other (issue 19, "must show 4").
//
// A test server (--test-clock) honours `X-Kefu-Fault: N busy|io [SQL text]`: the N-th database
// step of the request's handler fails (in its transaction: on the writer, in the group commit or
// in a transaction of the handler's own), and the answer's X-Kefu-Fault says `fired` or
// `unfired`. GET /api/v1/_test/digest gives every table's row count and content hash. For N = 1,
// 2, … until the fault no longer fires, sweepWriteFaults checks that the request answers a clean
// 5xx (503 busy, 500 I/O) in the error envelope with a Chinese message and that the database is
// exactly as before; then that the request without a fault succeeds.
import assert from 'node:assert/strict';
import { assertError } from './harness.mjs';

/** Every table's {rows, sha256} (GET /api/v1/_test/digest, test servers only). */
export async function digest(c) {
  const res = await c.get('/api/v1/_test/digest', { cookies: false, bearer: false });
  assert.equal(res.status, 200, `digest: ${res.text.slice(0, 200)}`);
  return res.json.tables;
}

/** The names of the tables whose row count or content differ between two digests. */
export function changedTables(before, after) {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((t) => JSON.stringify(before[t]) !== JSON.stringify(after[t])).sort();
}

const label = ({ method, path }) => `${method} ${path}`;

async function send(c, { method, path, body, client }, headers) {
  return (client || c).request(method, path, body, headers ? { headers } : {});
}

/** The request with the n-th step failing (`kind` busy or io); returns whether the fault fired. */
async function failAt(c, req, n, kind, match) {
  const spec = `${n} ${kind}${match ? ` ${match}` : ''}`;
  const before = await digest(c);
  const res = await send(c, req, { 'X-Kefu-Fault': spec });
  const fired = res.headers.get('x-kefu-fault');
  assert.ok(fired === 'fired' || fired === 'unfired', `${label(req)} [${spec}]: X-Kefu-Fault answered (${fired}; ${res.status} ${res.text.slice(0, 200)})`);
  if (fired === 'unfired') return { fired: false, res };
  assertError(res, kind === 'busy' ? 503 : 500, kind === 'busy' ? 'busy' : 'internal_error');
  assert.deepEqual(Object.keys(res.json), ['error'], `${label(req)} [${spec}]: nothing but the error`);
  const changed = changedTables(before, await digest(c));
  assert.deepEqual(changed, [], `${label(req)} [${spec}]: a failed request changed nothing (changed: ${changed.join(', ')})`);
  return { fired: true, res };
}

/**
 * Fails every database step of a write request in turn and checks each failure and the success.
 *
 * c    a Client logged in as someone who may make the request.
 * req  {method, path, body}, or an async function (step) => {method, path, body} that prepares a
 *      fresh target for each step (a ticket to dispatch, a unique user name; `client` in it sends
 *      that step's requests instead of c, e.g. a new user changing their password). A plain request is
 *      sent again and again: every faulted run must have left the database as it was, so it is
 *      still valid; its run at the first step that does not fire is the unfaulted one, and must
 *      succeed. A prepared request is also sent without a fault after each faulted run, so every
 *      failure is followed by a success on the same server.
 * opts {match: SQL text that counted steps must hold, kinds: ['busy', 'io'] (alternating by step;
 *      ['both'] fails each step once with each), ok: (res) => void, checking a success (default:
 *      a 2xx), max: steps at most (default 500)}
 * Returns {steps: the number of steps that failed, last: the successful answer}.
 */
export async function sweepWriteFaults(c, req, opts = {}) {
  const { match = '', kinds = ['busy', 'io'], max = 500 } = opts;
  const ok = opts.ok || ((res, what) => assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${res.text.slice(0, 300)}`));
  const prepared = typeof req === 'function';
  let last = null;
  for (let n = 1; n <= max; n++) {
    const kindsNow = kinds[0] === 'both' ? ['busy', 'io'] : [kinds[(n - 1) % kinds.length]];
    for (const kind of kindsNow) {
      const r = prepared ? await req(n) : req;
      const { fired, res } = await failAt(c, r, n, kind, match);
      if (!fired) {
        ok(res, `${label(r)} with step ${n} not reached (the request ran whole)`);
        return { steps: n - 1, last: res };
      }
      if (prepared) {
        last = await send(c, r);
        ok(last, `${label(r)} without a fault, after step ${n} failed`);
      }
    }
  }
  assert.fail(`${prepared ? 'the prepared request' : label(req)}: still failing at step ${max}`);
  return { steps: max, last };
}
