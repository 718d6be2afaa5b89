// The requester withdraws their request from its status page: pending_verification or
// pending_approval → withdrawn, through the lifecycle's `withdraw`. Later than that the
// request is decided (or ends by itself), and the answer says so.
import { REQUESTER } from '../domain/actor.ts';
import { AppError, InvalidTransitionError } from '../domain/errors.ts';
import { type AccessRequest, canTransition } from '../domain/lifecycle.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { requestForStatusLink } from './read-request-status.ts';

export class WithdrawRefusedError extends AppError {
  readonly currentStatus: string;
  constructor(status: string) {
    super('withdraw_refused', 'This request can no longer be withdrawn: it has already been decided or has ended.', {
      status: 409,
    });
    this.currentStatus = status;
  }
}

export async function withdrawByRequester(deps: ChangeStatusDeps, input: { token: string }): Promise<AccessRequest> {
  const request = await requestForStatusLink(deps, input.token);
  if (!canTransition(request.status, 'withdraw')) throw new WithdrawRefusedError(request.status);
  try {
    return await changeStatus(deps, {
      request,
      event: { type: 'withdraw' },
      actor: REQUESTER,
      note: 'Withdrawn by the requester from the status page.',
    });
  } catch (error) {
    // Decided (or confirmed, then decided) between the read and the write.
    if (error instanceof InvalidTransitionError) throw new WithdrawRefusedError(error.from);
    throw error;
  }
}
