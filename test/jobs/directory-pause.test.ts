// A tenant-wide fault pauses provisioning instead of failing requests: the real worker,
// the real job handlers (handlers.ts) and store, a fake directory that can be broken.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { createDirectoryPause } from '../../src/jobs/directory-pause.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import type { Directory, JobKind, Logger } from '../../src/ports.ts';
import { fakeDirectory } from '../fakes/directory.ts';
import { fixedClock } from '../helpers/clock.ts';
import { fileApprovedRequest } from './fixtures.ts';
import { testJobDeps } from './job-deps.ts';

const MINUTE = 60_000;

const expiredSecret = () =>
  new DirectoryError({
    message: "Entra ID refused the app's credentials (AADSTS7000222): The client secret has expired.",
    transient: false,
    graphCode: 'AADSTS7000222',
    httpStatus: 401,
    scope: 'tenant',
    fix: 'Create a new client secret and set AZURE_CLIENT_SECRET to its Value.',
  });

/** The directory, failing every call with `fault` while one is set; counts the calls. */
function breakable(directory: Directory) {
  const state = { fault: null as (() => Error) | null, calls: 0 };
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      state.calls += 1;
      if (state.fault) throw state.fault();
      return call(...args);
    };
  const broken: Directory = {
    findUsersByEmail: wrap(directory.findUsersByEmail),
    verifiedDomains: wrap(directory.verifiedDomains),
    getUser: wrap(directory.getUser),
    invite: wrap(directory.invite),
    addToGroup: wrap(directory.addToGroup),
    assignAppRole: wrap(directory.assignAppRole),
    removeFromGroup: wrap(directory.removeFromGroup),
    deleteUser: wrap(directory.deleteUser),
    invitationsHeldForMs: () => 0,
  };
  return Object.assign(state, { directory: broken });
}

function logs(): Logger & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, msg: msg ?? '', obj });
  return { lines, debug() {}, info: at('info'), warn: at('warn'), error: at('error') };
}

async function setup(t: TestContext) {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  t.after(() => db.close());
  const clock = fixedClock();
  const logger = logs();
  const fake = fakeDirectory();
  const tenant = breakable(fake);
  const mails: string[] = [];
  const pause = createDirectoryPause({ store: db.store, clock, logger, random: () => 0 });
  const handlers = jobHandlers(
    testJobDeps({
      store: db.store,
      clock,
      directory: pause.watch(tenant.directory),
      logger,
      directoryPause: pause,
      mailer: {
        send: async (message) => {
          mails.push(message.to[0]!);
        },
      },
    }),
  );
  // One job per run, so each step of a test is one job.
  const worker = createWorker({
    queue: db.jobs,
    handlers,
    clock,
    logger,
    workerId: 'w1',
    concurrency: 1,
    maxAttempts: 2,
    random: () => 0,
  });
  t.after(() => worker.stop());

  const approved = async (kind: JobKind = 'provision'): Promise<string> =>
    (await fileApprovedRequest(db.store, clock.now(), { kind }, `${randomUUID().slice(0, 8)}@fabrikam.com`)).id;
  const status = async (id: string) => (await db.store.getRequest(id))?.status;
  const warnings = (msg: RegExp) => logger.lines.filter((line) => line.level === 'warn' && msg.test(line.msg));
  const infos = (msg: RegExp) => logger.lines.filter((line) => line.level === 'info' && msg.test(line.msg));
  return { db, clock, fake, tenant, worker, approved, status, warnings, infos, mails };
}

test('a tenant fault pauses provisioning: stored, logged once, and no request fails or counts an attempt', async (t) => {
  const { db, clock, tenant, worker, approved, status, warnings } = await setup(t);
  const first = await approved();
  const second = await approved();
  tenant.fault = expiredSecret;

  assert.equal(await worker.runOnce(), true);
  const pause = await db.store.getDirectoryPause();
  assert.equal(pause?.code, 'AADSTS7000222');
  assert.match(pause?.fix ?? '', /new client secret/);
  assert.deepEqual(pause?.since, clock.now());
  assert.equal(tenant.calls, 1);

  // The second job is not run at all: no probe is due yet.
  assert.equal(await worker.runOnce(), true);
  assert.equal(tenant.calls, 1, 'held back without calling the directory');

  // Many rounds later (maxAttempts is 2), nothing has failed and no attempt was counted.
  for (let round = 0; round < 4; round++) {
    clock.advance(2 * MINUTE);
    while (await worker.runOnce()) {}
  }
  for (const id of [first, second]) assert.notEqual(await status(id), 'failed');
  const jobs = await db.jobs.listJobs();
  assert.equal(jobs.length, 2);
  for (const job of jobs) {
    assert.equal(job.attempts, 0);
    assert.match(job.lastError ?? '', /^Held: provisioning is paused \(AADSTS7000222/);
  }
  assert.equal(warnings(/provisioning paused/).length, 1, 'the pause is logged once, not once per job');
  assert.equal(warnings(/job failed/).length, 0);
});

test('while paused, one probe per interval runs; its success resumes provisioning by itself', async (t) => {
  const { db, clock, tenant, worker, approved, status, infos, mails } = await setup(t);
  const first = await approved();
  const second = await approved();
  tenant.fault = expiredSecret;
  await worker.runOnce(); // pauses
  const calls = tenant.calls;

  // One interval later both jobs are due: one runs as the probe (still broken), the other waits.
  clock.advance(MINUTE);
  while (await worker.runOnce()) {}
  assert.equal(tenant.calls, calls + 1, 'exactly one probe in the interval');
  assert.ok(await db.store.getDirectoryPause());

  // The administrator sets a new secret; within two more intervals everything is provisioned.
  tenant.fault = null;
  for (let round = 0; round < 3; round++) {
    clock.advance(MINUTE);
    while (await worker.runOnce()) {}
  }
  assert.equal(await db.store.getDirectoryPause(), null);
  assert.equal(await status(first), 'invited');
  assert.equal(await status(second), 'invited');
  assert.equal(mails.length, 2, 'one invitation email each');
  assert.equal(infos(/provisioning resumed/).length, 1, 'the end of the pause is logged once');
});

test('a pause started by another process holds this worker back too', async (t) => {
  const { db, clock, tenant, worker, approved, status } = await setup(t);
  const id = await approved();
  await db.store.pauseDirectory({
    since: clock.now(),
    reason: 'Authorization_RequestDenied: Insufficient privileges to complete the operation.',
    fix: 'Grant admin consent.',
    code: 'Authorization_RequestDenied',
    operation: 'invite',
    nextProbeAt: new Date(clock.now().getTime() + MINUTE),
  });
  await worker.runOnce();
  assert.equal(tenant.calls, 0);
  assert.equal(await status(id), 'approved', 'the request stays where it was');
});

test('a request-specific 403 still fails that request, and pauses nothing', async (t) => {
  const { db, fake, worker, approved, status } = await setup(t);
  const id = await approved();
  const blockedDomain = new DirectoryError({
    message: 'This invitation is blocked by cross-tenant access settings.',
    transient: false,
    graphCode: 'Forbidden',
    httpStatus: 403,
  });
  fake.failNext('invite', blockedDomain);
  await worker.runOnce();
  assert.equal(await status(id), 'failed');
  assert.equal(await db.store.getDirectoryPause(), null);
});

test('a fault the redemption check swallows still pauses, and the job kinds without the directory run on', async (t) => {
  const { db, clock, tenant, worker, approved, mails } = await setup(t);
  const id = await approved();
  while (await worker.runOnce()) {} // provision, grant, invitation email
  assert.equal(mails.length, 1);
  const check = (await db.jobs.listJobs(id)).find((job) => job.kind === 'check_redemption');
  assert.ok(check, 'a redemption check follows the invitation');
  tenant.fault = () =>
    new DirectoryError({
      message: 'Insufficient privileges to complete the operation.',
      transient: false,
      graphCode: 'Authorization_RequestDenied',
      httpStatus: 403,
      scope: 'tenant',
      fix: 'Grant admin consent.',
    });
  clock.set(check.runAt.toISOString());
  await worker.runOnce();
  assert.equal((await db.store.getDirectoryPause())?.operation, 'getUser');

  const verification = await approved('send_verification');
  const calls = tenant.calls;
  await worker.runOnce();
  assert.equal(tenant.calls, calls);
  assert.deepEqual(await db.jobs.listJobs(verification), [], 'not held: it needs no directory');
});

test('a pause tied to invitations does not hold redemption checks, nor let them take the probe', async (t) => {
  const { db, clock, fake, worker, approved, status } = await setup(t);
  const done = await approved();
  while (await worker.runOnce()) {} // invited, with a redemption check in 5 minutes
  assert.equal(await status(done), 'invited');
  const denied = new DirectoryError({
    message: 'Insufficient privileges to complete the operation.',
    transient: false,
    graphCode: 'Authorization_RequestDenied',
    httpStatus: 403,
    scope: 'tenant',
    fix: 'Grant admin consent for User.Invite.All.',
  });
  fake.failNext('invite', denied, { times: 1000 });
  const waiting = await approved();
  await worker.runOnce();
  assert.equal((await db.store.getDirectoryPause())?.operation, 'invite');

  // The guest of the first request redeems; its check runs although provisioning is paused.
  fake.users.get((await db.store.getRequest(done))!.directoryUserId!)!.externalUserState = 'Accepted';
  clock.advance(6 * MINUTE);
  while (await worker.runOnce()) {}
  assert.equal(await status(done), 'active');
  assert.ok(await db.store.getDirectoryPause(), 'still paused: invitations are still refused');
  assert.equal(await status(waiting), 'provisioning');
});
