// durability.test.mjs — nothing acknowledged is lost (SPEC X3). 32 clients register tickets as
// fast as they can (on SQLite the writes share commits: group commit, src/db/pool.c); the
// server is killed with SIGKILL in the middle of the stream, while requests are in flight and a
// batch is open. A new server on the same database must then show every ticket that was
// answered 201, whole (its number and its first event), and the numbers must run without a
// gap. A kill does not lose what the operating system holds, so this catches an answer sent
// before the commit that holds it, not a missing fsync (synchronous=FULL covers that).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, loginAs, assertOk } from './lib/harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('every ticket answered 201 is there after the server is killed mid-stream', async () => {
  const srv = await startServer();
  let again;
  try {
    const agent = await loginAs(srv.url, 'agent');
    const acked = [];
    let stop = false;
    let refused = 0;
    let n = 0;
    async function worker() {
      while (!stop) {
        const i = n++;
        let res;
        try {
          res = await agent.post('/api/v1/tickets', { kind: 'inquiry', channel: 'phone', content: `断电测试 ${i}` });
        } catch {
          return;                       // the connection died with the server
        }
        if (res.status === 201) acked.push({ id: res.json.id, number: res.json.number, i });
        else refused++;
      }
    }
    const workers = Array.from({ length: 32 }, worker);
    const t0 = Date.now();
    while (acked.length < 400 && Date.now() - t0 < 60000) await sleep(2);
    srv.proc.kill('SIGKILL');
    stop = true;
    await Promise.allSettled(workers);
    await srv.exited;
    assert.equal(refused, 0, 'no registration was refused before the kill');
    assert.ok(acked.length >= 400, `400 registrations answered before the kill (got ${acked.length})`);

    again = await startServer({ db: srv.db, skipDemo: true });
    const sup = await loginAs(again.url, 'supervisor');
    for (const a of acked) {
      const t = assertOk(await sup.get(`/api/v1/tickets/${a.id}`));
      assert.equal(t.number, a.number, `ticket ${a.id} kept its number`);
      assert.equal(t.content, `断电测试 ${a.i}`);
      assert.ok(t.events.some((e) => e.action === 'create'), `ticket ${a.number} kept its first event`);
    }
    // numbers are handed out inside the transaction: those that survived run without a gap
    const list = assertOk(await sup.get(`/api/v1/tickets?q=${encodeURIComponent('断电测试')}&per_page=200&kind=inquiry`));
    assert.ok(list.total >= acked.length, `at least the ${acked.length} acknowledged are listed (${list.total})`);
    const seqs = [];
    for (let page = 1; page <= Math.ceil(list.total / 200); page++) {
      const p = assertOk(await sup.get(`/api/v1/tickets?q=${encodeURIComponent('断电测试')}&per_page=200&kind=inquiry&page=${page}`));
      for (const t of p.items) seqs.push(Number(t.number.slice(-4)));
    }
    seqs.sort((a, b) => a - b);
    assert.equal(new Set(seqs).size, seqs.length, 'no number given twice');
    assert.equal(seqs[seqs.length - 1] - seqs[0] + 1, seqs.length, 'the surviving numbers have no gap');
  } finally {
    await again?.stop();
    if (!process.env.KEFU_TEST_KEEP) fs.rmSync(srv.dir, { recursive: true, force: true });
  }
});
