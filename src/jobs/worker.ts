// The durable job runner. It claims due jobs (a lease, not a transaction: nothing is
// held open while a handler talks to Graph), runs their handler, and then deletes,
// reschedules or gives the job up. A worker that dies leaves its jobs leased; they
// become claimable again when the lease expires. Handlers must therefore be safe to run
// twice (provision-guest.ts looks the person up before inviting).
import type { Clock, Job, JobKind, JobQueue, Logger } from '../ports.ts';
import { classifyJobError } from './classify-error.ts';
import { retryDelayMs } from './retry-delay.ts';
import { createWakeSignal } from './wake-signal.ts';

export { classifyJobError, type JobFailure } from './classify-error.ts';

export interface JobHandler {
  /** Resolve to finish the job, or to `{ again }` to run it again then (a scheduled follow-up). */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a handler be a plain `async` function that returns nothing.
  run(job: Job): Promise<void | { again: Date }>;
  /** The job failed for good (permanent error or too many attempts): record it. */
  giveUp(job: Job, error: unknown): Promise<void>;
}

export interface WorkerOptions {
  queue: JobQueue;
  handlers: Record<JobKind, JobHandler>;
  clock: Clock;
  logger: Logger;
  workerId: string;
  /** How long a claim lasts; a handler must finish well within it. */
  leaseMs?: number;
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  /** Longest sleep without a wake-up (catches jobs a missed wake-up would strand). */
  idlePollMs?: number;
  /** How long stop() waits for running handlers before releasing their jobs. */
  graceMs?: number;
}

export interface Worker {
  start(): void;
  stop(): Promise<void>;
  /** Claims what is due (up to `concurrency`), runs it to the end; false when nothing was due. */
  runOnce(): Promise<boolean>;
}

/** Sleep at least this long when a job is due but could not be claimed (no busy loop). */
const MIN_SLEEP_MS = 10;

export function createWorker(o: WorkerOptions): Worker {
  const leaseMs = o.leaseMs ?? 60_000;
  const concurrency = o.concurrency ?? 4;
  const maxAttempts = o.maxAttempts ?? 8;
  const idlePollMs = o.idlePollMs ?? 5000;
  const graceMs = o.graceMs ?? 10_000;
  const policy = {
    baseDelayMs: o.baseDelayMs ?? 1000,
    maxDelayMs: o.maxDelayMs ?? 300_000,
    random: o.random ?? Math.random,
  };
  const { queue, clock, logger, workerId } = o;

  const running = new Map<string, Promise<void>>();
  /** Jobs released by stop() while their handler still ran: its outcome is no longer ours. */
  const released = new Set<string>();
  const signal = createWakeSignal();
  let loop: Promise<void> | null = null;
  let stopping = false;
  let unsubscribe: (() => void) | null = null;

  function launch(job: Job): Promise<void> {
    const done = execute(job).finally(() => {
      running.delete(job.id);
      signal.wake(); // a slot is free
    });
    running.set(job.id, done);
    return done;
  }

  async function execute(job: Job): Promise<void> {
    const log = { jobId: job.id, kind: job.kind, requestId: job.requestId, attempts: job.attempts };
    const handler = o.handlers[job.kind];
    try {
      if (!handler) {
        // Written by a newer version (a rolling deploy): leave it for a worker that knows it.
        logger.warn(log, 'no handler for this job kind; leaving it for another worker');
        await queue.reschedule(job.id, workerId, later(policy.maxDelayMs), `No handler for ${job.kind}.`, false);
        return;
      }
      let outcome: Awaited<ReturnType<JobHandler['run']>>;
      try {
        outcome = await handler.run(job);
      } catch (error) {
        if (!released.has(job.id)) await fail(job, handler, error, log);
        return;
      }
      if (released.has(job.id)) return;
      if (outcome?.again) await queue.reschedule(job.id, workerId, outcome.again, null, false);
      else await queue.complete(job.id, workerId);
    } catch (error) {
      // The queue itself failed (database down). The lease will expire and the job run
      // again, which handlers tolerate; nothing else to do here.
      logger.error({ ...log, err: error }, 'could not record the outcome of a job');
    } finally {
      released.delete(job.id);
    }
  }

  async function fail(job: Job, handler: JobHandler, error: unknown, log: object): Promise<void> {
    const failure = classifyJobError(error);
    const attempts = job.attempts + (failure.countsAttempt ? 1 : 0);
    if (failure.permanent || attempts >= maxAttempts) {
      logger.warn({ ...log, err: error, permanent: failure.permanent }, 'job failed; giving up');
      try {
        await handler.giveUp(job, error);
      } catch (giveUpError) {
        // Could not record the failure (database hiccup): try the whole job again later.
        logger.error({ ...log, err: giveUpError }, 'giving up on a job failed; will retry');
        const delay = retryDelayMs({ countsAttempt: true, retryAfterMs: null }, job.attempts, policy);
        await queue.reschedule(job.id, workerId, later(delay), failure.message, false);
        return;
      }
      await queue.complete(job.id, workerId);
      return;
    }
    const delayMs = retryDelayMs(failure, job.attempts, policy);
    logger.warn({ ...log, err: error, delayMs, counted: failure.countsAttempt }, 'job failed; will retry');
    await queue.reschedule(job.id, workerId, later(delayMs), failure.message, failure.countsAttempt);
  }

  function later(ms: number): Date {
    return new Date(clock.now().getTime() + ms);
  }

  /** Claims due jobs while slots are free; returns the promises of the ones it started. */
  async function fill(): Promise<Promise<void>[]> {
    const started: Promise<void>[] = [];
    while (!stopping && running.size < concurrency) {
      const job = await queue.claim(workerId, clock.now(), leaseMs);
      if (!job) break;
      started.push(launch(job));
    }
    return started;
  }

  async function sleepTime(): Promise<number> {
    if (running.size >= concurrency) return idlePollMs; // a finishing handler wakes us
    const next = await queue.nextRunAt();
    if (!next) return idlePollMs;
    return Math.min(idlePollMs, Math.max(MIN_SLEEP_MS, next.getTime() - clock.now().getTime()));
  }

  async function runLoop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      signal.reset(); // a wake-up from now on interrupts the coming sleep
      let sleepMs: number;
      try {
        await fill();
        sleepMs = await sleepTime();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.error({ err: error, failures }, 'job queue unavailable; retrying');
        sleepMs = Math.min(idlePollMs, policy.baseDelayMs * 2 ** Math.min(failures, 20));
      }
      if (stopping) break;
      await signal.sleep(sleepMs);
    }
  }

  return {
    start() {
      if (loop) return;
      stopping = false;
      unsubscribe = queue.onWake(() => signal.wake());
      loop = runLoop();
    },

    async stop() {
      stopping = true;
      unsubscribe?.();
      unsubscribe = null;
      signal.wake();
      await loop;
      loop = null;
      const drained = await signal.within(graceMs, Promise.allSettled([...running.values()]));
      if (drained) return;
      // Handlers still running after the grace period: hand their jobs back now rather
      // than make another worker wait out the lease. Their late outcome is ignored.
      for (const jobId of running.keys()) {
        released.add(jobId);
        await queue.release(jobId, workerId).catch((error: unknown) => {
          logger.error({ jobId, err: error }, 'could not release a job; its lease will expire');
        });
        logger.warn({ jobId }, 'job still running at shutdown; released');
      }
    },

    async runOnce() {
      const started = await fill();
      await Promise.all(started);
      return started.length > 0;
    },
  };
}
