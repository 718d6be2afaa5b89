// The lease of a running job: renewed while its handler runs, and a run that lost its job
// to another worker records nothing (above all, does not fail the request).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import type { JobHandler } from '../../src/jobs/worker.ts';
import type { Job } from '../../src/ports.ts';
import { deferred, recordingLogger, scripted, type WatchedQueue, workerSetup } from './fixtures.ts';

const badRequest = () =>
  new DirectoryError({ message: 'Bad address', transient: false, graphCode: 'Request_BadRequest', httpStatus: 400 });

/**
 * How many renewals a wait below sits through. One renewal may have begun before the test
 * moved the clock, so the one that counts is the first or the second; a bounded wait fails
 * with a message where a broken renewal would otherwise keep a loop (and CI) going forever.
 */
const RENEWALS_TO_WAIT = 10;

/** Waits for a renewal that moved the job's lease past `time` (one begun before may not have). */
async function renewedPast(queue: WatchedQueue, time: Date): Promise<Job> {
  for (let renewal = 0; renewal < RENEWALS_TO_WAIT; renewal++) {
    assert.equal(await queue.next('extendLease'), true);
    const [job] = await queue.listJobs();
    if (job!.lockedUntil! > time) return job!;
  }
  assert.fail(`${RENEWALS_TO_WAIT} renewals succeeded, none moved the lease past ${time.toISOString()}`);
}

/** Waits for the renewal that finds the job taken over. */
async function renewalLost(queue: WatchedQueue): Promise<void> {
  for (let renewal = 0; renewal < RENEWALS_TO_WAIT; renewal++) {
    if ((await queue.next('extendLease')) === false) return;
  }
  assert.fail(`${RENEWALS_TO_WAIT} renewals went on holding a job another worker had claimed`);
}

/** A handler that waits for the test, then does what it is told. */
function gated() {
  const inside = deferred();
  const gate = deferred<() => ReturnType<JobHandler['run']>>();
  const handler = scripted('ok');
  const seen: { held?: AbortSignal } = {};
  handler.run = async (job, held) => {
    handler.runs.push(job);
    seen.held = held;
    inside.resolve();
    return (await gate.promise)();
  };
  return { handler, inside, finish: gate.resolve, seen };
}

test('a handler slower than the lease keeps its job while the renewals succeed', async (t) => {
  const leaseMs = 30; // renewed every 10 ms (of real time; the lease itself is on the fixed clock)
  const slow = gated();
  const { worker, queue, clock, addJob, onlyJob, anotherWorker } = await workerSetup(
    t,
    { provision: slow.handler },
    { leaseMs },
  );
  const otherHandler = scripted('ok');
  const other = anotherWorker('other-worker', { provision: otherHandler });
  await addJob();
  const running = worker.runOnce();
  await slow.inside.promise;
  const claimedAt = clock.now().getTime();
  for (let lease = 1; lease <= 4; lease++) {
    clock.advance(leaseMs - 5);
    await renewedPast(queue, new Date(clock.now().getTime() + 5));
    clock.advance(5); // past where the lease ended before this renewal
    assert.equal(await other.runOnce(), false, `still leased after ${lease} lease(s)`);
  }
  const job = await onlyJob();
  assert.deepEqual([job.lockedBy, job.attempts], ['test-worker', 0]);
  assert.ok(job.lockedUntil!.getTime() > claimedAt + 4 * leaseMs);
  slow.finish(async () => {});
  assert.equal(await running, true);
  assert.deepEqual(otherHandler.runs, []);
  assert.equal(slow.handler.runs.length, 1);
  assert.deepEqual(await queue.listJobs(), [], 'completed by the worker that kept it');
  const renewals = queue.calls.filter((call) => call.method === 'extendLease').length;
  await sleep(3 * (leaseMs / 3)); // three renewal periods
  assert.equal(queue.calls.filter((call) => call.method === 'extendLease').length, renewals, 'renewals stop');
});

test('a run that lost its job while failing for good does not give up', async (t) => {
  const leaseMs = 60_000; // no renewal happens during this test
  const slow = gated();
  const logger = recordingLogger();
  const { worker, queue, clock, addJob, onlyJob, db } = await workerSetup(
    t,
    { provision: slow.handler },
    { leaseMs, logger },
  );
  await addJob();
  const running = worker.runOnce();
  await slow.inside.promise;
  // The handler outlived its lease (renewals could not reach the database, say) and
  // another worker took the job over.
  clock.advance(leaseMs);
  const taken = await db.jobs.claim('other-worker', clock.now(), leaseMs);
  assert.equal(taken?.attempts, 1);
  slow.finish(async () => {
    throw badRequest();
  });
  await running;
  assert.deepEqual(slow.handler.gaveUp, [], 'the request is not failed');
  assert.deepEqual(await onlyJob(), taken, 'the job is left to the worker holding it');
  assert.deepEqual(
    queue.calls.map((call) => [call.method, call.workerId, call.result]),
    [['extendLease', 'test-worker', false]],
    'ownership checked before giving up; nothing recorded',
  );
  assert.ok(logger.warnings.some((message) => /not giving up/.test(message)));
});

test('a renewal that finds the job taken over makes the run ignore its outcome', async (t) => {
  for (const outcome of [
    async () => ({ again: new Date('2026-03-01T10:00:00.000Z') }),
    async () => {
      throw badRequest();
    },
  ]) {
    const leaseMs = 30;
    const slow = gated();
    const logger = recordingLogger();
    const { worker, queue, clock, addJob, onlyJob, db } = await workerSetup(
      t,
      { provision: slow.handler },
      { leaseMs, logger },
    );
    await addJob();
    const running = worker.runOnce();
    await slow.inside.promise;
    // Another worker, whose clock is past any lease this one has renewed, takes the job.
    const taken = await db.jobs.claim('other-worker', new Date(clock.now().getTime() + 100 * leaseMs), leaseMs);
    assert.ok(taken);
    await renewalLost(queue);
    slow.finish(outcome);
    await running;
    await sleep(leaseMs); // three renewal periods
    assert.deepEqual(slow.handler.gaveUp, []);
    assert.deepEqual(await onlyJob(), taken);
    assert.deepEqual(
      queue.calls.filter((call) => call.method !== 'extendLease' || call.result === false),
      [{ method: 'extendLease', jobId: taken.id, workerId: 'test-worker', result: false }],
      'no renewal after the loss, no outcome recorded',
    );
    assert.equal(queue.calls.at(-1)?.result, false);
    assert.ok(logger.warnings.some((message) => /another worker has claimed/.test(message)));
    assert.ok(
      logger.warnings.some((message) => /ignoring the (outcome|failure) of a run that lost its job/.test(message)),
    );
  }
});

test('stop() keeps renewing the lease of a handler that outlives the grace period', async (t) => {
  const leaseMs = 30;
  const slow = gated();
  const { worker, queue, clock, addJob, onlyJob, anotherWorker } = await workerSetup(
    t,
    { provision: slow.handler },
    { leaseMs, graceMs: 5, idlePollMs: 60_000 },
  );
  const other = anotherWorker('other-worker');
  await addJob();
  worker.start();
  await slow.inside.promise;
  await worker.stop();
  assert.equal((await onlyJob()).lockedBy, 'test-worker');
  clock.advance(leaseMs - 5);
  await renewedPast(queue, new Date(clock.now().getTime() + 5));
  clock.advance(5);
  assert.equal(await other.runOnce(), false, 'the handler still runs here: not handed on');
  const finished = queue.next('complete');
  slow.finish(async () => {});
  await finished;
  assert.deepEqual(await queue.listJobs(), []);
});

test('the worker never claims again a job its handler is running, even past the lease', async (t) => {
  const leaseMs = 60_000; // no renewal happens during this test: as if they had all failed
  const slow = gated();
  const second = deferred<Job>();
  const provision = slow.handler;
  const firstRun = provision.run;
  provision.run = async (job, held) => (provision.runs.length === 0 ? firstRun(job, held) : second.resolve(job));
  const { worker, clock, addJob, queue } = await workerSetup(t, { provision }, { leaseMs, idlePollMs: 60_000 });
  const first = await addJob();
  worker.start();
  await slow.inside.promise;
  clock.advance(leaseMs); // the running job's lease has run out
  const next = await addJob(); // wakes the worker, which claims what is due
  assert.equal((await second.promise).requestId, next.id, 'the new job, not the running one again');
  const [running] = await queue.listJobs(first.id);
  assert.deepEqual([running?.lockedBy, running?.attempts, running?.lastError], ['test-worker', 0, null]);
  slow.finish(async () => {});
});

test('the handler is told when its run may no longer hold the job', async (t) => {
  const leaseMs = 30;
  const slow = gated();
  const { worker, queue, clock, addJob, db } = await workerSetup(t, { provision: slow.handler }, { leaseMs });
  await addJob();
  const running = worker.runOnce();
  await slow.inside.promise;
  assert.equal(slow.seen.held?.aborted, false, 'held while renewals succeed');
  await db.jobs.claim('other-worker', new Date(clock.now().getTime() + 100 * leaseMs), leaseMs);
  await renewalLost(queue);
  assert.equal(slow.seen.held?.aborted, true, 'aborted once another worker claimed the job');
  slow.finish(async () => undefined);
  await running;
});

test('renewals that keep failing abort the run before its lease can run out', async (t) => {
  const leaseMs = 30;
  const slow = gated();
  const { worker, queue, clock, addJob } = await workerSetup(t, { provision: slow.handler }, { leaseMs });
  queue.extendLease = async () => {
    throw new Error('database unreachable');
  };
  await addJob();
  const running = worker.runOnce();
  await slow.inside.promise;
  // The worker's clock moves on while every renewal fails.
  for (let i = 0; i < 50 && !slow.seen.held?.aborted; i++) {
    clock.advance(leaseMs / 3);
    await sleep(leaseMs / 3);
  }
  assert.equal(slow.seen.held?.aborted, true);
  slow.finish(async () => undefined);
  await running;
});
