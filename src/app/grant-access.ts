// Provisioning, step 2 of 3: add the recorded user to each of the app's groups (and assign
// its app role, if it has one), then move
// the request on — `invited` (with Guestlist's invitation email and the redemption check
// committed in the same transaction) or `active` for a member or a guest who has redeemed.
// Each group granted is recorded at once, so a retry grants only what is left, and never
// invites again. A 404 on members/$ref for the user this request recorded is replication
// lag for a bounded window (domain/replication-lag.ts).

import { WORKER } from '../domain/actor.ts';
import { DirectoryError } from '../domain/directory-error.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { notFoundAsLag } from '../domain/replication-lag.ts';
import type { NewJob } from '../ports.ts';
import { activation } from './access-end.ts';
import { changeStatus } from './change-status.ts';
import type { ProvisionDeps } from './provision-guest.ts';

export async function grantAccess(deps: ProvisionDeps, requestId: string, held?: AbortSignal): Promise<void> {
  try {
    await grant(deps, requestId, held);
  } catch (error) {
    // Another run of this step moved the request first (a grant job that ran twice): done.
    if (error instanceof InvalidTransitionError) return;
    throw error;
  }
}

async function grant(deps: ProvisionDeps, requestId: string, held: AbortSignal | undefined): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  const userId = request?.directoryUserId;
  // Revoked meanwhile, or an earlier run finished: nothing to do.
  if (request?.status !== 'provisioning' || !userId) return;
  const progress = await deps.store.getProgress(request.id);
  const granted = [...progress.grantedGroupIds];
  for (const groupId of deps.settings.groupIds) {
    if (granted.includes(groupId)) continue;
    held?.throwIfAborted();
    try {
      await deps.directory.addToGroup(groupId, userId); // "already a member" is success (adapter)
    } catch (error) {
      if (namesGroup(error, groupId)) {
        // Graph names the missing object: here the group, not the new guest. No lag here.
        throw new DirectoryError({
          message: `The group ${groupId} (GUESTLIST_GROUP_IDS) does not exist in this tenant: ${(error as DirectoryError).message}`,
          transient: false,
          graphCode: (error as DirectoryError).graphCode,
          httpStatus: 404,
          requestId: (error as DirectoryError).requestId,
          cause: error,
        });
      }
      throw notFoundAsLag(error, {
        since: progress.directoryUserAt,
        now: deps.clock.now(),
        windowMs: deps.settings.notFoundWindowMs,
        what: `Adding user ${userId} to group ${groupId}`,
      });
    }
    granted.push(groupId);
    const recorded = await deps.store.recordProgress({
      requestId: request.id,
      expectedStatus: ['provisioning'],
      at: deps.clock.now(),
      progress: { grantedGroupIds: granted },
    });
    if (!recorded) return; // moved on meanwhile (revoked): stop granting
  }
  const appRole = deps.settings.appRole;
  if (appRole) {
    held?.throwIfAborted();
    // After the groups; an existing assignment is success (the adapter), so a retry of this
    // step assigns again harmlessly. A 404 for the user this request recorded is lag.
    try {
      await deps.directory.assignAppRole({ ...appRole, userId });
    } catch (error) {
      throw notFoundAsLag(error, {
        since: progress.directoryUserAt,
        now: deps.clock.now(),
        windowMs: deps.settings.notFoundWindowMs,
        what: `Assigning app role ${appRole.appRoleId} of ${appRole.servicePrincipalId} to user ${userId}`,
      });
    }
  }
  if (progress.directoryUserState === 'pending') {
    await changeStatus(deps, {
      request,
      event: { type: 'invite', directoryUserId: userId, redeemUrl: request.redeemUrl },
      actor: WORKER,
      note:
        deps.settings.invitationEmail === 'guestlist'
          ? 'Invited; Guestlist emails the invitation.'
          : 'Invited; Microsoft emails the invitation.',
      jobs: (next, now) => afterInvite(deps, next, now),
    });
    return;
  }
  const active = activation(deps.settings.access, deps.clock.now(), userId);
  await changeStatus(deps, {
    request,
    event: active.event,
    jobs: active.jobs,
    actor: WORKER,
    note:
      progress.directoryUserState === 'member'
        ? 'Already a member of the directory.'
        : 'Already a guest who has redeemed.',
  });
}

function afterInvite(deps: ProvisionDeps, request: AccessRequest, now: Date): NewJob[] {
  const jobs: NewJob[] = [redemptionCheck(request, now, deps.settings.redemptionCheckFirstMs)];
  if (deps.settings.invitationEmail === 'guestlist')
    jobs.push({ kind: 'send_invitation', requestId: request.id, runAt: now });
  return jobs;
}

/** A 404 whose message names the group: "Resource '<group id>' does not exist …". */
function namesGroup(error: unknown, groupId: string): boolean {
  return (
    error instanceof DirectoryError &&
    error.httpStatus === 404 &&
    error.message.toLowerCase().includes(groupId.toLowerCase())
  );
}

export function redemptionCheck(request: AccessRequest, now: Date, delayMs: number): NewJob {
  return { kind: 'check_redemption', requestId: request.id, runAt: new Date(now.getTime() + delayMs) };
}
