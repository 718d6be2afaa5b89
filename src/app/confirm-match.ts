// An admin answers an uncertain directory match (domain/directory-match.ts): either "it
// is this user" (one of the candidates the lookup found) or "invite the address as a new
// guest". Provisioning then runs again with that answer.
import type { Actor } from '../domain/actor.ts';
import { INVITE_AS_NEW_GUEST } from '../domain/directory-match.ts';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

export async function confirmMatch(
  deps: ChangeStatusDeps,
  input: { id: string; actor: Actor; choice: { userId: string } | { inviteAsNewGuest: true } },
): Promise<AccessRequest> {
  const request = await deps.store.getRequest(input.id);
  if (!request) throw new NotFoundError('The access request');
  if (request.status !== 'needs_confirmation') {
    throw new ConflictError(
      'not_awaiting_confirmation',
      `This request is ${request.status}, not waiting for a match to be confirmed.`,
    );
  }
  const progress = await deps.store.getProgress(request.id);
  let confirmed = INVITE_AS_NEW_GUEST;
  let note = 'Invite the address as a new guest.';
  if ('userId' in input.choice) {
    const { userId } = input.choice;
    const candidate = progress.matchCandidates?.find((match) => match.user.id === userId);
    if (!candidate) {
      const message = `User ${userId} is not one of the users the lookup found for this address.`;
      throw new ValidationError(message, [{ field: '/userId', message }]);
    }
    confirmed = userId;
    note = `Confirmed as ${candidate.user.displayName ?? candidate.user.id} (${userId}), matched by ${candidate.matchedBy.join(', ')}.`;
  }
  return changeStatus(deps, {
    request,
    event: { type: 'confirm_match' },
    actor: input.actor,
    note,
    // With the move, in one transaction: of two admins confirming at once, the one whose
    // move is written is the one whose choice is provisioned (the other gets a 409).
    progress: { confirmedMatch: confirmed },
    jobs: (next, now) => [{ kind: 'provision', requestId: next.id, runAt: now }],
  });
}
