// Revoking access: the request moves to `revoked` with the revoke_access job in one
// transaction; the job removes the groups this request granted (each recorded, so a retry
// removes only what is left) and deletes the guest only when asked and only if this
// request's invitation created it. Expiry removes the groups the same way.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { removeAccess } from '../../src/app/remove-access.ts';
import { revokeAccess } from '../../src/app/revoke-access.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { InvalidTransitionError, ValidationError } from '../../src/domain/errors.ts';
import { transientError } from '../fakes/directory.ts';
import { GROUP_A, GROUP_B, type Harness, provisioningHarness, silent as silentLogger } from './provisioning-harness.ts';

const SETTINGS = {
  redirectUrl: 'https://app.contoso.com',
  invitationEmail: 'guestlist',
  groupIds: [GROUP_A, GROUP_B],
  redemptionCheckFirstMs: 300_000,
  notFoundWindowMs: 15 * 60_000,
} as const;

const ADMIN = { kind: 'token', name: 'admin' } as const;

describe('revoking access', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ groupIds: [GROUP_A, GROUP_B] });
  });
  afterEach(() => h.close());

  /** An approved request provisioned to `invited` (a new guest in both groups). */
  async function invited(email?: string): Promise<{ id: string; userId: string }> {
    const id = await h.approved(email);
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'invited');
    return { id, userId: request!.directoryUserId! };
  }
  const actions = async (id: string) => (await h.db.store.listAudit(id)).map((entry) => entry.action);
  const members = (group: string) => [...(h.directory.groups.get(group) ?? [])];

  test('revoking an invited request removes both groups, with the admin and reason in the history', async () => {
    const { id, userId } = await invited();
    const revoked = await revokeAccess(h.deps, { id, actor: ADMIN, reason: 'Contract ended' });
    assert.equal(revoked.status, 'revoked');
    assert.deepEqual(
      (await h.db.jobs.listJobs(id)).filter((job) => job.kind === 'revoke_access').map((job) => job.payload),
      [{ deleteGuest: false }],
      'the job is committed with the revoke, carrying what was asked',
    );
    await h.drain();
    assert.deepEqual(members(GROUP_A), []);
    assert.deepEqual(members(GROUP_B), []);
    assert.deepEqual(h.directory.groupRemovals, [
      { groupId: GROUP_A, userId },
      { groupId: GROUP_B, userId },
    ]);
    assert.deepEqual(h.directory.userDeletes, [], 'not asked to delete');
    assert.ok(h.directory.users.has(userId));
    assert.deepEqual((await h.db.store.getProgress(id)).grantedGroupIds, []);
    const audit = await h.db.store.listAudit(id);
    const revoke = audit.find((entry) => entry.action === 'revoke');
    assert.equal(revoke?.actor, 'token:admin');
    assert.equal(revoke?.reason, 'Contract ended');
    assert.equal(revoke?.fromStatus, 'invited');
    assert.equal(audit.filter((entry) => entry.action === 'access_removed').length, 2);
    assert.equal((await h.db.jobs.listJobs(id)).filter((job) => job.kind === 'revoke_access').length, 0);
  });

  test('a membership already gone (404) counts as removed once the replication window has passed', async () => {
    const { id, userId } = await invited();
    h.directory.groups.get(GROUP_A)?.delete(userId); // removed in Entra by hand
    await revokeAccess(h.deps, { id, actor: ADMIN });
    // Within the not-found window a 404 may be a membership not replicated yet: retried.
    await h.drain({ horizonMs: 60_000 });
    assert.deepEqual((await h.db.store.getProgress(id)).grantedGroupIds, [GROUP_A, GROUP_B]);
    const job = (await h.db.jobs.listJobs(id)).find((j) => j.kind === 'revoke_access');
    assert.match(job?.lastError ?? '', /waiting for replication/);
    assert.equal(job?.attempts, 0, 'replication lag does not use up attempts');
    await h.drain();
    assert.deepEqual((await h.db.store.getProgress(id)).grantedGroupIds, []);
    assert.deepEqual(members(GROUP_B), []);
    const removed = (await h.db.store.listAudit(id)).filter((entry) => entry.action === 'access_removed');
    assert.match(removed[0]?.reason ?? '', /no longer a member of group/);
    assert.match(removed[1]?.reason ?? '', /^Removed user/);
  });

  test('a transient failure retries only the group that is left', async () => {
    const { id, userId } = await invited();
    await revokeAccess(h.deps, { id, actor: ADMIN });
    const remove = h.directory.removeFromGroup;
    let failedOnce = false;
    h.directory.removeFromGroup = async (groupId, user) => {
      if (groupId === GROUP_B && !failedOnce) {
        failedOnce = true;
        throw transientError(503);
      }
      return remove(groupId, user);
    };
    await h.drain();
    assert.ok(failedOnce);
    assert.deepEqual(members(GROUP_A), []);
    assert.deepEqual(members(GROUP_B), []);
    assert.deepEqual(
      h.directory.groupRemovals,
      [
        { groupId: GROUP_A, userId },
        { groupId: GROUP_B, userId },
      ],
      'the retry skipped GROUP_A, already recorded as removed',
    );
    assert.equal((await actions(id)).filter((action) => action === 'access_removed').length, 2);
  });

  test('a refusal gives up and says in the history which groups are left; the request stays revoked', async () => {
    const { id } = await invited();
    await revokeAccess(h.deps, { id, actor: ADMIN });
    h.directory.failNext(
      'removeFromGroup',
      new DirectoryError({
        message: 'Insufficient privileges to complete the operation.',
        transient: false,
        graphCode: 'Request_BadRequest',
        httpStatus: 400,
      }),
    );
    await h.drain();
    assert.equal(await h.status(id), 'revoked');
    const failed = (await h.db.store.listAudit(id)).find((entry) => entry.action === 'access_removal_failed');
    assert.match(failed?.reason ?? '', /Insufficient privileges/);
    assert.match(failed?.reason ?? '', new RegExp(`Still a member of: ${GROUP_A}, ${GROUP_B}\\.`));
    assert.deepEqual(
      (await h.db.jobs.listJobs(id)).filter((job) => job.kind === 'revoke_access'),
      [],
      'given up at once: a refusal is not retried',
    );
  });

  test('deleteGuest deletes the guest this request invited', async () => {
    const { id, userId } = await invited();
    await revokeAccess(h.deps, { id, actor: ADMIN, deleteGuest: true });
    await h.drain();
    assert.deepEqual(h.directory.userDeletes, [userId]);
    assert.equal(h.directory.users.has(userId), false);
    const deleted = (await h.db.store.listAudit(id)).find((entry) => entry.action === 'guest_deleted');
    assert.match(deleted?.reason ?? '', /Deleted the guest account/);
  });

  test('deleteGuest never deletes a user the request found: the groups go, the user stays', async () => {
    h.directory.addUser({ id: 'existing-guest', mail: 'ann@fabrikam.com', externalUserState: 'Accepted' });
    const id = await h.approved('ann@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'active');
    await revokeAccess(h.deps, { id, actor: ADMIN, deleteGuest: true });
    await h.drain();
    assert.deepEqual(members(GROUP_A), []);
    assert.deepEqual(h.directory.userDeletes, []);
    assert.ok(h.directory.users.has('existing-guest'));
    const kept = (await h.db.store.listAudit(id)).find((entry) => entry.action === 'guest_kept');
    assert.match(kept?.reason ?? '', /did not create it/);
  });

  test('deleteGuest never deletes a pending guest the request re-invited', async () => {
    h.directory.addUser({ id: 'pending-guest', mail: 'bo@fabrikam.com' }); // invited earlier, not redeemed
    const { id, userId } = await invited('bo@fabrikam.com');
    assert.equal(userId, 'pending-guest');
    await revokeAccess(h.deps, { id, actor: ADMIN, deleteGuest: true });
    await h.drain();
    assert.deepEqual(h.directory.userDeletes, []);
    assert.ok((await actions(id)).includes('guest_kept'));
  });

  test('deleteGuest keeps a user the invitation returned though created before the request (a lookup that missed them)', async () => {
    h.directory.lagMs = 60_000; // hidden from the lookup, seen by the invitation service
    const created = new Date(h.clock.now().getTime() - 1000);
    h.directory.addUser({ id: 'just-made', mail: 'di@fabrikam.com', createdAt: created });
    const { id, userId } = await invited('di@fabrikam.com');
    assert.equal(userId, 'just-made');
    assert.equal((await h.db.store.getProgress(id)).createdUserId, 'just-made', 'the lookup saw nobody');
    await revokeAccess(h.deps, { id, actor: ADMIN, deleteGuest: true });
    await h.drain();
    assert.deepEqual(h.directory.userDeletes, []);
    const kept = (await h.db.store.listAudit(id)).find((entry) => entry.action === 'guest_kept');
    assert.match(kept?.reason ?? '', /guest created before this request/);
  });

  test('two admins revoking at once produce one revoke and one job', async () => {
    const { id } = await invited();
    const results = await Promise.allSettled([
      revokeAccess(h.deps, { id, actor: ADMIN, reason: 'first' }),
      revokeAccess(h.deps, { id, actor: { kind: 'token', name: 'other' }, reason: 'second' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected?.status === 'rejected' && rejected.reason instanceof InvalidTransitionError);
    assert.equal((await actions(id)).filter((action) => action === 'revoke').length, 1);
    assert.equal((await h.db.jobs.listJobs(id)).filter((job) => job.kind === 'revoke_access').length, 1);
    await assert.rejects(revokeAccess(h.deps, { id, actor: ADMIN }), InvalidTransitionError, 'and again later');
  });

  test('a request still pending approval cannot be revoked, and nothing is written', async () => {
    const request = await submitRequest(h.deps, {
      email: 'cy@fabrikam.com',
      firstName: 'Cy',
      lastName: 'Young',
      actor: ADMIN,
      verified: true,
    });
    assert.equal(request.status, 'pending_approval');
    const before = await h.db.store.listAudit(request.id);
    // Its submission's jobs (the approval stage's emails, its Teams card) were queued before; the revoke adds none.
    const jobsBefore = (await h.db.jobs.listJobs(request.id)).map((job) => job.kind).sort();
    assert.deepEqual(jobsBefore, ['apply_policy', 'notify_approvers', 'post_to_teams']);
    await assert.rejects(revokeAccess(h.deps, { id: request.id, actor: ADMIN }), InvalidTransitionError);
    assert.equal(await h.status(request.id), 'pending_approval');
    assert.deepEqual(await h.db.store.listAudit(request.id), before);
    assert.deepEqual((await h.db.jobs.listJobs(request.id)).map((job) => job.kind).sort(), jobsBefore);
  });

  test('a reason too long is refused before anything is written', async () => {
    const { id } = await invited();
    await assert.rejects(revokeAccess(h.deps, { id, actor: ADMIN, reason: 'x'.repeat(501) }), ValidationError);
    assert.equal(await h.status(id), 'invited');
  });

  test('a provisioning job that runs after the revoke does nothing', async () => {
    const id = await h.approved();
    await revokeAccess(h.deps, { id, actor: ADMIN, deleteGuest: true }); // the provision job is still queued
    await h.drain();
    assert.equal(await h.status(id), 'revoked');
    assert.deepEqual(h.directory.invites, [], 'nobody invited');
    assert.deepEqual(h.directory.groupAdds, [], 'no group granted');
    assert.deepEqual(h.mail, []);
    assert.deepEqual(await h.db.jobs.listJobs(id), []);
    const kept = (await h.db.store.listAudit(id)).find((entry) => entry.action === 'guest_kept');
    assert.match(kept?.reason ?? '', /No directory user was recorded/);
  });

  test('an invitation not redeemed in time expires and its groups are removed; the guest is kept', async () => {
    const { id, userId } = await invited();
    await h.drain({ includeRedemption: true, horizonMs: 31 * 24 * 3_600_000 });
    assert.equal(await h.status(id), 'expired');
    assert.deepEqual(members(GROUP_A), []);
    assert.deepEqual(members(GROUP_B), []);
    assert.deepEqual((await h.db.store.getProgress(id)).grantedGroupIds, []);
    assert.ok(h.directory.users.has(userId), 'expiry never deletes the guest');
    assert.deepEqual(h.directory.userDeletes, []);
  });

  test('the job does nothing for a request that is not revoked or expired', async () => {
    const { id } = await invited();
    await removeAccess({ ...h.deps, directory: h.directory, settings: SETTINGS, logger: silentLogger }, id, {
      deleteGuest: true,
    });
    assert.deepEqual(h.directory.groupRemovals, []);
    assert.equal(members(GROUP_A).length, 1);
  });
});
