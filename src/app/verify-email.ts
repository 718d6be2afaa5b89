// The requester opened the emailed link and confirmed: pending_verification →
// pending_approval. Opening it again later is not an error, only "already confirmed".
import { AppError, InvalidTransitionError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { hashToken } from './secret-tokens.ts';

export class InvalidVerificationLinkError extends AppError {
  constructor() {
    super(
      'verification_link_invalid',
      'This confirmation link is not valid or has expired. Ask for access again to get a new one.',
      {
        status: 400,
      },
    );
  }
}

export async function verifyEmail(
  deps: ChangeStatusDeps,
  input: { token: string },
): Promise<{ outcome: 'verified' | 'already_verified' | 'duplicate'; request: AccessRequest }> {
  const found = await deps.store.findVerificationToken(hashToken(input.token));
  if (!found || found.expiresAt.getTime() <= deps.clock.now().getTime()) throw new InvalidVerificationLinkError();
  const request = await deps.store.getRequest(found.requestId);
  if (!request) throw new InvalidVerificationLinkError();
  if (request.status !== 'pending_verification') return { outcome: 'already_verified', request };
  // The person asked before and that request is already past this step (waiting for a
  // decision, invited, active…): a second one would only be approved twice. Only the
  // address's owner holds this link, so telling them reveals nothing to anyone else.
  const other = (await deps.store.listOpenRequestsByEmail(request.email)).find(
    (each) => each.id !== request.id && each.status !== 'pending_verification',
  );
  if (other) {
    const withdrawn = await changeStatus(deps, {
      request,
      event: { type: 'withdraw' },
      actor: 'requester',
      note: `Duplicate of request ${other.id}, which is ${other.status}.`,
    });
    return { outcome: 'duplicate', request: withdrawn };
  }
  try {
    const next = await changeStatus(deps, {
      request,
      event: { type: 'verify' },
      actor: 'requester',
      note: 'Address confirmed from the emailed link.',
    });
    return { outcome: 'verified', request: next };
  } catch (error) {
    // Two clicks at once: the other one confirmed it.
    if (!(error instanceof InvalidTransitionError)) throw error;
    const current = await deps.store.getRequest(request.id);
    return { outcome: 'already_verified', request: current ?? request };
  }
}
