// The JobQueue contract, run against every database in test/helpers/databases.ts.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { Database } from '../../../src/adapters/store/index.ts';
import type { NewJob } from '../../../src/ports.ts';
import { type DatabaseFactory, databaseFactories } from '../../helpers/databases.ts';
import { aJob, anAudit, aRequest, at, moveTo } from './fixtures.ts';

const LEASE = 60_000;

async function fresh(t: TestContext, factory: DatabaseFactory) {
  const opened = await factory.open();
  t.after(() => opened.close());
  return opened;
}

/** A new request carrying `jobs` (made for it), inserted in one transaction. */
async function withJobs(db: Database, jobs: (requestId: string) => NewJob[]) {
  const request = aRequest({ status: 'approved' });
  await db.store.insertRequest(request, anAudit(request), jobs(request.id));
  return request;
}

function waitFor(subscribe: (listener: () => void) => () => void, what: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${what} within ${ms} ms`));
    }, ms);
    const stop = subscribe(() => {
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

for (const factory of databaseFactories) {
  describe(`JobQueue contract: ${factory.name}`, () => {
    test('claims only due jobs, one worker at a time', async (t) => {
      const { db } = await fresh(t, factory);
      const request = await withJobs(db, (id) => [
        aJob(aRequest({ id }), at(1000)),
        aJob(aRequest({ id }), at(0), 'check_redemption'),
      ]);
      assert.equal(await db.jobs.claim('w1', at(-1), LEASE), null, 'nothing is due yet');
      const first = await db.jobs.claim('w1', at(500), LEASE);
      assert.equal(first?.kind, 'check_redemption');
      assert.equal(first?.requestId, request.id);
      assert.equal(first?.lockedBy, 'w1');
      assert.deepEqual(first?.lockedUntil, at(500 + LEASE));
      assert.equal(await db.jobs.claim('w2', at(500), LEASE), null, 'the due job is leased');
      assert.equal((await db.jobs.claim('w2', at(1000), LEASE))?.kind, 'provision');
    });

    test('an expired lease makes the job claimable again, counting the lost run', async (t) => {
      const { db } = await fresh(t, factory);
      await withJobs(db, (id) => [aJob(aRequest({ id }), at(0))]);
      const lost = await db.jobs.claim('dead', at(0), LEASE);
      assert.equal(await db.jobs.claim('w2', at(LEASE - 1), LEASE), null);
      const taken = await db.jobs.claim('w2', at(LEASE), LEASE);
      assert.equal(taken?.id, lost?.id);
      assert.equal(taken?.attempts, 1);
      assert.match(taken?.lastError ?? '', /lease expired/i);
      // The dead worker's late outcome must not touch a job another worker now holds.
      await db.jobs.complete(lost!.id, 'dead');
      await db.jobs.reschedule(lost!.id, 'dead', at(0), 'late', true);
      assert.equal(await db.jobs.extendLease(lost!.id, 'dead', at(10 * LEASE)), false);
      assert.deepEqual(await db.jobs.listJobs(), [taken]);
    });

    test('complete deletes; reschedule drops the lock', async (t) => {
      const { db } = await fresh(t, factory);
      const request = await withJobs(db, (id) => [aJob(aRequest({ id }), at(0))]);
      const job = (await db.jobs.claim('w1', at(0), LEASE))!;

      await db.jobs.reschedule(job.id, 'w1', at(5000), 'HTTP 503', true);
      let [stored] = await db.jobs.listJobs(request.id);
      assert.deepEqual(stored, {
        ...job,
        runAt: at(5000),
        attempts: 1,
        lastError: 'HTTP 503',
        lockedBy: null,
        lockedUntil: null,
      });

      await db.jobs.claim('w1', at(5000), LEASE);
      await db.jobs.reschedule(job.id, 'w1', at(9000), null, false);
      [stored] = await db.jobs.listJobs(request.id);
      assert.equal(stored?.attempts, 1, 'an uncounted retry keeps the count');
      assert.equal(stored?.lastError, null);

      const again = await db.jobs.claim('w2', at(9000), LEASE);
      assert.equal(again?.attempts, 1, 'a rescheduled job is not a lost run');
      await db.jobs.complete(job.id, 'w2');
      assert.deepEqual(await db.jobs.listJobs(request.id), []);
    });

    test('extendLease moves the lease only while the worker still holds the job', async (t) => {
      const { db } = await fresh(t, factory);
      const request = await withJobs(db, (id) => [aJob(aRequest({ id }), at(0))]);
      const job = (await db.jobs.claim('w1', at(0), LEASE))!;

      assert.equal(await db.jobs.extendLease(job.id, 'w1', at(2 * LEASE)), true);
      let [stored] = await db.jobs.listJobs(request.id);
      assert.deepEqual([stored?.lockedBy, stored?.lockedUntil, stored?.attempts], ['w1', at(2 * LEASE), 0]);
      assert.equal(await db.jobs.claim('w2', at(LEASE), LEASE), null, 'renewed: not claimable at the old end');
      assert.deepEqual(await db.jobs.nextRunAt(), at(2 * LEASE));

      assert.equal(await db.jobs.extendLease(job.id, 'w2', at(9 * LEASE)), false, 'locked by another worker');
      assert.deepEqual((await db.jobs.listJobs(request.id))[0]?.lockedUntil, at(2 * LEASE));

      // Run out but not taken over: nobody else has run it, so it is still w1's.
      assert.equal(await db.jobs.extendLease(job.id, 'w1', at(3 * LEASE)), true);
      const taken = await db.jobs.claim('w2', at(3 * LEASE), LEASE);
      assert.equal(taken?.id, job.id);
      assert.equal(await db.jobs.extendLease(job.id, 'w1', at(9 * LEASE)), false, 'taken over by w2');
      [stored] = await db.jobs.listJobs(request.id);
      assert.deepEqual([stored?.lockedBy, stored?.lockedUntil], ['w2', at(4 * LEASE)]);

      await db.jobs.complete(job.id, 'w2');
      assert.equal(await db.jobs.extendLease(job.id, 'w2', at(9 * LEASE)), false, 'deleted');
      assert.deepEqual(await db.jobs.listJobs(), []);
    });

    test('claim never returns a job the worker says it is running, even past its lease', async (t) => {
      const { db } = await fresh(t, factory);
      await withJobs(db, (id) => [aJob(aRequest({ id }), at(0)), aJob(aRequest({ id }), at(1))]);
      const first = (await db.jobs.claim('w1', at(1), LEASE))!;
      // The lease has run out (renewals failed, say) while w1's handler still runs it.
      const second = await db.jobs.claim('w1', at(LEASE), LEASE, [first.id]);
      assert.notEqual(second?.id, first.id);
      assert.equal(await db.jobs.claim('w1', at(2 * LEASE), LEASE, [first.id, second!.id]), null);
      const [stored] = await db.jobs.listJobs();
      assert.deepEqual(
        [stored?.id, stored?.lockedUntil, stored?.attempts, stored?.lastError],
        [first.id, at(1 + LEASE), 0, null],
        'untouched: no lost run counted',
      );
      // Once w1 no longer runs it, an expired job of its own is claimable again, by w1 too.
      assert.equal((await db.jobs.claim('w1', at(2 * LEASE), LEASE, [second!.id]))?.id, first.id);
    });

    test('nextRunAt is the earliest time a job can be claimed', async (t) => {
      const { db } = await fresh(t, factory);
      assert.equal(await db.jobs.nextRunAt(), null);
      await withJobs(db, (id) => [aJob(aRequest({ id }), at(0)), aJob(aRequest({ id }), at(90_000))]);
      assert.deepEqual(await db.jobs.nextRunAt(), at(0));
      await db.jobs.claim('w1', at(0), LEASE); // leased until at(60_000): not before then
      assert.deepEqual(await db.jobs.nextRunAt(), at(LEASE));
    });

    test('two claimers never get the same job', async (t) => {
      const { db, openAnother } = await fresh(t, factory);
      // A second connection (pool) to the same database where there can be one.
      const other = openAnother ? await openAnother() : db;
      for (let i = 0; i < 10; i++) {
        await withJobs(db, (id) => [aJob(aRequest({ id }), at(i)), aJob(aRequest({ id }), at(i))]);
      }
      // Bounded: a claim that hands out a leased job again would otherwise loop forever,
      // and synchronous node:sqlite never lets the test timeout fire.
      const drain = async (queue: Database['jobs'], worker: string) => {
        const ids: string[] = [];
        for (
          let job = await queue.claim(worker, at(100), LEASE);
          job;
          job = await queue.claim(worker, at(100), LEASE)
        ) {
          ids.push(job.id);
          assert.ok(ids.length <= 20, `worker ${worker} claimed more jobs than the 20 there are`);
        }
        return ids;
      };
      const [a, b, c] = await Promise.all([drain(db.jobs, 'a'), drain(other.jobs, 'b'), drain(db.jobs, 'c')]);
      const all = [...a, ...b, ...c];
      assert.equal(new Set(all).size, all.length, 'no job was claimed twice');
      assert.equal(all.length, 20);
    });

    test('wakes listeners after a commit that added jobs, not otherwise', async (t) => {
      const { db } = await fresh(t, factory);
      // PostgreSQL's LISTEN connection wakes everyone once when it connects: let it, and
      // keep it open (it closes when the last listener leaves).
      const connected = factory.name === 'postgres' ? waitFor(db.jobs.onWake, 'LISTEN connection') : null;
      t.after(db.jobs.onWake(() => {}));
      await connected;
      const seen: Promise<number>[] = [];
      // Each wake-up looks at the queue at once: it must already see the committed job.
      const stopRecording = db.jobs.onWake(() => seen.push(db.jobs.listJobs().then((jobs) => jobs.length)));
      const request = await withJobs(db, () => []);
      assert.equal(await db.store.saveTransition(moveTo(request, 'revoked', at(1))), true);
      const woke = waitFor(db.jobs.onWake, 'wake-up');
      await withJobs(db, (id) => [aJob(aRequest({ id }))]);
      await woke;
      stopRecording(); // PostgreSQL's own NOTIFY arrives a little later: not needed here
      const counts = await Promise.all(seen);
      assert.ok(counts.length >= 1 && counts.every((count) => count === 1), `wake-ups saw ${counts} jobs`);
    });

    // Needs a second connection to the same database, which in-memory SQLite cannot have.

    if (!factory.name.includes('memory'))
      test('wakes another process when jobs are committed', async (t) => {
        const { db, openAnother } = await fresh(t, factory);
        const worker = await openAnother!();
        const connected = factory.name === 'postgres' ? waitFor(worker.jobs.onWake, 'LISTEN connection') : null;
        t.after(worker.jobs.onWake(() => {})); // keeps the LISTEN connection (or file watch) open
        await connected; // PostgreSQL wakes everyone once when LISTEN connects
        const woke = waitFor(worker.jobs.onWake, 'wake-up from the other connection');
        await withJobs(db, (id) => [aJob(aRequest({ id }))]);
        await woke;
      });

    test('lists the jobs of one request', async (t) => {
      const { db } = await fresh(t, factory);
      const one = await withJobs(db, (id) => [aJob(aRequest({ id }), at(2)), aJob(aRequest({ id }), at(1))]);
      await withJobs(db, (id) => [aJob(aRequest({ id }))]);
      const jobs = await db.jobs.listJobs(one.id);
      assert.deepEqual(
        jobs.map((job) => [job.requestId, job.runAt]),
        [
          [one.id, at(1)],
          [one.id, at(2)],
        ],
      );
      assert.equal((await db.jobs.listJobs()).length, 3);
    });
  });
}
