// Access that ends: when a request becomes active its end is computed from its app's
// duration (domain/access-duration.ts) and stored with it, and an `expire_access` job is
// committed with the move, due at that time. The job then expires the request through the
// lifecycle's `expire` (active → expired) with the `revoke_access` job that removes what
// provisioning granted (remove-access.ts), in one transaction.

import { accessEndReason, accessEndsAt } from '../domain/access-duration.ts';
import { SYSTEM } from '../domain/actor.ts';
import type { AccessDuration } from '../domain/apps.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import type { LifecycleEvent } from '../domain/lifecycle.ts';
import type { NewJob } from '../ports.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { removeAccessJob } from './remove-access.ts';

/** The `activate` event and the jobs that go with it, for access lasting `access`. */
export function activation(
  access: AccessDuration | undefined,
  now: Date,
  directoryUserId?: string,
): { event: LifecycleEvent; jobs: (next: { id: string }, at: Date) => NewJob[] } {
  const end = accessEndsAt(access ?? { kind: 'never' }, now);
  return {
    event: { type: 'activate', ...(directoryUserId ? { directoryUserId } : {}), accessExpiresAt: end },
    jobs: (next) => (end ? [{ kind: 'expire_access', requestId: next.id, runAt: end }] : []),
  };
}

/**
 * The `expire_access` job: expires the request once its access end has come; returns when
 * to look again if it has not (the end moved), or null when done or nothing is left to do.
 */
export async function endAccess(
  deps: ChangeStatusDeps & { access: (appId: string) => Promise<AccessDuration> },
  requestId: string,
): Promise<Date | null> {
  const request = await deps.store.getRequest(requestId);
  // Revoked or expired meanwhile, or access without end: nothing to do.
  if (request?.status !== 'active' || !request.accessExpiresAt) return null;
  const now = deps.clock.now();
  if (request.accessExpiresAt.getTime() > now.getTime()) return request.accessExpiresAt;
  try {
    await changeStatus(deps, {
      request,
      event: { type: 'expire', reason: accessEndReason(await deps.access(request.appId)) },
      actor: SYSTEM,
      // The groups this request granted go; the guest account stays (they may ask again).
      jobs: (next, at) => [removeAccessJob(next.id, at, false)],
    });
  } catch (error) {
    if (!(error instanceof InvalidTransitionError)) throw error; // moved on meanwhile: done
  }
  return null;
}
