// The Store's requester-facing methods (ports.ts; migrations/0008): the verification-email
// slot per address, the emails sent, status links, shared reasons and requester notices.
import type { Store } from '../../ports.ts';
import { linkTokenFromRow, requestFromRow, toDate } from './codec.ts';
import { isUniqueViolation, type StoreContext } from './context.ts';

type RequesterMethods = Pick<
  Store,
  | 'latestVerificationExpiry'
  | 'takeVerificationSlot'
  | 'releaseVerificationSlot'
  | 'listUnmailedVerifications'
  | 'recordVerificationEmail'
  | 'countVerificationEmails'
  | 'insertStatusToken'
  | 'findStatusToken'
  | 'isReasonShared'
  | 'listRequesterNotices'
  | 'recordRequesterNotice'
  | 'releaseRequesterNotice'
>;

export function requesterMethods(ctx: StoreContext): RequesterMethods {
  const { db } = ctx;
  const time = ctx.codec.time;
  return {
    async latestVerificationExpiry(requestId) {
      const row = await db
        .selectFrom('verification_tokens')
        .select('expires_at')
        .where('request_id', '=', requestId)
        .orderBy('expires_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toDate(row.expires_at) : null;
    },

    async takeVerificationSlot(email, now, intervalMs) {
      const cutoff = new Date(now.getTime() - intervalMs);
      const slot = () =>
        db.selectFrom('verification_slots').select('sent_at').where('email', '=', email).executeTakeFirst();
      const before = await slot();
      // One conditional statement decides, with no transaction held across awaits: of two
      // callers racing for the same address, the second finds the row already moved to a
      // time after the cutoff and writes nothing (PostgreSQL re-checks the WHERE on the
      // committed row; SQLite runs the statement under its write lock).
      const result = await db
        .insertInto('verification_slots')
        .values({ email, sent_at: time(now) })
        .onConflict((oc) =>
          oc
            .column('email')
            .doUpdateSet({ sent_at: time(now) })
            .where('verification_slots.sent_at', '<=', time(cutoff)),
        )
        .executeTakeFirst();
      if ((result.numInsertedOrUpdatedRows ?? 0n) > 0n) {
        return { taken: true, previous: before ? toDate(before.sent_at) : null };
      }
      const current = await slot();
      const last = current ? toDate(current.sent_at).getTime() : now.getTime();
      return { taken: false, freeAt: new Date(last + intervalMs) };
    },

    async releaseVerificationSlot(email, takenAt, previous) {
      // Guarded on `takenAt`: another worker may have taken a fresh slot since.
      if (previous === null) {
        await db
          .deleteFrom('verification_slots')
          .where('email', '=', email)
          .where('sent_at', '=', time(takenAt))
          .execute();
        return;
      }
      await db
        .updateTable('verification_slots')
        .set({ sent_at: time(previous) })
        .where('email', '=', email)
        .where('sent_at', '=', time(takenAt))
        .execute();
    },

    async listUnmailedVerifications(email, limit) {
      const rows = await db
        .selectFrom('access_requests')
        .selectAll()
        .where('email', '=', email)
        .where('status', '=', 'pending_verification')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('verification_emails')
                .select('verification_emails.id')
                .whereRef('verification_emails.request_id', '=', 'access_requests.id'),
            ),
          ),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(requestFromRow);
    },

    async recordVerificationEmail({ email, requestIds, sentAt }) {
      if (requestIds.length === 0) return;
      await db
        .insertInto('verification_emails')
        .values(
          requestIds.map((requestId) => ({ id: ctx.newId(), email, request_id: requestId, sent_at: time(sentAt) })),
        )
        .execute();
    },

    async countVerificationEmails(requestId) {
      const row = await db
        .selectFrom('verification_emails')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('request_id', '=', requestId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insertStatusToken(token) {
      await db
        .insertInto('status_tokens')
        .values({
          token_hash: token.hash,
          request_id: token.requestId,
          expires_at: time(token.expiresAt),
          created_at: time(token.createdAt),
        })
        .execute();
    },

    async findStatusToken(hash) {
      const row = await db.selectFrom('status_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return row ? linkTokenFromRow(row) : null;
    },

    async isReasonShared(requestId) {
      const row = await db
        .selectFrom('shared_reasons')
        .select('request_id')
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async listRequesterNotices(requestId) {
      const rows = await db
        .selectFrom('requester_notices')
        .select('event')
        .where('request_id', '=', requestId)
        .orderBy('sent_at')
        .execute();
      return rows.map((row) => row.event);
    },

    async recordRequesterNotice(requestId, event, at) {
      try {
        await db
          .insertInto('requester_notices')
          .values({ request_id: requestId, event, sent_at: time(at) })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async releaseRequesterNotice(requestId, event) {
      await db.deleteFrom('requester_notices').where('request_id', '=', requestId).where('event', '=', event).execute();
    },
  };
}
