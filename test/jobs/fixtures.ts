// A worker over a real (in-memory SQLite) queue, a hand-moved clock and scripted handlers.
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import type { AccessRequest } from '../../src/domain/lifecycle.ts';
import { createWorker, type JobHandler, type WorkerOptions } from '../../src/jobs/worker.ts';
import type { Job, JobKind, JobQueue, Logger, Store } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';

/** What a scripted handler does on each run, in order; the last step repeats. */
export type Step = 'ok' | { again: Date } | Error | Promise<void>;

export interface ScriptedHandler extends JobHandler {
  runs: Job[];
  gaveUp: { job: Job; error: unknown }[];
}

export function scripted(...steps: Step[]): ScriptedHandler {
  const runs: Job[] = [];
  const gaveUp: { job: Job; error: unknown }[] = [];
  return {
    runs,
    gaveUp,
    async run(job) {
      const step = steps[Math.min(runs.length, steps.length - 1)];
      runs.push(job);
      if (step instanceof Error) throw step;
      if (step instanceof Promise) return step;
      return step === 'ok' ? undefined : step;
    },
    async giveUp(job, error) {
      gaveUp.push({ job, error });
    },
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that keeps its warnings and errors (their messages) for assertions. */
export function recordingLogger(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    debug() {},
    info() {},
    warn: (_obj, msg) => warnings.push(msg ?? ''),
    error: (_obj, msg) => errors.push(msg ?? ''),
  };
}

type Watched = 'complete' | 'reschedule' | 'extendLease';

export interface WatchedQueue extends JobQueue {
  /** The calls that changed or kept a lease, in the order they finished. */
  calls: { method: Watched; jobId: string; workerId: string; result: unknown }[];
  /** Resolves with the result of the next call to `method` that finishes from now on. */
  next(method: Watched): Promise<unknown>;
}

/** The queue, recording what the worker asks of its leases. */
export function watched(queue: JobQueue): WatchedQueue {
  const calls: WatchedQueue['calls'] = [];
  let waiters: { method: Watched; resolve: (result: unknown) => void }[] = [];
  const record = <A extends [string, string, ...unknown[]], R>(method: Watched, call: (...args: A) => Promise<R>) => {
    return async (...args: A): Promise<R> => {
      const result = await call(...args);
      calls.push({ method, jobId: args[0], workerId: args[1], result });
      const ready = waiters.filter((w) => w.method === method);
      waiters = waiters.filter((w) => w.method !== method);
      for (const waiter of ready) waiter.resolve(result);
      return result;
    };
  };
  return {
    ...queue,
    complete: record('complete', queue.complete),
    reschedule: record('reschedule', queue.reschedule),
    extendLease: record('extendLease', queue.extendLease),
    calls,
    next: (method) => new Promise((resolve) => waiters.push({ method, resolve })),
  };
}

export async function workerSetup(
  t: TestContext,
  handlers: Partial<Record<JobKind, JobHandler>>,
  options: Partial<WorkerOptions> = {},
) {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  const clock = fixedClock();
  const queue = watched(db.jobs);
  /** A worker with `handlers` over the scripted defaults, on this database and clock. */
  const make = (
    workerId: string,
    own: Partial<Record<JobKind, JobHandler>>,
    extra: Partial<WorkerOptions>,
    jobs: JobQueue,
  ) =>
    createWorker({
      queue: jobs,
      handlers: {
        provision: scripted('ok'),
        grant_access: scripted('ok'),
        send_invitation: scripted('ok'),
        resend_invitation: scripted('ok'),
        check_redemption: scripted('ok'),
        send_verification: scripted('ok'),
        revoke_access: scripted('ok'),
        expire_verification: scripted('ok'),
        notify_requester: scripted('ok'),
        expire_access: scripted('ok'),
        post_to_teams: scripted('ok'),
        deliver_webhook: scripted('ok'),
        notify_approvers: scripted('ok'),
        remind_approvers: scripted('ok'),
        stage_timeout: scripted('ok'),
        remind_expiry: scripted('ok'),
        apply_policy: scripted('ok'),
        ...own,
      },
      clock,
      logger: silentLogger,
      workerId,
      random: () => 0.5,
      ...extra,
    });
  const worker = make('test-worker', handlers, options, queue);
  const others: ReturnType<typeof createWorker>[] = [];
  t.after(async () => {
    for (const other of others) await other.stop();
    await worker.stop();
    await db.close();
  });
  /** Another worker on the same database and clock (another process, say). */
  const anotherWorker = (workerId: string, handlers: Partial<Record<JobKind, JobHandler>> = {}) => {
    const other = make(workerId, handlers, { leaseMs: options.leaseMs }, db.jobs);
    others.push(other);
    return other;
  };
  /** Files a request with one job due now (or at `runAt`); returns the job's request. */
  const addJob = (kind: JobKind = 'provision', runAt = clock.now()): Promise<AccessRequest> =>
    fileApprovedRequest(db.store, clock.now(), { kind, runAt });
  const onlyJob = async () => {
    const jobs = await db.jobs.listJobs();
    if (jobs.length !== 1) throw new Error(`expected one job, found ${jobs.length}`);
    return jobs[0]!;
  };
  return { db, queue, clock, worker, anotherWorker, addJob, onlyJob };
}

/** Files an `approved` request (with its audit entry) and one job for it; returns the request. */
export async function fileApprovedRequest(
  store: Store,
  now: Date,
  job: { kind: JobKind; runAt?: Date },
  email = `${randomUUID().slice(0, 8)}@example.org`,
): Promise<AccessRequest> {
  const request: AccessRequest = {
    id: randomUUID(),
    email,
    firstName: 'Ada',
    lastName: 'Lovelace',
    justification: null,
    appId: 'default',
    answers: {},
    accessExpiresAt: null,
    status: 'approved',
    directoryUserId: null,
    redeemUrl: null,
    reason: null,
    createdAt: now,
    updatedAt: now,
  };
  const audit = {
    id: randomUUID(),
    requestId: request.id,
    actor: 'test',
    action: 'approve',
    fromStatus: null,
    toStatus: request.status,
    reason: null,
    at: now,
  };
  await store.insertRequest(request, audit, [{ kind: job.kind, requestId: request.id, runAt: job.runAt ?? now }]);
  return request;
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
