// Once one request for an address is confirmed (by its owner's link or an admin's word),
// the other unconfirmed ones for that address and app are superseded: withdraw them, so an
// approver sees one request per person and app. Requests for other apps stand.
import type { Actor } from '../domain/actor.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

export async function withdrawUnverified(
  deps: ChangeStatusDeps,
  input: { email: string; appId: string; keep: string; actor: Actor },
): Promise<void> {
  for (const other of await deps.store.listOpenRequestsByEmail(input.email, input.appId)) {
    if (other.id === input.keep || other.status !== 'pending_verification') continue;
    try {
      await changeStatus(deps, {
        request: other,
        event: { type: 'withdraw' },
        actor: input.actor,
        note: `Superseded by request ${input.keep}.`,
      });
    } catch (error) {
      // Confirmed or withdrawn by someone else meanwhile: nothing left to do for it.
      if (!(error instanceof InvalidTransitionError)) throw error;
    }
  }
}
