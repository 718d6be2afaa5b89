// The requester opened the emailed link and confirmed: pending_verification →
// pending_approval, then the app's approval policy decides (apply-policy.ts). Opening it again later is not an error; the answer says where the
// request stands.
import { REQUESTER } from '../domain/actor.ts';
import { AppError, InvalidTransitionError } from '../domain/errors.ts';
import { type AccessRequest, isOpen } from '../domain/lifecycle.ts';
import { applyPolicy, type PolicyDeps, policyJob } from './apply-policy.ts';
import { changeStatus } from './change-status.ts';
import { hashToken } from './secret-tokens.ts';
import { withdrawUnverified } from './withdraw-unverified.ts';

export class InvalidVerificationLinkError extends AppError {
  constructor() {
    super(
      'verification_link_invalid',
      'This confirmation link is not valid or has expired. Ask for access again to get a new one.',
      { status: 400 },
    );
  }
}

/** verified: just now; under_way: confirmed before and still open; duplicate: another request
 * for the address was already under way, so this one was withdrawn; closed: nothing to confirm. */
export type VerifyOutcome = 'verified' | 'under_way' | 'duplicate' | 'closed';

export async function verifyEmail(
  deps: PolicyDeps,
  input: { token: string },
): Promise<{ outcome: VerifyOutcome; request: AccessRequest }> {
  const found = await deps.store.findVerificationToken(hashToken(input.token));
  if (!found || found.expiresAt.getTime() <= deps.clock.now().getTime()) throw new InvalidVerificationLinkError();
  const request = await deps.store.getRequest(found.requestId);
  if (!request) throw new InvalidVerificationLinkError();
  try {
    return await confirm(deps, request);
  } catch (error) {
    // Two clicks at once: the other one moved the request first.
    if (!(error instanceof InvalidTransitionError)) throw error;
    const current = (await deps.store.getRequest(request.id)) ?? request;
    return { outcome: standing(current), request: current };
  }
}

async function confirm(
  deps: PolicyDeps,
  request: AccessRequest,
): Promise<{ outcome: VerifyOutcome; request: AccessRequest }> {
  if (request.status !== 'pending_verification') return { outcome: standing(request), request };
  // The person asked for this app before and that request is already past this step
  // (waiting for a decision, invited, active…): a second one would only be decided twice.
  // Another app's request is no duplicate. Only the address's owner holds this link, so
  // telling them reveals nothing to anyone else.
  const other = (await deps.store.listOpenRequestsByEmail(request.email, request.appId)).find(
    (each) => each.id !== request.id && each.status !== 'pending_verification',
  );
  if (other) {
    const withdrawn = await changeStatus(deps, {
      request,
      event: { type: 'withdraw' },
      actor: REQUESTER,
      note: `Duplicate of request ${other.id}, which is ${other.status}.`,
    });
    return { outcome: 'duplicate', request: withdrawn };
  }
  const next = await changeStatus(deps, {
    request,
    event: { type: 'verify' },
    actor: REQUESTER,
    note: 'Address confirmed from the emailed link.',
    // The policy runs just below; this job is its guarantee should that never happen.
    jobs: (verified, now) => [policyJob(verified.id, now)],
  });
  await withdrawUnverified(deps, { email: next.email, appId: next.appId, keep: next.id, actor: REQUESTER });
  // The app's policy decides now: approved, rejected, or sent to its first approvers. The
  // verification above is committed whatever happens here, so the request is never lost:
  // at worst it waits in pending_approval, in the approvers' queue.
  return { outcome: 'verified', request: await applyPolicy(deps, next) };
}

function standing(request: AccessRequest): VerifyOutcome {
  if (request.status === 'pending_verification') return 'verified'; // not reached: confirm() moves it
  // The same meaning of "open" as the duplicate check above (domain/lifecycle.ts): a failed
  // request is under way (an admin retries it), so its link must not say "ask again".
  return isOpen(request.status) ? 'under_way' : 'closed';
}
