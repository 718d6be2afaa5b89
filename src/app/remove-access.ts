// The `revoke_access` job: after a request is revoked or has expired, remove the user from
// each group this request granted (provisioning_progress.grantedGroupIds), each removal
// recorded at once with its audit entry so a retry removes only what is left, then — only
// when the revoke asked for it and this request's invitation created the user — delete the
// guest account. A user the request found (a member, a guest invited before) is never
// deleted: the audit trail says why it was kept.
//
// Graph answers 404 when the user is not a member (removed already, by an earlier run or
// in Entra): the goal holds, so that is success. But Entra is eventually consistent: within
// the not-found window after the user was recorded, a 404 may be a membership (or a user)
// that has not replicated yet and would reappear after we gave up, so it is retried as
// replication lag (domain/replication-lag.ts); after the window it is taken as done.
// Residuals: a membership added later than the user was recorded (a slow grant retry) gets
// less of the window; a grant run that outlived its lease could add a group after this job
// removed it (it checks its `held` signal before each add). And a group the person was
// already in is recorded as granted (Graph's "already a member" cannot be told from our own
// earlier add whose answer was lost), so revoking removes it too. Each removal is in the
// history for an admin to check.
import { auditActor, WORKER } from '../domain/actor.ts';
import { DirectoryError } from '../domain/directory-error.ts';
import type { AccessRequest, Status } from '../domain/lifecycle.ts';
import { notFoundAsLag, ReplicationLagError } from '../domain/replication-lag.ts';
import type { JobPayload, NewJob, ProvisioningProgress } from '../ports.ts';
import { describeFailure } from './fail-request.ts';
import type { ProvisionDeps } from './provision-guest.ts';

/** The states whose access this job takes away (both final: nothing moves them on). */
const ENDED: readonly Status[] = ['revoked', 'expired'];

export function removeAccessJob(requestId: string, now: Date, deleteGuest: boolean): NewJob {
  return { kind: 'revoke_access', requestId, runAt: now, payload: { deleteGuest } };
}

export async function removeAccess(
  deps: ProvisionDeps,
  requestId: string,
  asked: JobPayload | undefined,
  held?: AbortSignal,
): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  if (!request || !ENDED.includes(request.status)) return;
  const progress = await deps.store.getProgress(requestId);
  const userId = request.directoryUserId;
  if (!userId) {
    // Revoked before provisioning found or invited anyone: nothing was granted.
    if (asked?.deleteGuest)
      await note(deps, request, 'guest_kept', 'No directory user was recorded for this request; nothing to delete.');
    return;
  }
  let remaining = [...progress.grantedGroupIds];
  for (const groupId of progress.grantedGroupIds) {
    held?.throwIfAborted();
    const outcome = await deps.directory.removeFromGroup(groupId, userId);
    if (outcome === 'absent') throwIfLag(deps, progress, `Removing user ${userId} from group ${groupId}`);
    remaining = remaining.filter((id) => id !== groupId);
    const said =
      outcome === 'removed'
        ? `Removed user ${userId} from group ${groupId}.`
        : `User ${userId} was no longer a member of group ${groupId} (Entra answered 404); nothing to remove.`;
    if (!(await note(deps, request, 'access_removed', said, { grantedGroupIds: remaining }))) return;
  }
  if (asked?.deleteGuest) await deleteGuest(deps, request, userId, progress, held);
}

/**
 * The job gave up (Graph refused for good, or every attempt failed): the request stays
 * revoked or expired, and its history says what is left for an admin to remove by hand.
 */
export async function recordRemovalFailure(deps: ProvisionDeps, requestId: string, error: unknown): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  if (!request || !ENDED.includes(request.status)) return;
  const left = (await deps.store.getProgress(requestId)).grantedGroupIds;
  const groups = left.length > 0 ? ` Still a member of: ${left.join(', ')}.` : '';
  await note(deps, request, 'access_removal_failed', `Removing access failed: ${describeFailure(error)}${groups}`);
}

async function deleteGuest(
  deps: ProvisionDeps,
  request: AccessRequest,
  userId: string,
  progress: ProvisioningProgress,
  held: AbortSignal | undefined,
): Promise<void> {
  if (progress.createdUserId !== userId) {
    await note(
      deps,
      request,
      'guest_kept',
      `User ${userId} was not deleted: this request did not create it (it found, or re-invited, a user who already existed).`,
    );
    return;
  }
  // A second guard, from Entra's side: a lookup can miss a user who exists (lag, an address
  // held where the query does not look), and POST /invitations then returns that user. One
  // created before this request was, or a member, is not this request's to delete.
  const user = await deps.directory.getUser(userId);
  if (user && (user.userType !== 'Guest' || (user.createdAt !== null && user.createdAt < request.createdAt))) {
    await note(
      deps,
      request,
      'guest_kept',
      `User ${userId} was not deleted: Entra shows a ${user.userType === 'Guest' ? 'guest created before this request' : 'member'}, so this request did not create it.`,
    );
    return;
  }
  held?.throwIfAborted();
  let outcome: 'deleted' | 'absent';
  try {
    outcome = await deps.directory.deleteUser(userId);
  } catch (error) {
    // Not allowed to delete users (User.ReadWrite.All is optional): the groups are gone,
    // the account stays, and the history says what to grant or do by hand.
    if (!(error instanceof DirectoryError) || error.httpStatus !== 403) throw error;
    await note(deps, request, 'guest_kept', `User ${userId} was not deleted: ${error.describe()}`);
    return;
  }
  if (outcome === 'absent') throwIfLag(deps, progress, `Deleting user ${userId}`);
  await note(
    deps,
    request,
    'guest_deleted',
    outcome === 'deleted'
      ? `Deleted the guest account ${userId} this request had invited (Entra keeps it restorable for 30 days).`
      : `The guest account ${userId} was already gone (Entra answered 404).`,
  );
}

/** A 404 within the not-found window may be replication lag: throw it to be retried. */
function throwIfLag(deps: ProvisionDeps, progress: ProvisioningProgress, what: string): void {
  const notFound = new DirectoryError({
    message: `${what}: not found.`,
    transient: false,
    graphCode: 'Request_ResourceNotFound',
    httpStatus: 404,
  });
  const judged = notFoundAsLag(notFound, {
    since: progress.directoryUserAt,
    now: deps.clock.now(),
    windowMs: deps.settings.notFoundWindowMs,
    what,
  });
  if (judged instanceof ReplicationLagError) throw judged;
}

/** One audit entry (and progress), guarded on the ended status; false if it moved (it cannot). */
function note(
  deps: ProvisionDeps,
  request: AccessRequest,
  action: 'access_removed' | 'guest_deleted' | 'guest_kept' | 'access_removal_failed',
  reason: string,
  progress?: Partial<ProvisioningProgress>,
): Promise<boolean> {
  const now = deps.clock.now();
  return deps.store.recordProgress({
    requestId: request.id,
    expectedStatus: [request.status],
    at: now,
    ...(progress ? { progress } : {}),
    audit: {
      id: deps.ids.next(),
      requestId: request.id,
      actor: auditActor(WORKER),
      action,
      fromStatus: request.status,
      toStatus: request.status,
      reason,
      at: now,
    },
  });
}
