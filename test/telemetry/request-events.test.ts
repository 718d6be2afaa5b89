// The business-event lines, one move at a time, over a real store: what a line holds for a
// decision by a signed-in person, a request the worker gave up on, a lost race; that
// reporting can never fail a committed move; the approve→invited histogram; and the
// provisioning pause's lines carrying the job that met the fault.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { changeStatus } from '../../src/app/change-status.ts';
import { failRequest } from '../../src/app/fail-request.ts';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import type { Status } from '../../src/domain/lifecycle.ts';
import { createDirectoryPause } from '../../src/jobs/directory-pause.ts';
import { withJobContext } from '../../src/jobs/job-context.ts';
import { createLogger } from '../../src/logger.ts';
import type { Job, Store } from '../../src/ports.ts';
import { withLogContext } from '../../src/telemetry/log-context.ts';
import { createMetrics, type Metrics } from '../../src/telemetry/metrics.ts';
import { noMetrics } from '../../src/telemetry/no-metrics.ts';
import { observeRequestEvents } from '../../src/telemetry/request-events.ts';
import { fakeDirectory } from '../fakes/directory.ts';
import { fixedClock } from '../helpers/clock.ts';
import { inState } from '../http/console/fixtures.ts';

async function setup(t: { after(fn: () => Promise<void>): void }, metrics?: (store: Store) => Metrics) {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  t.after(() => db.close());
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const clock = fixedClock();
  const store = observeRequestEvents(db.store, { logger, metrics: metrics?.(db.store) ?? noMetrics });
  const deps = { store, clock, ids: { next: () => crypto.randomUUID() } };
  /** A request written straight to the unobserved store, in `status`. */
  const request = (status: Status) => inState(db.store, status);
  return { db, store, deps, clock, lines, logger, request };
}

const BOB = { kind: 'person', via: 'entra', id: 'oid-7f3a', name: 'Bob Approver' } as const;

test('a decision by a signed-in person: its event, states and actor id, without the name or the reason', async (t) => {
  const { deps, lines, request } = await setup(t);
  const pending = await request('pending_approval');
  await changeStatus(deps, {
    request: pending,
    event: { type: 'reject', reason: 'Ada Lovelace is not a partner' },
    actor: BOB,
  });
  assert.equal(lines.length, 1);
  const { time: _time, pid: _pid, hostname: _hostname, ...line } = lines[0]!;
  assert.deepEqual(line, {
    level: 30,
    event: 'rejected',
    requestId: pending.id,
    from: 'pending_approval',
    to: 'rejected',
    actor: 'entra:oid-7f3a',
    msg: 'request rejected',
  });
  assert.doesNotMatch(JSON.stringify(lines), /Bob|Lovelace|partner|example\.org/);
});

test('a request the worker gave up on: failed, with Graph code, status and request-id, and the job', async (t) => {
  const { deps, lines, request } = await setup(t);
  const provisioning = await request('provisioning');
  const graphError = new DirectoryError({
    message: "The invited user's email address ada@example.org is not valid.",
    transient: false,
    graphCode: 'BadRequest',
    httpStatus: 400,
    requestId: '5e0c6e3a-1b2c-4d5e-8f90-0a1b2c3d4e5f',
  });
  const job: Job = {
    id: 'job-1',
    kind: 'provision',
    requestId: provisioning.id,
    runAt: new Date(),
    attempts: 1,
    lastError: null,
    lockedBy: 'w',
    lockedUntil: null,
  };
  const handlers = withJobContext({
    provision: {
      run: async () => {},
      giveUp: (failedJob, error) => failRequest(deps, { id: failedJob.requestId, error }),
    },
  });
  await handlers.provision.giveUp(job, graphError);
  const failed = lines.find((line) => line.event === 'failed');
  assert.ok(failed, JSON.stringify(lines));
  assert.deepEqual(
    [failed.level, failed.requestId, failed.jobId, failed.jobKind, failed.actor],
    [30, provisioning.id, 'job-1', 'provision', 'worker'],
  );
  assert.deepEqual(
    [failed.graphCode, failed.httpStatus, failed.graphRequestId],
    ['BadRequest', 400, '5e0c6e3a-1b2c-4d5e-8f90-0a1b2c3d4e5f'],
  );
  assert.doesNotMatch(
    JSON.stringify(lines),
    /ada@example\.org/,
    "Graph's message (it may name the address) is not logged",
  );
});

test('a move that lost the race writes no line; the winner wrote one', async (t) => {
  const { deps, lines, request } = await setup(t);
  const pending = await request('pending_approval');
  await changeStatus(deps, { request: pending, event: { type: 'approve' }, actor: BOB });
  await assert.rejects(changeStatus(deps, { request: pending, event: { type: 'reject', reason: 'late' }, actor: BOB }));
  assert.deepEqual(
    lines.map((line) => line.event),
    ['approved'],
  );
});

test('reporting never fails a committed move', async (t) => {
  const broken: Metrics = {
    ...noMetrics,
    requestEvent() {
      throw new Error('metrics broke');
    },
  };
  const { deps, lines, request, db } = await setup(t, () => broken);
  const pending = await request('pending_approval');
  const approved = await changeStatus(deps, { request: pending, event: { type: 'approve' }, actor: BOB });
  assert.equal(approved.status, 'approved');
  assert.equal((await db.store.getRequest(pending.id))?.status, 'approved');
  assert.deepEqual(
    lines.map((line) => [line.level, line.msg]),
    [
      [30, 'request approved'],
      [40, 'could not report a request event'],
    ],
  );
});

test('approve→invited latency: from the move into approved to the invited commit', async (t) => {
  let metrics: Metrics | null = null;
  const t2 = await setup(t, (store) => {
    metrics = createMetrics({
      countByStatus: async () => ({}),
      queueStats: { jobsByKind: async () => [] },
      directoryPause: () => store.getDirectoryPause(),
      clock: fixedClock(),
    });
    return metrics;
  });
  const pending = await t2.request('pending_approval');
  const approved = await changeStatus(t2.deps, { request: pending, event: { type: 'approve' }, actor: BOB });
  t2.clock.advance(2_000);
  const provisioning = await changeStatus(t2.deps, {
    request: approved,
    event: { type: 'start_provisioning' },
    actor: { kind: 'worker' },
  });
  t2.clock.advance(5_000);
  await changeStatus(t2.deps, {
    request: provisioning,
    event: { type: 'invite', directoryUserId: 'user-1', redeemUrl: null },
    actor: { kind: 'worker' },
  });
  const text = (await metrics!.render()).body;
  assert.match(text, /^guestlist_approve_to_invited_seconds_count 1$/m);
  assert.match(text, /^guestlist_approve_to_invited_seconds_sum 7$/m);
  assert.match(text, /^guestlist_request_events_total\{event="provisioning"\} 1$/m);
  // Picking a request up is logged at debug only: the outcome follows at once.
  assert.deepEqual(
    t2.lines.filter((line) => line.level === 30).map((line) => line.event),
    ['approved', 'invited'],
  );
});

test('provisioning paused and resumed: each line carries the job that met the fault or ended it', async (t) => {
  const { store, clock, lines, logger } = await setup(t);
  const pause = createDirectoryPause({ store, clock, logger });
  const directory = fakeDirectory(clock);
  let fault = true;
  const watched = pause.watch({
    ...directory,
    getUser: async (id) => {
      if (fault) {
        throw new DirectoryError({
          message: "Entra ID refused the app's credentials (AADSTS7000222): The client secret has expired.",
          transient: false,
          graphCode: 'AADSTS7000222',
          httpStatus: 401,
          scope: 'tenant',
          fix: 'Create a new client secret and set AZURE_CLIENT_SECRET to its Value.',
        });
      }
      return directory.getUser(id);
    },
  });
  await withLogContext({ jobId: 'job-a', jobKind: 'check_redemption', requestId: 'request-a' }, () =>
    assert.rejects(watched.getUser('someone')),
  );
  fault = false;
  clock.advance(90_000);
  await withLogContext({ jobId: 'job-b', jobKind: 'check_redemption', requestId: 'request-b' }, () =>
    watched.getUser('someone'),
  );
  const paused = lines.find((line) => line.event === 'provisioning_paused');
  const resumed = lines.find((line) => line.event === 'provisioning_resumed');
  assert.deepEqual(
    [paused?.level, paused?.jobId, paused?.requestId, paused?.code],
    [40, 'job-a', 'request-a', 'AADSTS7000222'],
  );
  assert.deepEqual(
    [resumed?.level, resumed?.jobId, resumed?.requestId, resumed?.pausedMs],
    [30, 'job-b', 'request-b', 90_000],
  );
});
