// The scheduled check that moves `invited` to `active` once the guest has redeemed
// (externalUserState = Accepted, which Graph returns only when $select names it).
// Directory errors here only mean "look again later": the check never gives up on a
// request, and never fails it.
import { nextRedemptionCheckDelay } from '../domain/redemption.ts';
import type { Directory, Logger } from '../ports.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

export interface CheckRedemptionDeps extends ChangeStatusDeps {
  directory: Directory;
  logger: Logger;
  schedule: { firstMs: number; maxMs: number };
}

/** Returns when to look again, or null when the request needs no more checks. */
export async function checkRedemption(deps: CheckRedemptionDeps, requestId: string): Promise<Date | null> {
  const request = await deps.store.getRequest(requestId);
  if (request?.status !== 'invited' || !request.directoryUserId) return null;
  const now = deps.clock.now();
  const again = () =>
    new Date(
      now.getTime() +
        nextRedemptionCheckDelay(
          now.getTime() - request.updatedAt.getTime(),
          deps.schedule.firstMs,
          deps.schedule.maxMs,
        ),
    );
  let user: Awaited<ReturnType<Directory['getUser']>>;
  try {
    user = await deps.directory.getUser(request.directoryUserId);
  } catch (error) {
    deps.logger.warn({ err: error, requestId }, 'redemption check failed; will look again');
    return again();
  }
  if (!user) {
    await changeStatus(deps, {
      request,
      event: { type: 'revoke', reason: 'The guest user no longer exists in the directory.' },
      actor: 'system',
    });
    return null;
  }
  if (user.externalUserState === 'Accepted') {
    await changeStatus(deps, { request, event: { type: 'activate' }, actor: 'system', note: 'Invitation redeemed.' });
    return null;
  }
  return again();
}
