import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { InvalidTransitionError } from '../../src/domain/errors.ts';
import { scripted, workerSetup } from './fixtures.ts';

const unavailable = () =>
  new DirectoryError({
    message: 'Service unavailable',
    transient: true,
    graphCode: 'serviceNotAvailable',
    httpStatus: 503,
  });

test('a job that succeeds is deleted', async (t) => {
  const provision = scripted('ok');
  const { worker, addJob, db } = await workerSetup(t, { provision });
  const request = await addJob();
  assert.equal(await worker.runOnce(), true);
  assert.equal(provision.runs[0]?.requestId, request.id);
  assert.deepEqual(await db.jobs.listJobs(), []);
  assert.equal(await worker.runOnce(), false);
});

test('transient failures back off exponentially with full jitter, capped', async (t) => {
  const provision = scripted(new Error('connection reset'));
  const { worker, addJob, clock, onlyJob } = await workerSetup(
    t,
    { provision },
    { baseDelayMs: 1000, maxDelayMs: 3000, maxAttempts: 10 },
  );
  await addJob();
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    const before = clock.now().getTime();
    assert.equal(await worker.runOnce(), true);
    const job = await onlyJob();
    assert.equal(job.attempts, i + 1);
    assert.equal(job.lastError, 'Error: connection reset');
    delays.push(job.runAt.getTime() - before);
    clock.set(job.runAt.toISOString());
    clock.advance(-1);
    assert.equal(await worker.runOnce(), false, 'not due before its time');
    clock.advance(1);
  }
  // random() = 0.5 of min(max, base·2^attempts): 1 s, 2 s, 4 s→3 s cap, 3 s.
  assert.deepEqual(delays, [500, 1000, 1500, 1500]);
});

test('Retry-After is honoured as given, plus a little jitter', async (t) => {
  const throttled = new DirectoryError({
    message: 'Busy',
    transient: true,
    graphCode: 'serviceNotAvailable',
    httpStatus: 503,
    retryAfterMs: 7000,
  });
  const { worker, addJob, clock, onlyJob } = await workerSetup(
    t,
    { provision: scripted(throttled) },
    { maxDelayMs: 1000 },
  );
  await addJob();
  const before = clock.now().getTime();
  await worker.runOnce();
  const job = await onlyJob();
  assert.equal(job.runAt.getTime() - before, 7000 + 350); // not capped by maxDelayMs; jitter 0.5 × 10%
  assert.equal(job.attempts, 1);
  assert.match(job.lastError ?? '', /serviceNotAvailable.*HTTP 503/);
});

test('throttling (429) retries without counting an attempt', async (t) => {
  const tooMany = new DirectoryError({
    message: 'Too many requests',
    transient: true,
    graphCode: 'TooManyRequests',
    httpStatus: 429,
    retryAfterMs: 2000,
  });
  const provision = scripted(tooMany);
  const { worker, addJob, clock, onlyJob } = await workerSetup(t, { provision }, { maxAttempts: 2 });
  await addJob();
  for (let i = 0; i < 5; i++) {
    await worker.runOnce();
    const job = await onlyJob();
    assert.equal(job.attempts, 0);
    clock.set(job.runAt.toISOString());
  }
  assert.equal(provision.runs.length, 5);
  assert.deepEqual(provision.gaveUp, []);
});

test('a permanent error gives up at once, exactly once', async (t) => {
  for (const error of [
    new DirectoryError({ message: 'Bad address', transient: false, graphCode: 'Request_BadRequest', httpStatus: 400 }),
    new InvalidTransitionError('revoked', 'start_provisioning'),
  ]) {
    const provision = scripted(error);
    const { worker, addJob, db } = await workerSetup(t, { provision });
    await addJob();
    await worker.runOnce();
    assert.equal(provision.runs.length, 1);
    assert.equal(provision.gaveUp.length, 1);
    assert.equal(provision.gaveUp[0]?.error, error);
    assert.deepEqual(await db.jobs.listJobs(), []);
  }
});

test('after maxAttempts counted failures it gives up', async (t) => {
  const boom = new Error('bug');
  const provision = scripted(boom);
  const { worker, addJob, clock, db } = await workerSetup(t, { provision }, { maxAttempts: 3 });
  await addJob();
  while (await worker.runOnce()) clock.advance(60_000);
  await worker.runOnce();
  assert.equal(provision.runs.length, 3);
  assert.deepEqual(
    provision.gaveUp.map((g) => [g.error, g.job.attempts]),
    [[boom, 2]],
  );
  assert.deepEqual(await db.jobs.listJobs(), []);
});

test('a handler that cannot record giving up is retried later', async (t) => {
  const provision = scripted(new Error('a bug'));
  provision.giveUp = async () => {
    throw new Error('database is locked');
  };
  const { worker, addJob, onlyJob, clock } = await workerSetup(t, { provision }, { maxAttempts: 1 });
  await addJob();
  await worker.runOnce();
  const job = await onlyJob();
  // Backoff (0.5 × 1 s), not counted: the handler already failed for good, only the
  // recording did not; the next run gives up again.
  assert.deepEqual([job.lockedBy, job.attempts, job.runAt], [null, 0, new Date(clock.now().getTime() + 500)]);
});

test("Graph's transient failures back off but never exhaust the attempts: the request is not failed for Graph's trouble", async (t) => {
  const provision = scripted(unavailable(), unavailable(), unavailable(), 'ok');
  const { worker, addJob, onlyJob, clock, db } = await workerSetup(t, { provision }, { maxAttempts: 2 });
  await addJob();
  for (let round = 0; round < 3; round++) {
    await worker.runOnce();
    const job = await onlyJob();
    assert.equal(job.attempts, round + 1, 'counted, for the back-off');
    clock.set(job.runAt.toISOString());
  }
  await worker.runOnce();
  assert.equal(provision.gaveUp.length, 0, 'never given up, though past maxAttempts');
  assert.deepEqual(await db.jobs.listJobs(), []);
});

test('`again` schedules a follow-up without counting an attempt', async (t) => {
  const later = new Date('2026-03-01T10:00:00.000Z'); // an hour after the fixed clock's start
  const check = scripted({ again: later }, 'ok');
  const { worker, addJob, onlyJob, clock } = await workerSetup(t, { check_redemption: check });
  await addJob('check_redemption');
  await worker.runOnce();
  const job = await onlyJob();
  assert.deepEqual([job.runAt, job.attempts, job.lastError, job.lockedBy], [later, 0, null, null]);
  assert.equal(await worker.runOnce(), false);
  clock.set(later.toISOString());
  assert.equal(await worker.runOnce(), true);
  assert.equal(check.runs.length, 2);
});

test('a job whose worker died is picked up when its lease expires', async (t) => {
  const provision = scripted('ok');
  const { worker, addJob, clock, db } = await workerSetup(t, { provision }, { leaseMs: 30_000 });
  await addJob();
  assert.ok(await db.jobs.claim('killed-worker', clock.now(), 30_000));
  assert.equal(await worker.runOnce(), false, 'still leased');
  clock.advance(30_000);
  assert.equal(await worker.runOnce(), true);
  assert.equal(provision.runs[0]?.attempts, 1, 'the lost run counts');
  assert.deepEqual(await db.jobs.listJobs(), []);
});
