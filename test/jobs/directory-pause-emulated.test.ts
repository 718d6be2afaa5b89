// The pause end to end against the bundled emulator: the real Graph adapter, credential,
// worker, handlers and store. Consent lacks User.Invite.All, then an admin grants it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGraphDirectory } from '../../src/adapters/directory/index.ts';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { createDirectoryPause } from '../../src/jobs/directory-pause.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import { ALL_ROLES, entraFor, startTenant } from '../adapters/directory/emulated-tenant.ts';
import { fixedClock } from '../helpers/clock.ts';
import { fileApprovedRequest, recordingLogger } from './fixtures.ts';
import { testJobDeps } from './job-deps.ts';

const MINUTE = 60_000;

test('revoked consent pauses provisioning; granting it resumes with a fresh token, nothing failed', async (t) => {
  const em = await startTenant(t);
  const app = em.registerApp({ roles: ['User.Read.All'] });
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  t.after(() => db.close());
  const clock = fixedClock();
  const logger = recordingLogger();
  const pause = createDirectoryPause({ store: db.store, clock, logger, random: () => 0 });
  const graph = createGraphDirectory({ entra: entraFor(em, app.clientId, app.clientSecret!), ca: em.caPem });
  const worker = createWorker({
    queue: db.jobs,
    clock,
    logger,
    workerId: 'w1',
    concurrency: 1,
    random: () => 0,
    handlers: jobHandlers(
      testJobDeps({ store: db.store, clock, directory: pause.watch(graph), logger, directoryPause: pause }),
    ),
  });
  t.after(() => worker.stop());
  const request = await fileApprovedRequest(db.store, clock.now(), { kind: 'provision' }, 'lee@fabrikam.com');

  await worker.runOnce();
  const paused = await db.store.getDirectoryPause();
  assert.equal(paused?.code, 'Authorization_RequestDenied');
  assert.match(paused?.fix ?? '', /admin consent/);
  assert.equal((await db.store.getRequest(request.id))?.status, 'provisioning');

  em.registerApp({ clientId: app.clientId, clientSecret: app.clientSecret!, roles: ALL_ROLES });
  for (let round = 0; round < 3 && (await db.store.getDirectoryPause()); round++) {
    clock.advance(2 * MINUTE);
    await worker.runOnce();
  }
  while (await worker.runOnce()) {} // the steps after the invitation: grants, email
  assert.equal(await db.store.getDirectoryPause(), null);
  assert.equal((await db.store.getRequest(request.id))?.status, 'invited');
  assert.equal(logger.warnings.filter((msg) => msg.startsWith('provisioning paused')).length, 1);
});
