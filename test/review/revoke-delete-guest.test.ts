// Review: in `guestlist` mode a POST /invitations whose answer was lost still created the
// guest; the retry's lookup finds that (pending) guest, and the request must still know its
// invitation created them, or a revoke with deleteGuest keeps an account this request made.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { revokeAccess } from '../../src/app/revoke-access.ts';
import { GROUP_A, type Harness, provisioningHarness } from '../app/provisioning-harness.ts';
import { transientError } from '../fakes/directory.ts';

const ADMIN = { kind: 'token', name: 'admin' } as const;
let h: Harness;
beforeEach(async () => {
  h = await provisioningHarness();
});
afterEach(() => h.close());

test('a guest created by a POST whose answer was lost is this request’s to delete on revoke', async () => {
  const id = await h.approved('lost@fabrikam.com');
  h.directory.failNext('invite', transientError(503), { afterEffect: true });
  await h.drain();
  const request = await h.db.store.getRequest(id);
  assert.equal(request?.status, 'invited');
  assert.equal(h.directory.users.size, 1, 'one guest, made by the lost POST');
  assert.equal((await h.db.store.getProgress(id)).createdUserId, request!.directoryUserId);
  await revokeAccess(h.deps, { id, actor: ADMIN, deleteGuest: true });
  await h.drain();
  assert.deepEqual(h.directory.userDeletes, [request!.directoryUserId]);
  assert.deepEqual([...(h.directory.groups.get(GROUP_A) ?? [])], []);
});

test('a pending guest created before the lost POST is still kept', async () => {
  h.directory.addUser({
    id: 'old-guest',
    mail: 'old@fabrikam.com',
    createdAt: new Date(h.clock.now().getTime() - 86_400_000),
  });
  const id = await h.approved('old@fabrikam.com');
  h.directory.failNext('invite', transientError(503), { afterEffect: true });
  await h.drain();
  assert.equal((await h.db.store.getProgress(id)).createdUserId, null);
});
