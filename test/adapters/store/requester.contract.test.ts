// The Store's requester-facing methods (migrations/0008), on every database: the
// verification-email slot that one caller wins, the emails recorded, status tokens, shared
// reasons (written with the move) and requester notices claimed once.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { type DatabaseFactory, databaseFactories } from '../../helpers/databases.ts';
import { anAudit, aRequest, at, moveTo, T0 } from './fixtures.ts';

const MINUTE = 60_000;

async function fresh(t: TestContext, factory: DatabaseFactory) {
  const opened = await factory.open();
  t.after(() => opened.close());
  return opened;
}

for (const factory of databaseFactories) {
  describe(`Store contract, requester side: ${factory.name}`, () => {
    test('the verification slot: one winner at a time, free again after the interval, given back when unsent', async (t) => {
      const { db, openAnother } = await fresh(t, factory);
      const other = openAnother ? await openAnother() : db;
      const email = 'owner@example.org';
      const takes = await Promise.all([
        db.store.takeVerificationSlot(email, T0, 15 * MINUTE),
        other.store.takeVerificationSlot(email, T0, 15 * MINUTE),
      ]);
      assert.deepEqual(takes.map((each) => each.taken).sort(), [false, true], 'exactly one caller wins');
      assert.deepEqual(
        takes.find((each) => !each.taken),
        { taken: false, freeAt: at(15 * MINUTE) },
      );
      assert.deepEqual(await db.store.takeVerificationSlot(email, at(14 * MINUTE), 15 * MINUTE), {
        taken: false,
        freeAt: at(15 * MINUTE),
      });
      assert.deepEqual(await db.store.takeVerificationSlot(email, at(15 * MINUTE), 15 * MINUTE), {
        taken: true,
        previous: T0,
      });
      // Nothing was sent: the slot goes back to the earlier email's time, so it is free again.
      await db.store.releaseVerificationSlot(email, at(15 * MINUTE), T0);
      assert.equal((await db.store.takeVerificationSlot(email, at(16 * MINUTE), 15 * MINUTE)).taken, true);
      // A release for a slot someone else has taken since changes nothing.
      await db.store.releaseVerificationSlot(email, at(15 * MINUTE), T0);
      assert.equal((await db.store.takeVerificationSlot(email, at(17 * MINUTE), 15 * MINUTE)).taken, false);
    });

    test('unmailed requests: oldest first, limited, and gone from the list once an email carried them', async (t) => {
      const { db } = await fresh(t, factory);
      const email = 'flood@example.org';
      const requests = [0, 1, 2].map((i) =>
        aRequest({ email, status: 'pending_verification', createdAt: at(i * MINUTE) }),
      );
      for (const request of [...requests].reverse()) await db.store.insertRequest(request, anAudit(request), []);
      const confirmed = aRequest({ email, status: 'pending_approval', createdAt: at(-MINUTE) });
      await db.store.insertRequest(confirmed, anAudit(confirmed), []);
      assert.deepEqual(
        (await db.store.listUnmailedVerifications(email, 2)).map((r) => r.id),
        [requests[0]!.id, requests[1]!.id],
      );
      await db.store.recordVerificationEmail({ email, requestIds: [requests[0]!.id], sentAt: T0 });
      assert.equal(await db.store.countVerificationEmails(requests[0]!.id), 1);
      assert.equal(await db.store.countVerificationEmails(requests[1]!.id), 0);
      assert.deepEqual(
        (await db.store.listUnmailedVerifications(email, 10)).map((r) => r.id),
        [requests[1]!.id, requests[2]!.id],
      );
    });

    test('status tokens by hash; the latest verification link; a shared reason only with its move', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest();
      await db.store.insertRequest(request, anAudit(request), []);
      const token = { hash: 'a'.repeat(64), requestId: request.id, expiresAt: at(MINUTE), createdAt: T0 };
      await db.store.insertStatusToken(token);
      assert.deepEqual(await db.store.findStatusToken(token.hash), token);
      assert.equal(await db.store.findStatusToken('b'.repeat(64)), null);

      assert.equal(await db.store.latestVerificationExpiry(request.id), null);
      for (const minutes of [60, 90, 30]) {
        await db.store.insertVerificationToken({
          hash: String(minutes).padEnd(64, 'c'),
          requestId: request.id,
          expiresAt: at(minutes * MINUTE),
          createdAt: T0,
        });
      }
      assert.deepEqual(await db.store.latestVerificationExpiry(request.id), at(90 * MINUTE));

      assert.equal(await db.store.isReasonShared(request.id), false);
      const stale = moveTo({ ...request, status: 'approved' }, 'rejected', at(1));
      assert.equal(await db.store.saveTransition({ ...stale, shareReason: true }), false);
      assert.equal(await db.store.isReasonShared(request.id), false, 'a move not made shares nothing');
      assert.equal(await db.store.saveTransition({ ...moveTo(request, 'rejected', at(2)), shareReason: true }), true);
      assert.equal(await db.store.isReasonShared(request.id), true);
    });

    test('a requester notice is claimed once, and can be given back', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest();
      await db.store.insertRequest(request, anAudit(request), []);
      const claims = await Promise.all([
        db.store.recordRequesterNotice(request.id, 'reject', T0),
        db.store.recordRequesterNotice(request.id, 'reject', T0),
      ]);
      assert.deepEqual(claims.sort(), [false, true]);
      assert.deepEqual(await db.store.listRequesterNotices(request.id), ['reject']);
      await db.store.releaseRequesterNotice(request.id, 'reject');
      assert.deepEqual(await db.store.listRequesterNotices(request.id), []);
      assert.equal(await db.store.recordRequesterNotice(request.id, 'reject', T0), true);
    });
  });
}
