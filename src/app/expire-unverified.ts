// The job that ends a request nobody confirmed: `pending_verification` → `expired` once its
// confirmation links can no longer be used — the verification lifetime after submission,
// or after the latest link if one was mailed later (a busy address waits for its slot).
// Queued at submission to run at once; the first run reschedules it for that moment.
import { SYSTEM } from '../domain/actor.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

/** Returns when to look again, or null once the request is expired or no longer waiting. */
export async function expireUnverified(
  deps: ChangeStatusDeps & { validForMs: number },
  requestId: string,
): Promise<Date | null> {
  const request = await deps.store.getRequest(requestId);
  if (request?.status !== 'pending_verification') return null;
  const latestLink = await deps.store.latestVerificationExpiry(requestId);
  const deadline = Math.max(request.createdAt.getTime() + deps.validForMs, latestLink?.getTime() ?? 0);
  if (deps.clock.now().getTime() < deadline) return new Date(deadline);
  const hours = Math.round(deps.validForMs / 3_600_000);
  try {
    await changeStatus(deps, {
      request,
      event: { type: 'expire', reason: `The address was not confirmed within ${hours} hours.` },
      actor: SYSTEM,
    });
  } catch (error) {
    // Confirmed (or withdrawn) at the last moment: nothing to expire.
    if (!(error instanceof InvalidTransitionError)) throw error;
  }
  return null;
}
