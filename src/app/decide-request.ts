// An approver approves or rejects a pending request. Approval writes the provisioning
// job in the same transaction as the new status; the directory is called after commit.
// A rejection emails the requester (change-status.ts queues it with the move).
import type { Actor } from '../domain/actor.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

export type Decision =
  | { decision: 'approve'; comment?: string | undefined }
  /** The reason is always kept for admins; the requester reads it only when `shareReason` is true. */
  | { decision: 'reject'; reason: string; shareReason?: boolean | undefined };

export async function decideRequest(
  deps: ChangeStatusDeps,
  input: { id: string; actor: Actor } & Decision,
): Promise<AccessRequest> {
  const request = await deps.store.getRequest(input.id);
  if (!request) throw new NotFoundError('The access request');
  if (input.decision === 'reject') {
    return changeStatus(deps, {
      request,
      event: { type: 'reject', reason: input.reason },
      actor: input.actor,
      shareReason: input.shareReason === true,
    });
  }
  return changeStatus(deps, {
    request,
    event: { type: 'approve', comment: input.comment },
    actor: input.actor,
    note: input.comment,
    jobs: (next, now) => [{ kind: 'provision', requestId: next.id, runAt: now }],
  });
}
