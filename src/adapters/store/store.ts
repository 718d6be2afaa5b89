// The Store port over Kysely, one implementation for both dialects. Every method is one
// statement or one transaction; nothing here calls the network (invariant 2).
import { ConflictError } from '../../domain/errors.ts';
import { FINAL_STATUSES } from '../../domain/lifecycle.ts';
import type { Store } from '../../ports.ts';
import { apiTokenMethods } from './api-tokens.ts';
import { appMethods } from './apps.ts';
import {
  auditFromRow,
  auditToRow,
  linkTokenFromRow,
  messageFromRow,
  messageToRow,
  requestFromRow,
  requestToRow,
} from './codec.ts';
import { insertJobs, isUniqueViolation, type StoreContext } from './context.ts';
import { directoryPauseMethods } from './directory-pause.ts';
import { progressStore, writeProgress } from './progress.ts';
import { requesterMethods } from './requester-store.ts';

export function createStore(
  ctx: StoreContext,
  lifecycle: { isReady(): Promise<boolean>; close(): Promise<void> },
): Store {
  const { db, codec } = ctx;
  const time = codec.time;

  return {
    async insertRequest(request, audit, jobs) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('access_requests').values(requestToRow(request, codec)).execute();
        await trx.insertInto('audit_events').values(auditToRow(audit, codec)).execute();
        await insertJobs(ctx, trx, jobs, audit.at);
      });
      if (jobs.length > 0) ctx.listeners.fire(); // after the commit: the jobs are visible
    },

    async getRequest(id) {
      const row = await db.selectFrom('access_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? requestFromRow(row) : null;
    },

    async listOpenRequestsByEmail(email, appId) {
      const rows = await db
        .selectFrom('access_requests')
        .selectAll()
        .where('email', '=', email)
        .where('status', 'not in', FINAL_STATUSES)
        .$if(appId !== undefined, (q) => q.where('app_id', '=', appId!))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(requestFromRow);
    },

    async listAudit(requestId) {
      const rows = await db
        .selectFrom('audit_events')
        .select(['id', 'request_id', 'actor', 'action', 'from_status', 'to_status', 'reason', 'at'])
        .where('request_id', '=', requestId)
        .orderBy('seq')
        .execute();
      return rows.map(auditFromRow);
    },

    async saveTransition({ next, expectedStatus, audit, jobs, progress, shareReason }) {
      const { id, created_at: _createdAt, ...changes } = requestToRow(next, codec);
      const saved = await db
        .transaction()
        .execute(async (trx) => {
          // The guard of invariant 4: only the actor who still sees `expectedStatus` writes.
          // On PostgreSQL a concurrent writer blocks on the row lock, then re-checks this
          // condition against the committed row and updates nothing.
          const result = await trx
            .updateTable('access_requests')
            .set(changes)
            .where('id', '=', id)
            .where('status', '=', expectedStatus)
            .executeTakeFirst();
          if (result.numUpdatedRows === 0n) return false;
          await trx.insertInto('audit_events').values(auditToRow(audit, codec)).execute();
          if (progress) await writeProgress(trx, codec, next.id, progress);
          if (shareReason)
            await trx
              .insertInto('shared_reasons')
              .values({ request_id: next.id, at: time(audit.at) })
              .execute();
          await insertJobs(ctx, trx, jobs, audit.at);
          return true;
        })
        .catch((error: unknown) => {
          // migrations/0013 (narrowing 0003): another request for this address is being
          // provisioned. Only start_provisioning can meet this; its job waits (provision-guest.ts).
          if (isUniqueViolation(error)) {
            throw new ConflictError(
              'provisioning_in_progress',
              'Another request for this address is being provisioned; this one starts when it is done.',
            );
          }
          throw error;
        });
      if (saved && jobs.length > 0) ctx.listeners.fire();
      return saved;
    },

    ...progressStore(ctx),

    ...apiTokenMethods(ctx),
    ...appMethods(ctx),

    async insertVerificationToken(token) {
      await db
        .insertInto('verification_tokens')
        .values({
          token_hash: token.hash,
          request_id: token.requestId,
          expires_at: time(token.expiresAt),
          created_at: time(token.createdAt),
        })
        .execute();
    },

    async findVerificationToken(hash) {
      const row = await db
        .selectFrom('verification_tokens')
        .selectAll()
        .where('token_hash', '=', hash)
        .executeTakeFirst();
      return row ? linkTokenFromRow(row) : null;
    },

    async insertSandboxMessage(message) {
      await db.insertInto('sandbox_messages').values(messageToRow(message, codec)).execute();
    },

    async listSandboxMessages() {
      const rows = await db.selectFrom('sandbox_messages').selectAll().orderBy('sent_at').orderBy('id').execute();
      return rows.map(messageFromRow);
    },

    ...directoryPauseMethods(ctx),
    ...requesterMethods(ctx),

    isReady: lifecycle.isReady,
    close: lifecycle.close,
  };
}
