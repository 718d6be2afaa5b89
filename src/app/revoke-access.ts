// An admin revokes a request's access: `revoked` (from approved, needs_confirmation,
// invited, active or failed; anything else is an InvalidTransitionError, a 409), with the
// audit entry naming the admin and the reason, and the `revoke_access` job that removes
// what provisioning granted — committed together (outbox). The conditional write in
// changeStatus makes two admins revoking at once produce one revoke and one job.
//
// A provisioning job still queued finds the request revoked and does nothing: each step
// acts only from the status it expects (provision: approved/provisioning, grant_access:
// provisioning, send_invitation, check_redemption and resend: invited).
import type { Actor } from '../domain/actor.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { removeAccessJob } from './remove-access.ts';

/** Long enough for a sentence or two; the audit trail is not a document store. */
export const MAX_REASON_LENGTH = 500;

export async function revokeAccess(
  deps: ChangeStatusDeps,
  input: { id: string; actor: Actor; reason?: string | undefined; deleteGuest?: boolean | undefined },
): Promise<AccessRequest> {
  const reason = input.reason?.trim() || undefined;
  if (reason && reason.length > MAX_REASON_LENGTH) {
    throw new ValidationError(`The reason must be at most ${MAX_REASON_LENGTH} characters.`, [
      { field: '/reason', message: `At most ${MAX_REASON_LENGTH} characters.` },
    ]);
  }
  const request = await deps.store.getRequest(input.id);
  if (!request) throw new NotFoundError('The access request');
  const deleteGuest = input.deleteGuest === true;
  const said = reason ?? 'Access revoked.';
  // The admin's words end a sentence before ours begins.
  const stopped = /[.!?]$/.test(said) ? said : `${said}.`;
  return changeStatus(deps, {
    request,
    event: { type: 'revoke', ...(reason ? { reason } : {}) },
    actor: input.actor,
    note: deleteGuest ? `${stopped} The guest account is to be deleted if this request invited it.` : said,
    jobs: (next, now) => [removeAccessJob(next.id, now, deleteGuest)],
  });
}
