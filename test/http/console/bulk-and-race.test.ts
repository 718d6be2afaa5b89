// Deciding many at once, and two approvers deciding one request at once: one decision,
// the other told who made it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeStatus } from '../../../src/app/change-status.ts';
import { WORKER } from '../../../src/domain/actor.ts';
import type { Store } from '../../../src/ports.ts';
import { signIn, testApp } from '../../helpers/app.ts';
import { webClient } from '../../helpers/web.ts';
import { inState, person, requesterSees, stored } from './fixtures.ts';

test('bulk approve decides each ticked request, and skips the one someone else decided first', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const [a, b, c] = [await stored(app.db.store), await stored(app.db.store), await stored(app.db.store)];
  const bob = webClient(app.app);
  const alice = webClient(app.app);
  await signIn(app, bob, 'approver', person('Bob Approver'));
  await signIn(app, alice, 'admin', person('Alice Admin'));
  await bob.get('/admin'); // the queue Bob ticks from
  await alice.get(`/admin/requests/${c.id}`);
  assert.equal((await alice.post(`/admin/requests/${c.id}/reject`, { reason: 'Unknown company' })).statusCode, 303);

  const res = await bob.post('/admin/requests/bulk', { ids: [a.id, b.id, c.id], action: 'approve' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(res.body, /<h2 id="decided">Approved: 2<\/h2>/);
  assert.match(res.body, /<h2 id="skipped">Skipped: 1<\/h2>/);
  assert.match(res.body, /Nothing was changed: this request is already rejected, by Alice Admin at /);
  assert.equal((await app.db.store.getRequest(a.id))?.status, 'approved');
  assert.equal((await app.db.store.getRequest(b.id))?.status, 'approved');
  assert.equal((await app.db.store.getRequest(c.id))?.status, 'rejected');
  assert.match((await app.db.store.listAudit(a.id)).at(-1)!.actor, /Bob Approver$/);
});

test('bulk reject needs a reason (400, error beside it, ticks kept, nothing changed), then rejects each', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const [a, b] = [await stored(app.db.store), await stored(app.db.store)];
  const approved = await inState(app.db.store, 'approved');
  const bob = webClient(app.app);
  await signIn(app, bob, 'approver');
  await bob.get('/admin');

  const missing = await bob.post('/admin/requests/bulk', { ids: [a.id, b.id], action: 'reject', reason: ' ' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /id="field-reason-error">Enter the reason for rejecting/);
  assert.match(missing.body, new RegExp(`value="${a.id}" id="select-${a.id}" checked`));
  assert.equal((await app.db.store.getRequest(a.id))?.status, 'pending_approval');

  const none = await bob.post('/admin/requests/bulk', { action: 'approve' });
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Select at least one request/);

  const res = await bob.post('/admin/requests/bulk', {
    ids: [a.id, b.id, approved.id],
    action: 'reject',
    reason: 'Not a partner',
    share: 'yes',
  });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Rejected: 2/);
  assert.match(res.body, /Skipped: 1/);
  for (const id of [a.id, b.id]) {
    assert.equal((await app.db.store.getRequest(id))?.reason, 'Not a partner');
    assert.equal((await requesterSees(app, id)).sharedReason, 'Not a partner', 'shared with each requester');
  }
  assert.equal((await app.db.store.getRequest(approved.id))?.status, 'approved');

  // Without the box ticked, the requesters are not told the reason.
  const c = await stored(app.db.store);
  await bob.get('/admin');
  const kept = await bob.post('/admin/requests/bulk', { ids: [c.id], action: 'reject', reason: 'Vendor review' });
  assert.equal(kept.statusCode, 200);
  const seen = await requesterSees(app, c.id);
  assert.equal(seen.sharedReason, null);
  assert.doesNotMatch(seen.email, /Vendor review/);
});

/** Holds the first two reads of a request until both have been made (as test/http/approver-race.test.ts). */
function bothReadFirst() {
  const arrivals: Array<() => void> = [];
  const wrap = (store: Store): Store => ({
    ...store,
    async getRequest(id) {
      const request = await store.getRequest(id);
      if (arrivals.length < 2) {
        const released = Promise.withResolvers<void>();
        arrivals.push(released.resolve);
        if (arrivals.length === 2) for (const release of arrivals) release();
        const guard = setTimeout(released.resolve, 10_000);
        await released.promise;
        clearTimeout(guard);
      }
      return request;
    },
  });
  return { wrap, arrivals };
}

test('two approvers deciding one request at once: one decision; the other is told who decided, nothing changed', async (t) => {
  const barrier = bothReadFirst();
  let armed = false;
  const app = await testApp({
    wrapStore: (store) => ({ ...store, getRequest: (id) => (armed ? barrier.wrap(store) : store).getRequest(id) }),
  });
  t.after(() => app.close());
  const request = await stored(app.db.store);
  const bob = webClient(app.app);
  const carol = webClient(app.app);
  await signIn(app, bob, 'approver', person('Bob Approver'));
  await signIn(app, carol, 'approver', person('Carol Approver'));
  await bob.get(`/admin/requests/${request.id}`);
  await carol.get(`/admin/requests/${request.id}`);

  armed = true;
  const [approve, reject] = await Promise.all([
    bob.post(`/admin/requests/${request.id}/approve`, {}),
    carol.post(`/admin/requests/${request.id}/reject`, { reason: 'Unknown company' }),
  ]);
  assert.equal(barrier.arrivals.length >= 2, true, 'both read the request before either wrote');
  assert.deepEqual([approve.statusCode, reject.statusCode].sort(), [303, 409]);
  const [winner, loser] = approve.statusCode === 303 ? ['Bob Approver', reject] : ['Carol Approver', approve];
  const status = approve.statusCode === 303 ? 'approved' : 'rejected';
  assert.match(loser.body, new RegExp(`Nothing was changed: this request is already ${status}, by ${winner} at `));
  const decisions = (await app.db.store.listAudit(request.id)).filter(
    (e) => e.action === 'approve' || e.action === 'reject',
  );
  assert.equal(decisions.length, 1, 'one decision in the history');
  assert.equal((await app.db.store.getRequest(request.id))?.status, status);
});

test('the loser of a race is told which person decided, even once the worker has taken the approval up', async (t) => {
  const app = await testApp();
  t.after(() => app.close());
  const request = await stored(app.db.store);
  const bob = webClient(app.app);
  const alice = webClient(app.app);
  await signIn(app, bob, 'approver', person('Bob Approver'));
  await signIn(app, alice, 'admin', person('Alice Admin'));
  await bob.get(`/admin/requests/${request.id}`);
  await alice.get(`/admin/requests/${request.id}`);
  assert.equal((await alice.post(`/admin/requests/${request.id}/approve`, {})).statusCode, 303);
  const deps = { store: app.db.store, clock: app.clock, ids: app.ids };
  const approved = (await app.db.store.getRequest(request.id))!;
  await changeStatus(deps, { request: approved, event: { type: 'start_provisioning' }, actor: WORKER });

  const late = await bob.post(`/admin/requests/${request.id}/reject`, { reason: 'Unknown company' });
  assert.equal(late.statusCode, 409);
  assert.match(
    late.body,
    /Nothing was changed: Alice Admin already approved this request at 2026-03-01 09:00 UTC; it is now being set up\./,
  );
});
