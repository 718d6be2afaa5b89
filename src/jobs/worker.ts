// The durable job runner. It claims due jobs (a lease, not a transaction: nothing is
// held open while a handler talks to Graph), runs their handler, and then deletes,
// reschedules or gives the job up. While a handler runs, its lease is renewed every
// leaseMs/3, so a slow handler keeps its job; a renewal that finds the job claimed by
// another worker marks the run lost, and a lost run's outcome (giveUp included) is
// ignored. A job is never handed on while its handler may still act: stop() waits for
// running handlers, and those still running after the grace period keep their lease
// until this process exits. A worker that dies leaves its jobs leased; they become
// claimable again when the lease expires. Handlers must still be safe to run twice (a
// lost run may already have acted; provision-guest.ts looks the person up before inviting).
import type { Clock, Job, JobKind, JobQueue, Logger } from '../ports.ts';
import { classifyJobError } from './classify-error.ts';
import { retryDelayMs } from './retry-delay.ts';
import { createWakeSignal } from './wake-signal.ts';

export { classifyJobError, type JobFailure } from './classify-error.ts';

export interface JobHandler {
  /**
   * Calls the directory (Microsoft Graph): held back while provisioning is paused by a
   * tenant-wide fault (directory-pause.ts; handlers.ts applies the hold to every such kind).
   */
  needsDirectory?: boolean;
  /**
   * The Directory methods it may call. While a pause is tied to one operation (a Graph
   * 403 on `invite`, say), a kind that never calls it runs on instead of waiting for a
   * probe it could not answer. Unset: every operation.
   */
  directoryOperations?: readonly string[];
  /**
   * Resolve to finish the job, or to `{ again }` to run it again then (a scheduled follow-up;
   * no attempt counted; `note`, if any, is kept as the job's last_error).
   * `held` is aborted when this run may no longer hold the job (another worker claimed it,
   * or the lease could not be renewed before running out): start no new side effect then.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a handler be a plain `async` function that returns nothing.
  run(job: Job, held: AbortSignal): Promise<void | { again: Date; note?: string }>;
  /** The job failed for good (permanent error or too many attempts): record it. */
  giveUp(job: Job, error: unknown): Promise<void>;
}

export interface WorkerOptions {
  queue: JobQueue;
  handlers: Record<JobKind, JobHandler>;
  clock: Clock;
  logger: Logger;
  workerId: string;
  /** How long a claim lasts without renewal; renewed every third of it while the handler runs. */
  leaseMs?: number;
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  /** Longest sleep without a wake-up (catches jobs a missed wake-up would strand). */
  idlePollMs?: number;
  /** How long stop() waits for running handlers (still running after it: left leased). */
  graceMs?: number;
}

export interface Worker {
  start(): void;
  stop(): Promise<void>;
  /** Claims what is due (up to `concurrency`), runs it to the end; false when nothing was due. */
  runOnce(): Promise<boolean>;
}

/**
 * The defaults, here and in configuration (config.ts reads them for GUESTLIST_WORKER_*):
 * one source. The lease default of configuration depends on the invitation mode.
 */
export const WORKER_DEFAULTS = { concurrency: 8, maxAttempts: 10, leaseMs: 60_000 } as const;

/** Sleep at least this long when a job is due but could not be claimed (no busy loop). */
const MIN_SLEEP_MS = 10;

/**
 * The lease of one running job. `lost`: another worker has claimed the job since, so
 * nothing this run does is recorded. `handlerDone`: the handler has returned or thrown
 * (its outcome is being recorded); `ended`: the run is over and renewals stop.
 */
interface Lease {
  timer: NodeJS.Timeout | undefined;
  /** When the lease runs out unless renewed (ms since the epoch, by the worker's clock). */
  until: number;
  /** Aborted as soon as the run may no longer hold the job; handed to the handler. */
  held: AbortController;
  lost: boolean;
  handlerDone: boolean;
  ended: boolean;
}

export function createWorker(o: WorkerOptions): Worker {
  const leaseMs = o.leaseMs ?? WORKER_DEFAULTS.leaseMs;
  const renewEveryMs = Math.max(1, Math.floor(leaseMs / 3));
  const concurrency = o.concurrency ?? WORKER_DEFAULTS.concurrency;
  const maxAttempts = o.maxAttempts ?? WORKER_DEFAULTS.maxAttempts;
  const idlePollMs = o.idlePollMs ?? 5000;
  const graceMs = o.graceMs ?? 10_000;
  const policy = {
    baseDelayMs: o.baseDelayMs ?? 1000,
    maxDelayMs: o.maxDelayMs ?? 300_000,
    random: o.random ?? Math.random,
  };
  const { queue, clock, logger, workerId } = o;

  /** The jobs whose handler this worker is running (claim never returns them again). */
  const running = new Map<string, Promise<void>>();
  const signal = createWakeSignal();
  let loop: Promise<void> | null = null;
  let stopping = false;
  let unsubscribe: (() => void) | null = null;

  function launch(job: Job): Promise<void> {
    const lease: Lease = {
      timer: undefined,
      until: clock.now().getTime() + leaseMs,
      held: new AbortController(),
      lost: false,
      handlerDone: false,
      ended: false,
    };
    renewLater(job, lease);
    const done = execute(job, lease).finally(() => {
      lease.ended = true;
      clearTimeout(lease.timer);
      running.delete(job.id);
      signal.wake(); // a slot is free
    });
    running.set(job.id, done);
    return done;
  }

  function renewLater(job: Job, lease: Lease): void {
    lease.timer = setTimeout(() => void renew(job, lease), renewEveryMs);
    lease.timer.unref(); // the handler's own work keeps the process alive, not this
  }

  /** One renewal: a single UPDATE, no transaction held between renewals. */
  async function renew(job: Job, lease: Lease): Promise<void> {
    try {
      const until = later(leaseMs);
      const held = await queue.extendLease(job.id, workerId, until);
      if (held) lease.until = until.getTime();
      if (!held) {
        // While the outcome is being recorded, false may just mean complete() deleted
        // the job; the recording is guarded on its own (see fail()).
        if (!lease.handlerDone) markLost(job, lease);
        return;
      }
    } catch (error) {
      // The database is unreachable: try again at the next beat. Should the lease run out
      // meanwhile and another worker take the job, the next renewal says so.
      logger.error({ jobId: job.id, err: error }, 'could not renew the lease of a running job; will try again');
      // The lease may run out before the next try, and then another worker may take the
      // job: from now on the handler must not start anything it could not take back.
      if (clock.now().getTime() + renewEveryMs >= lease.until) {
        lease.held.abort(new Error('The job lease could not be renewed; another worker may take the job.'));
      }
    }
    if (!lease.ended && !lease.lost) renewLater(job, lease);
  }

  function markLost(job: Job, lease: Lease): void {
    if (lease.lost) return;
    lease.lost = true;
    lease.held.abort(new Error('Another worker has claimed this job.'));
    logger.warn(
      { jobId: job.id, kind: job.kind, requestId: job.requestId },
      'another worker has claimed a job whose handler is still running here; this run will not be recorded',
    );
  }

  async function execute(job: Job, lease: Lease): Promise<void> {
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
        outcome = await handler.run(job, lease.held.signal);
      } catch (error) {
        lease.handlerDone = true;
        if (lease.lost) logger.warn({ ...log, err: error }, 'ignoring the failure of a run that lost its job');
        else await fail(job, lease, handler, error, log);
        return;
      }
      lease.handlerDone = true;
      if (lease.lost) {
        logger.warn(log, 'ignoring the outcome of a run that lost its job');
        return;
      }
      // Both are guarded on locked_by: no effect if another worker has claimed the job.
      if (outcome?.again) await queue.reschedule(job.id, workerId, outcome.again, outcome.note ?? null, false);
      else await queue.complete(job.id, workerId);
    } catch (error) {
      // The queue itself failed (database down). The lease will expire and the job run
      // again, which handlers tolerate; nothing else to do here.
      logger.error({ ...log, err: error }, 'could not record the outcome of a job');
    }
  }

  async function fail(job: Job, lease: Lease, handler: JobHandler, error: unknown, log: object): Promise<void> {
    const failure = classifyJobError(error);
    const attempts = job.attempts + (failure.countsAttempt ? 1 : 0);
    if (failure.permanent || (failure.canExhaust && attempts >= maxAttempts)) {
      // giveUp fails the request, which no SQL guard protects: first make sure the job is
      // still ours (and its lease fresh for the giveUp). A run that lost its job to
      // another worker must not fail a request that worker may yet provision.
      if (!(await queue.extendLease(job.id, workerId, later(leaseMs)))) {
        markLost(job, lease);
        logger.warn({ ...log, err: error }, 'ignoring the failure of a run that lost its job; not giving up');
        return;
      }
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
    // A wait that is part of the design (Graph throttling, a new guest not replicated yet)
    // counts no attempt and is no one's fault: debug, so warn stays for what may need a look.
    const retry = { ...log, err: error, delayMs, counted: failure.countsAttempt };
    if (failure.countsAttempt) logger.warn(retry, 'job failed; will retry');
    else logger.debug(retry, 'job waits; will retry');
    await queue.reschedule(job.id, workerId, later(delayMs), failure.message, failure.countsAttempt);
  }

  function later(ms: number): Date {
    return new Date(clock.now().getTime() + ms);
  }

  /** Claims due jobs while slots are free; returns the promises of the ones it started. */
  async function fill(): Promise<Promise<void>[]> {
    const started: Promise<void>[] = [];
    while (!stopping && running.size < concurrency) {
      // The running jobs are excluded in the claim itself, not skipped after it: a claim
      // of an expired lease has already counted a lost run and stamped last_error, which
      // would be false for a job that is alive here. Excluding every job locked by this
      // worker id would be wrong too: a job whose outcome could not be recorded (database
      // down) stays locked by us, and must be claimable again, by us as well (the only
      // worker, maybe), once its lease expires. Only `running` knows which handlers live.
      const job = await queue.claim(workerId, clock.now(), leaseMs, [...running.keys()]);
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
      // A handler still running may yet call Graph: its job is not handed to another
      // worker. Its lease keeps being renewed while the handler runs and the database is
      // reachable; once this process has exited, the lease expires and another worker
      // takes the job (counting the cut-short run as an attempt).
      for (const jobId of running.keys()) {
        logger.warn(
          { jobId, leaseMs },
          'job still running at shutdown; it will be picked up again when its lease expires after this process exits',
        );
      }
    },

    async runOnce() {
      const started = await fill();
      await Promise.all(started);
      return started.length > 0;
    },
  };
}
