// The Store's approval-stage methods (ports.ts; migrations/0014, 0015): a pending request's
// progress through its stages, approvers' links and emails, and the staff directory.
import type { Selectable, UpdateQueryBuilder } from 'kysely';
import type { ApprovalPlan } from '../../domain/approval-stages.ts';
import { isRole } from '../../domain/roles.ts';
import type { ApprovalLink, ApproverNotice, Store } from '../../ports.ts';
import { auditToRow, toDate, toDateOrNull } from './codec.ts';
import { insertJobs, type StoreContext } from './context.ts';
import type { ApprovalLinksTable, Tables } from './schema.ts';

type ApprovalMethods = Pick<
  Store,
  | 'getApprovalState'
  | 'saveStageChange'
  | 'insertApprovalLink'
  | 'findApprovalLink'
  | 'useApprovalLink'
  | 'claimApproverNotice'
  | 'releaseApproverNotice'
  | 'recordStaffSignIn'
  | 'listStaff'
>;

/** Narrows an update of access_requests to a request at exactly this stage and round. */
// biome-ignore lint/suspicious/noExplicitAny: the builder's output type does not matter here
export function whereAtStage<Q extends UpdateQueryBuilder<Tables, 'access_requests', 'access_requests', any>>(
  query: Q,
  at: { stage: number | null; round: number },
): Q {
  const narrowed =
    at.stage === null ? query.where('approval_stage', 'is', null) : query.where('approval_stage', '=', at.stage);
  return narrowed.where('approval_round', '=', at.round) as Q;
}

export function approvalMethods(ctx: StoreContext): ApprovalMethods {
  const { db, codec } = ctx;
  const time = codec.time;
  const noticeKey = (n: ApproverNotice) =>
    db
      .deleteFrom('approver_notices')
      .where('request_id', '=', n.requestId)
      .where('stage', '=', n.stage)
      .where('round', '=', n.round)
      .where('kind', '=', n.kind)
      .where('email', '=', n.email);
  return {
    async getApprovalState(requestId) {
      const row = await db
        .selectFrom('access_requests')
        .select(['approval_plan', 'approval_stage', 'approval_round', 'approval_stage_started_at'])
        .where('id', '=', requestId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        plan: row.approval_plan === null ? null : (JSON.parse(row.approval_plan) as ApprovalPlan),
        stage: row.approval_stage === null ? null : Number(row.approval_stage),
        round: Number(row.approval_round),
        startedAt: toDateOrNull(row.approval_stage_started_at),
      };
    },

    async saveStageChange({ requestId, expected, next, audit, jobs }) {
      const saved = await db.transaction().execute(async (trx) => {
        // Invariant 4 for a stage: the same row-level guard as saveTransition, on status
        // and stage, so of two approvers of one stage only the first moves it on.
        const update = trx
          .updateTable('access_requests')
          .set({
            approval_stage: next.stage,
            approval_round: next.round,
            approval_stage_started_at: time(next.startedAt),
            updated_at: time(audit.at),
            ...(next.plan ? { approval_plan: JSON.stringify(next.plan) } : {}),
          })
          .where('id', '=', requestId)
          .where('status', '=', 'pending_approval');
        const result = await whereAtStage(update, expected).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await trx.insertInto('audit_events').values(auditToRow(audit, codec)).execute();
        await insertJobs(ctx, trx, jobs, audit.at);
        return true;
      });
      if (saved && jobs.length > 0) ctx.listeners.fire();
      return saved;
    },

    async insertApprovalLink(link) {
      await db
        .insertInto('approval_links')
        .values({
          token_hash: link.hash,
          request_id: link.requestId,
          stage: link.stage,
          round: link.round,
          approver_email: link.approverEmail,
          expires_at: time(link.expiresAt),
          created_at: time(link.createdAt),
          used_at: link.usedAt === null ? null : time(link.usedAt),
        })
        .execute();
    },

    async findApprovalLink(hash) {
      const row = await db.selectFrom('approval_links').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return row ? linkFromRow(row) : null;
    },

    async useApprovalLink(hash, at) {
      const result = await db
        .updateTable('approval_links')
        .set({ used_at: time(at) })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async claimApproverNotice(notice, at) {
      const result = await db
        .insertInto('approver_notices')
        .values({
          request_id: notice.requestId,
          stage: notice.stage,
          round: notice.round,
          kind: notice.kind,
          email: notice.email,
          sent_at: time(at),
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async releaseApproverNotice(notice) {
      await noticeKey(notice).execute();
    },

    async recordStaffSignIn(member) {
      const values = {
        name: member.name,
        email: member.email,
        role: member.role,
        last_sign_in_at: time(member.lastSignInAt),
      };
      await db
        .insertInto('staff_directory')
        .values({ oid: member.oid, ...values })
        .onConflict((oc) => oc.column('oid').doUpdateSet(values))
        .execute();
    },

    async listStaff(role) {
      const rows = await db
        .selectFrom('staff_directory')
        .selectAll()
        .where('role', '=', role)
        .orderBy('name')
        .execute();
      return rows.map((row) => ({
        oid: row.oid,
        name: row.name,
        email: row.email,
        role: row.role !== null && isRole(row.role) ? row.role : null,
        lastSignInAt: toDate(row.last_sign_in_at),
      }));
    },
  };
}

function linkFromRow(row: Selectable<ApprovalLinksTable>): ApprovalLink {
  return {
    hash: row.token_hash,
    requestId: row.request_id,
    stage: Number(row.stage),
    round: Number(row.round),
    approverEmail: row.approver_email,
    expiresAt: toDate(row.expires_at),
    createdAt: toDate(row.created_at),
    usedAt: toDateOrNull(row.used_at),
  };
}
