// The provisioning job: find the person in Entra ID, invite them if absent, grant the
// app's groups, and record where they stand. Runs after commit, in the worker, and may
// run more than once for the same request (a crash, a timeout, a retry), so every step
// is safe to repeat and there is exactly one invitation EMAIL per request (invariant 3):
//   - look up before inviting: a guest created by an earlier attempt is found, and
//   - re-invite a found, pending guest with sendInvitationMessage: false — Graph returns
//     the same user and a fresh redeem URL without mailing them again (invitation-post.md).

import { DirectoryError } from '../domain/directory-error.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { displayName } from '../domain/person.ts';
import type { Directory, DirectoryUser, Invitation, InviteInput, Logger, NewJob } from '../ports.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

export interface ProvisioningSettings {
  redirectUrl: string;
  sendInvitationMessage: boolean;
  customMessage?: string | undefined;
  messageLanguage?: string | undefined;
  groupIds: readonly string[];
  /** First redemption check after this long (then backing off with age). */
  redemptionCheckFirstMs: number;
}

export interface ProvisionDeps extends ChangeStatusDeps {
  directory: Directory;
  settings: ProvisioningSettings;
  logger: Logger;
}

/** After an invitation whose outcome is unknown, wait this long before looking again. */
export const UNCERTAIN_INVITATION_RETRY_MS = 30_000;

/**
 * @param held aborted by the job runner when this run may no longer hold its job (its
 *   lease could not be renewed): the run must not start another invitation then.
 */
export async function provisionGuest(deps: ProvisionDeps, requestId: string, held?: AbortSignal): Promise<void> {
  try {
    await provision(deps, requestId, held);
  } catch (error) {
    // Another run moved the request first (an admin revoked it, or a run that outlived
    // its lease finished): this run is stale, and failing the request would be wrong.
    if (error instanceof InvalidTransitionError) {
      deps.logger.warn({ requestId, err: error }, 'provisioning found the request moved on; stopping');
      return;
    }
    throw error;
  }
}

async function provision(deps: ProvisionDeps, requestId: string, held: AbortSignal | undefined): Promise<void> {
  let request = await deps.store.getRequest(requestId);
  if (request?.status === 'approved') {
    request = await changeStatus(deps, { request, event: { type: 'start_provisioning' }, actor: 'worker' });
  }
  // Anything else means the job is stale (revoked meanwhile, or an earlier run finished).
  if (request?.status !== 'provisioning') return;

  const existing =
    (await deps.directory.findUserByEmail(request.email)) ??
    // An earlier run invited them (the id is recorded) and failed later, but the lookup
    // does not show the guest yet: Entra's directory is only eventually consistent.
    (request.directoryUserId ? await deps.directory.getUser(request.directoryUserId) : null);
  // A guest that already exists was invited before (by an earlier run of this job, or by
  // someone else): never mail them twice; a fresh redeem URL is all we need.
  const invitedBefore = existing !== null || request.directoryUserId !== null;
  if (existing && isRedeemedOrMember(existing)) {
    await grantGroups(deps, existing.id);
    await changeStatus(deps, {
      request,
      event: { type: 'activate', directoryUserId: existing.id },
      actor: 'worker',
      note: existing.userType === 'Member' ? 'Already a member of the directory.' : 'Already a guest who has redeemed.',
    });
    return;
  }

  held?.throwIfAborted();
  const invitation = await invite(deps, {
    email: request.email,
    displayName: displayName(request),
    redirectUrl: deps.settings.redirectUrl,
    sendInvitationMessage: invitedBefore ? false : deps.settings.sendInvitationMessage,
    customMessage: deps.settings.customMessage,
    messageLanguage: deps.settings.messageLanguage,
  });
  // Recorded at once, so a retry knows the guest exists (and mails no one) even before the
  // lookup shows them, and an admin can see the guest if granting fails and retries.
  await deps.store
    .recordDirectoryUser(request.id, {
      directoryUserId: invitation.userId,
      redeemUrl: invitation.redeemUrl,
      at: deps.clock.now(),
    })
    .catch((error: unknown) => {
      // Not recorded: the retry depends on the lookup again, so give it the same time.
      throw uncertain(error, 'database', 'The invitation was sent but could not be recorded.');
    });
  await grantGroups(deps, invitation.userId);
  await changeStatus(deps, {
    request,
    event: { type: 'invite', directoryUserId: invitation.userId, redeemUrl: invitation.redeemUrl },
    actor: 'worker',
    note: invitedBefore ? 'Existing guest re-invited without an email (new redeem URL).' : 'Invitation sent.',
    jobs: (next, now) => [redemptionCheck(next, now, deps.settings.redemptionCheckFirstMs)],
  });
}

/**
 * One POST /invitations. When it fails in a way that leaves its outcome unknown (a
 * timeout, a 5xx, a lost connection: Graph may have created the guest and mailed them),
 * the retry must find that guest by lookup, and Entra's directory is only eventually
 * consistent: a user created a moment ago may not be returned by $filter yet. So such a
 * retry waits UNCERTAIN_INVITATION_RETRY_MS, not the usual seconds. A 429 took no effect
 * and keeps its Retry-After.
 */
async function invite(deps: ProvisionDeps, input: InviteInput): Promise<Invitation> {
  try {
    return await deps.directory.invite(input);
  } catch (error) {
    if (!(error instanceof DirectoryError) || !error.transient || error.httpStatus === 429) throw error;
    throw uncertain(error, error.graphCode, error.message);
  }
}

/** A transient error whose retry waits long enough for the lookup to show a new guest. */
function uncertain(cause: unknown, graphCode: string, message: string): DirectoryError {
  const known = cause instanceof DirectoryError ? cause : null;
  return new DirectoryError({
    message,
    transient: true,
    graphCode,
    httpStatus: known?.httpStatus ?? null,
    requestId: known?.requestId ?? null,
    retryAfterMs: Math.max(known?.retryAfterMs ?? 0, UNCERTAIN_INVITATION_RETRY_MS),
    cause,
  });
}

function isRedeemedOrMember(user: DirectoryUser): boolean {
  return user.userType === 'Member' || user.externalUserState === 'Accepted';
}

async function grantGroups(deps: ProvisionDeps, userId: string): Promise<void> {
  for (const groupId of deps.settings.groupIds) {
    await deps.directory.addToGroup(groupId, userId); // "already a member" is success (adapter)
  }
}

export function redemptionCheck(request: AccessRequest, now: Date, delayMs: number): NewJob {
  return { kind: 'check_redemption', requestId: request.id, runAt: new Date(now.getTime() + delayMs) };
}
