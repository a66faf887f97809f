// group_commit.test.mjs — writes that share one commit (src/db/pool.c) stay each request's own.
// On SQLite the writer thread runs queued requests back to back in one transaction without a
// savepoint each; a request that fails after it has written makes the whole batch run again,
// that request then in a savepoint of its own. Many registrations and some requests that write
// and then fail are sent together: every 201 must be there whole, numbered without a gap, and
// nothing of the failed requests may remain, the audit chain intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, loginAs, assertOk, assertError, DB_KIND } from './lib/harness.mjs';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../build/kefu');

test('a write that fails after writing leaves nothing, the others in its commit are kept', async () => {
  const srv = await startServer();
  try {
    const agent = await loginAs(srv.url, 'agent');
    const admin = await loginAs(srv.url, 'admin');
    const before = assertOk(await admin.get('/api/v1/audit?entity=test&per_page=200')).total;
    const jobs = [];
    for (let i = 0; i < 60; i++) {
      jobs.push(agent.post('/api/v1/tickets', { kind: 'inquiry', channel: 'phone', content: `批量提交测试 ${i}` }));
      if (i % 6 === 0) jobs.push(agent.post('/api/v1/_test/write-then-fail', { note: `失败 ${i}` }));
    }
    const res = await Promise.all(jobs);
    const made = res.filter((r) => r.status === 201);
    const failed = res.filter((r) => r.status !== 201);
    assert.equal(made.length, 60, 'every registration answered 201');
    assert.equal(failed.length, 10);
    for (const r of failed) assertError(r, 422, 'validation_failed', 'note');

    const nums = [];
    for (const r of made) {
      const t = assertOk(await admin.get(`/api/v1/tickets/${r.json.id}`));
      assert.equal(t.number, r.json.number, 'the answer showed the ticket as stored');
      assert.equal(t.content, r.json.content);
      assert.ok(t.events.some((e) => e.action === 'create'), `${t.number} has its first event`);
      nums.push(Number(t.number.slice(-4)));
    }
    nums.sort((a, b) => a - b);
    assert.equal(new Set(nums).size, nums.length, 'no number given twice');
    assert.equal(nums[nums.length - 1] - nums[0] + 1, nums.length, 'numbers run without a gap');
    assert.equal(new Set(made.map((r) => r.json.id)).size, 60, 'sixty different tickets');

    const after = assertOk(await admin.get('/api/v1/audit?entity=test&per_page=200')).total;
    assert.equal(after, before, 'no audit row of the failed requests remains');
    const audited = assertOk(await admin.get('/api/v1/audit?entity=ticket&per_page=200'));
    for (const r of made) assert.ok(audited.items.some((a) => a.entity_id === r.json.id && a.action === 'create'),
      `ticket ${r.json.id} registered in the audit log once`);

    if (DB_KIND === 'sqlite') {
      assert.match(srv.stderr(), /runs again/, 'the writer thread ran a batch again (the path under test)');
      const check = spawnSync(BIN, ['check', '--db', srv.dbPath], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /审计链完整/);
    }
  } finally {
    await srv.stop();
  }
});
