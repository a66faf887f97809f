// shared_reads.test.mjs — PostgreSQL's shared reads under load, from C: build/pg_shared_reads
// (tests/pg/shared_reads.c, ASan+UBSan) runs 32,000 SELECTs from 16 pool threads, one in seven
// failing at execution, and counts answers that are not their own statement's; then, while one
// statement holds the first lane for 1.5 s, 200 quick ones must go down the second lane and
// finish long before it (the second lane helps once the first has been busy 2 ms). PostgreSQL only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, DB_KIND, dbArgs } from './lib/harness.mjs';

const skip = DB_KIND !== 'postgres' && 'needs KEFU_TEST_PG (runs in the PostgreSQL pass of make test)';
const BIN = path.join(REPO, 'build', 'pg_shared_reads');

test('every answer is its own statement\'s; a failing statement fails alone, the rest of its batch reruns', { skip }, () => {
  assert.ok(fs.existsSync(BIN), `${BIN} is built by make test`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-share-'));
  const [, conninfo] = dbArgs(dir);
  const out = execFileSync(BIN, [`pg:${conninfo}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120000 });
  const m = /good (\d+) failed (\d+) wrong (\d+)/.exec(out);
  assert.ok(m, out);
  const [good, failed, wrong] = m.slice(1).map(Number);
  assert.equal(wrong, 0, out);
  assert.equal(good + failed, 16 * 2000, out);
  assert.ok(failed > 4000 && good > 27000, out);
  const q = /quick (\d+) ms while slow (\d+) ms/.exec(out);
  assert.ok(q, out);
  const [quick, slow] = q.slice(1).map(Number);
  assert.ok(slow >= 1300, out);
  // about 30 ms here; 200 × 2 ms = 400 ms if each waited for the second lane to look again on its own
  assert.ok(quick < 250, `quick reads waited for the slow one: ${out}`);
  fs.rmSync(dir, { recursive: true, force: true });
});
