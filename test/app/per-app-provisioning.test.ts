// Provisioning with the request's app: its redirect URL and groups instead of the
// environment's, its app role after the groups, and access that ends after the app's
// duration (expired, groups removed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRequest } from '../../src/app/decide-request.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { GROUP_A, GROUP_B, provisioningHarness } from './provisioning-harness.ts';

const ADMIN = { kind: 'token', name: 'admin' } as const;
const SP = '0c6e4f7a-1d2b-4c3d-8e9f-0a1b2c3d4e5f';
const ROLE = '7d0c9b8a-6f5e-4d3c-2b1a-0f9e8d7c6b5a';
const DAY = 86_400_000;

test('a request for an app is invited to its redirect URL, granted its groups and app role, and expires after its days', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const app = anApp({
    redirectUrl: 'https://wiki.contoso.com/start',
    groupIds: [GROUP_B],
    appRole: { servicePrincipalId: SP, appRoleId: ROLE },
    questions: [],
    access: { kind: 'days', days: 30 },
  });
  await h.db.store.insertApp(app, null);
  const request = await submitRequest(h.deps, {
    email: 'ada@fabrikam.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    app,
    actor: ADMIN,
    verified: true,
  });
  await decideRequest(h.deps, { id: request.id, actor: ADMIN, decision: 'approve' });
  await h.drain();
  assert.equal(await h.status(request.id), 'invited');
  assert.equal(
    h.directory.invites[0]?.redirectUrl,
    'https://wiki.contoso.com/start',
    "the app's, not the environment's",
  );
  assert.deepEqual(
    h.directory.groupAdds.map((add) => add.groupId),
    [GROUP_B],
    'only the app’s group (the environment’s GROUP_A is not granted)',
  );
  const userId = (await h.db.store.getRequest(request.id))!.directoryUserId!;
  assert.deepEqual(h.directory.appRoleCalls, [{ servicePrincipalId: SP, appRoleId: ROLE, userId }]);

  // Redeemed: active, with the end of access 30 days after activation, and a job due then.
  h.directory.users.get(userId)!.externalUserState = 'Accepted';
  await h.drain({ includeRedemption: true, horizonMs: 3_600_000 });
  const active = await h.db.store.getRequest(request.id);
  assert.equal(active?.status, 'active');
  const activatedAt = (await h.db.store.listAudit(request.id)).find((e) => e.action === 'activate')!.at;
  assert.equal(active?.accessExpiresAt?.getTime(), activatedAt.getTime() + 30 * DAY);
  const endJob = (await h.db.jobs.listJobs(request.id)).find((job) => job.kind === 'expire_access');
  assert.equal(endJob?.runAt.getTime(), active!.accessExpiresAt!.getTime());

  // At the end: expired through the lifecycle, and the group removed by revoke_access.
  await h.drain({ horizonMs: 31 * DAY });
  const ended = await h.db.store.getRequest(request.id);
  assert.equal(ended?.status, 'expired');
  assert.equal(ended?.reason, 'Access ended: the app grants it for 30 days.');
  assert.deepEqual(
    h.directory.groupRemovals.map((removal) => removal.groupId),
    [GROUP_B],
  );
});

test('without a catalogue app the environment’s settings are used, and access has no end', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const id = await h.approved('grace@fabrikam.com');
  await h.drain();
  assert.deepEqual(
    h.directory.groupAdds.map((add) => add.groupId),
    [GROUP_A],
  );
  assert.equal(h.directory.invites[0]?.redirectUrl, 'https://app.contoso.com');
  assert.deepEqual(h.directory.appRoleCalls, []);
  const userId = (await h.db.store.getRequest(id))!.directoryUserId!;
  h.directory.users.get(userId)!.externalUserState = 'Accepted';
  await h.drain({ includeRedemption: true, horizonMs: 3_600_000 });
  const active = await h.db.store.getRequest(id);
  assert.equal(active?.status, 'active');
  assert.equal(active?.accessExpiresAt, null);
  assert.ok(!(await h.db.jobs.listJobs(id)).some((job) => job.kind === 'expire_access'));
});
