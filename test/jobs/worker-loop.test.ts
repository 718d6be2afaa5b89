// The running worker: wake-ups, concurrency, and stopping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../../src/ports.ts';
import { deferred, scripted, workerSetup } from './fixtures.ts';

test('a committed job wakes the sleeping worker at once', async (t) => {
  const started = deferred<number>();
  // (The approve → POST /invitations benchmark holds the end-to-end figure; this only
  // proves the worker is woken rather than left to its one-minute poll.)
  const provision = scripted('ok');
  const run = provision.run;
  provision.run = async (job, held) => {
    started.resolve(performance.now());
    return run(job, held);
  };
  // Without the wake-up it would sleep a minute.
  const { worker, addJob } = await workerSetup(t, { provision }, { idlePollMs: 60_000 });
  worker.start();
  await sleep(20); // let it fall asleep
  const committed = performance.now();
  await addJob();
  const latency = (await started.promise) - committed;
  assert.ok(latency < 250, `handler started ${latency.toFixed(1)} ms after the commit`);
});

test('runs at most `concurrency` handlers at once', async (t) => {
  let running = 0;
  let most = 0;
  const done = deferred();
  let finished = 0;
  const provision = scripted('ok');
  provision.run = async () => {
    running += 1;
    most = Math.max(most, running);
    await sleep(15);
    running -= 1;
    if (++finished === 6) done.resolve();
  };
  const { worker, addJob } = await workerSetup(t, { provision }, { concurrency: 2, idlePollMs: 60_000 });
  for (let i = 0; i < 6; i++) await addJob();
  worker.start();
  await done.promise;
  assert.equal(most, 2);
});

test('stop() stops claiming and waits for running handlers to finish', async (t) => {
  const gate = deferred();
  const inside = deferred<Job>();
  const provision = scripted('ok');
  let runs = 0;
  provision.run = async (job) => {
    runs += 1;
    inside.resolve(job);
    await gate.promise;
  };
  const { worker, addJob, db } = await workerSetup(t, { provision }, { idlePollMs: 60_000 });
  await addJob();
  worker.start();
  await inside.promise;
  let stopped = false;
  const stopping = worker.stop().then(() => {
    stopped = true;
  });
  await sleep(30);
  assert.equal(stopped, false, 'waits for the running handler');
  gate.resolve();
  await stopping;
  assert.deepEqual(await db.jobs.listJobs(), [], 'the finished job is deleted');
  await addJob(); // after stop: neither woken nor claimed
  await sleep(30);
  assert.equal(runs, 1);
  assert.equal((await db.jobs.listJobs())[0]?.lockedBy, null);
});

test('stop() leaves a job whose handler outlives the grace period leased until the lease expires', async (t) => {
  const gate = deferred();
  const inside = deferred();
  const provision = scripted('ok');
  provision.run = async () => {
    inside.resolve();
    await gate.promise;
  };
  const leaseMs = 60_000;
  const { worker, queue, clock, addJob, onlyJob, anotherWorker } = await workerSetup(
    t,
    { provision },
    { graceMs: 20, leaseMs, idlePollMs: 60_000 },
  );
  const next = scripted('ok');
  const nextWorker = anotherWorker('next-worker', { provision: next });
  await addJob();
  worker.start();
  await inside.promise;
  const claimedAt = clock.now().getTime();
  await worker.stop(); // returns after the grace period, the handler still running
  const job = await onlyJob();
  assert.deepEqual([job.lockedBy, job.attempts], ['test-worker', 0], 'not released');
  // The handler may still call Graph: nobody else may run the job before its lease ends.
  clock.set(new Date(claimedAt + leaseMs - 1).toISOString());
  assert.equal(await nextWorker.runOnce(), false, 'not claimable before the lease expires');
  assert.deepEqual(next.runs, []);

  // Once this process has exited (no renewals), the lease expires and another takes over.
  next.run = async () => {
    throw new Error('still busy'); // keeps the job, rescheduled under next-worker's name
  };
  clock.set(new Date(claimedAt + leaseMs).toISOString());
  const finished = queue.next('complete');
  assert.equal(await nextWorker.runOnce(), true);
  // The handler finishing late must not delete a job it no longer holds.
  gate.resolve();
  await finished;
  const taken = await onlyJob();
  assert.deepEqual([taken.attempts, taken.lastError], [2, 'Error: still busy'], 'the cut-short run counted');
});
