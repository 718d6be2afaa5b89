// The provisioning_progress table (migrations/0004): what each provisioning step has
// learned, written with the next step's jobs in one transaction (the outbox again).
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DirectoryMatch, DirectoryUserState, ProvisioningProgress, Store } from '../../ports.ts';
import { auditToRow, type Codec, toDateOrNull } from './codec.ts';
import { insertJobs, type StoreContext } from './context.ts';
import type { ProvisioningProgressTable, Tables } from './schema.ts';

export const NO_PROGRESS: Readonly<ProvisioningProgress> = Object.freeze({
  directoryUserState: null,
  directoryUserAt: null,
  grantedGroupIds: [],
  invitationPostedAt: null,
  mailingInvitationPostedAt: null,
  mailingInvitationUserId: null,
  invitationEmailsSent: 0,
  confirmedMatch: null,
  matchCandidates: null,
  mailError: null,
  createdUserId: null,
});

export function progressStore(ctx: StoreContext): Pick<Store, 'getProgress' | 'recordProgress'> {
  const { db, codec } = ctx;
  return {
    async getProgress(requestId) {
      const row = await db
        .selectFrom('provisioning_progress')
        .selectAll()
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row ? progressFromRow(row) : { ...NO_PROGRESS, grantedGroupIds: [] };
    },

    async recordProgress(input) {
      const saved = await db.transaction().execute(async (trx) => {
        // The status guard: a run that lost the race (the request was revoked, or another
        // run moved it on) records nothing. On PostgreSQL the row lock taken here also
        // serializes two runs recording for the same request.
        const result = await trx
          .updateTable('access_requests')
          .set({
            updated_at: codec.time(input.at),
            ...(input.directoryUser
              ? { directory_user_id: input.directoryUser.id, redeem_url: input.directoryUser.redeemUrl }
              : {}),
          })
          .where('id', '=', input.requestId)
          .where('status', 'in', [...input.expectedStatus])
          .$if(input.noDirectoryUserYet === true, (q) => q.where('directory_user_id', 'is', null))
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        if (input.progress) await writeProgress(trx, codec, input.requestId, input.progress);
        if (input.audit) await trx.insertInto('audit_events').values(auditToRow(input.audit, codec)).execute();
        await insertJobs(ctx, trx, input.jobs ?? [], input.at);
        return true;
      });
      if (saved && (input.jobs?.length ?? 0) > 0) ctx.listeners.fire();
      return saved;
    },
  };
}

/** Upserts the given fields inside the caller's transaction (store.ts's saveTransition uses it too). */
export async function writeProgress(
  trx: Kysely<Tables>,
  codec: Codec,
  requestId: string,
  progress: Partial<ProvisioningProgress>,
): Promise<void> {
  if (Object.keys(progress).length === 0) return;
  const values = progressToRow(progress, codec);
  await trx
    .insertInto('provisioning_progress')
    .values({ granted_group_ids: '[]', invitation_emails_sent: 0, ...values, request_id: requestId })
    .onConflict((oc) => oc.column('request_id').doUpdateSet(values))
    .execute();
}

type ProgressRow = Partial<Omit<Insertable<ProvisioningProgressTable>, 'request_id'>>;

function progressFromRow(row: Selectable<ProvisioningProgressTable>): ProvisioningProgress {
  return {
    directoryUserState: row.directory_user_state as DirectoryUserState | null,
    directoryUserAt: toDateOrNull(row.directory_user_at),
    grantedGroupIds: JSON.parse(row.granted_group_ids) as string[],
    invitationPostedAt: toDateOrNull(row.invitation_posted_at),
    mailingInvitationPostedAt: toDateOrNull(row.mailing_invitation_posted_at),
    mailingInvitationUserId: row.mailing_invitation_user_id,
    invitationEmailsSent: Number(row.invitation_emails_sent),
    confirmedMatch: row.confirmed_match,
    matchCandidates:
      row.match_candidates === null ? null : (JSON.parse(row.match_candidates) as DirectoryMatch[]).map(reviveMatch),
    mailError: row.mail_error,
    createdUserId: row.created_user_id ?? null,
  };
}

/** Only the fields given: an update never clears what another step recorded. */
function progressToRow(progress: Partial<ProvisioningProgress>, codec: Codec): ProgressRow {
  const row: ProgressRow = {};
  const time = (date: Date | null) => (date === null ? null : codec.time(date));
  if (progress.directoryUserState !== undefined) row.directory_user_state = progress.directoryUserState;
  if (progress.directoryUserAt !== undefined) row.directory_user_at = time(progress.directoryUserAt);
  if (progress.grantedGroupIds !== undefined) row.granted_group_ids = JSON.stringify(progress.grantedGroupIds);
  if (progress.invitationPostedAt !== undefined) row.invitation_posted_at = time(progress.invitationPostedAt);
  if (progress.mailingInvitationUserId !== undefined) row.mailing_invitation_user_id = progress.mailingInvitationUserId;
  if (progress.mailingInvitationPostedAt !== undefined) {
    row.mailing_invitation_posted_at = time(progress.mailingInvitationPostedAt);
  }
  if (progress.invitationEmailsSent !== undefined) row.invitation_emails_sent = progress.invitationEmailsSent;
  if (progress.confirmedMatch !== undefined) row.confirmed_match = progress.confirmedMatch;
  if (progress.matchCandidates !== undefined) {
    row.match_candidates = progress.matchCandidates === null ? null : JSON.stringify(progress.matchCandidates);
  }
  if (progress.mailError !== undefined) row.mail_error = progress.mailError;
  if (progress.createdUserId !== undefined) row.created_user_id = progress.createdUserId;
  return row;
}

function reviveMatch(match: DirectoryMatch): DirectoryMatch {
  const createdAt = match.user.createdAt as unknown as string | null;
  return { ...match, user: { ...match.user, createdAt: createdAt === null ? null : new Date(createdAt) } };
}
