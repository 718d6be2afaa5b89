// The scheduled check that moves `invited` to `active` once the guest has redeemed, and
// to `expired` when they have not within the configured time. Redemption is decided on
// externalUserState first (domain/directory-match.ts: PendingAcceptance is pending
// whatever userType says; null on a guest counts as redeemed). Directory errors only mean
// "look again later": the check never fails a request. A 404 for the guest within the
// not-found window is replication lag, not a deleted user.

import { SYSTEM } from '../domain/actor.ts';
import type { AccessDuration } from '../domain/apps.ts';
import { redemptionState } from '../domain/directory-match.ts';
import { nextRedemptionCheckDelay } from '../domain/redemption.ts';
import type { Directory, Logger } from '../ports.ts';
import { activation } from './access-end.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { removeAccessJob } from './remove-access.ts';
import { INVITATION_EMAIL_ACTIONS } from './send-invitation.ts';

export interface CheckRedemptionDeps extends ChangeStatusDeps {
  directory: Directory;
  logger: Logger;
  schedule: { firstMs: number; maxMs: number };
  /** An invitation not redeemed within this long expires (the person can ask again). */
  expiryMs: number;
  notFoundWindowMs: number;
  /** How long the request's app grants access once redeemed (app-settings.ts); for good when absent. */
  access?: AccessDuration | undefined;
}

/** Returns when to look again, or null when the request needs no more checks. */
export async function checkRedemption(deps: CheckRedemptionDeps, requestId: string): Promise<Date | null> {
  const request = await deps.store.getRequest(requestId);
  if (request?.status !== 'invited' || !request.directoryUserId) return null;
  const now = deps.clock.now();
  const audit = await deps.store.listAudit(requestId);
  // The last invitation (or resend) starts the clock.
  const invitedAt =
    audit.findLast((entry) => (INVITATION_EMAIL_ACTIONS as readonly string[]).includes(entry.action))?.at ??
    request.updatedAt;
  const again = () =>
    new Date(
      now.getTime() +
        nextRedemptionCheckDelay(now.getTime() - invitedAt.getTime(), deps.schedule.firstMs, deps.schedule.maxMs),
    );
  let user: Awaited<ReturnType<Directory['getUser']>>;
  try {
    user = await deps.directory.getUser(request.directoryUserId);
  } catch (error) {
    deps.logger.warn({ err: error, requestId }, 'redemption check failed; will look again');
    return again();
  }
  if (!user) {
    const progress = await deps.store.getProgress(requestId);
    const knownSince = progress.directoryUserAt ?? invitedAt;
    if (now.getTime() - knownSince.getTime() < deps.notFoundWindowMs) return again(); // replication lag
    await changeStatus(deps, {
      request,
      event: { type: 'revoke', reason: 'The guest user no longer exists in the directory.' },
      actor: SYSTEM,
    });
    return null;
  }
  if (redemptionState(user) !== 'pending') {
    const active = activation(deps.access, now);
    await changeStatus(deps, {
      request,
      event: active.event,
      jobs: active.jobs,
      actor: SYSTEM,
      note: 'Invitation redeemed.',
    });
    return null;
  }
  if (now.getTime() - invitedAt.getTime() >= deps.expiryMs) {
    const days = Math.round(deps.expiryMs / 86_400_000);
    await changeStatus(deps, {
      request,
      event: {
        type: 'expire',
        reason: `The invitation was not redeemed within ${days} days. The person can ask for access again.`,
      },
      actor: SYSTEM,
      // The groups this request granted go too (the guest is kept: they may ask again).
      jobs: (next, at) => [removeAccessJob(next.id, at, false)],
    });
    return null;
  }
  const next = again();
  // Look once more right at the deadline, so expiry is not late by a whole back-off.
  const deadline = new Date(invitedAt.getTime() + deps.expiryMs);
  return next > deadline ? deadline : next;
}
