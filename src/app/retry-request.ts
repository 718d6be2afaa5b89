// An admin sends a `failed` request back to provisioning (after fixing the cause,
// e.g. granting a missing Graph permission).
import type { Actor } from '../domain/actor.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

export async function retryRequest(
  deps: ChangeStatusDeps,
  input: { id: string; actor: Actor },
): Promise<AccessRequest> {
  const request = await deps.store.getRequest(input.id);
  if (!request) throw new NotFoundError('The access request');
  return changeStatus(deps, {
    request,
    event: { type: 'retry' },
    actor: input.actor,
    note: request.reason ? `Retried after: ${request.reason}` : undefined,
    jobs: (next, now) => [{ kind: 'provision', requestId: next.id, runAt: now }],
  });
}
