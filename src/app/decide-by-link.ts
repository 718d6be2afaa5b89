// An approver decides from their emailed link's confirmation page (POST only: mail scanners
// fetch GET links on their own). The decision is decideRequest's, bound to the link's stage
// and round, so it is conditional like any other: of two clicks (or two approvers) only the
// first decides. The link is marked used after the decision; a second use of it finds the
// stage moved on (every decision moves the stage, the round or the status) or the mark.

import { InvalidTransitionError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { ApprovalLinkError, readApprovalLink } from './approval-links.ts';
import { type DecideDeps, type Decision, decideRequest, StageMovedOnError } from './decide-request.ts';
import { hashToken } from './secret-tokens.ts';

export async function decideByLink(
  deps: DecideDeps,
  input: { token: string } & Decision,
): Promise<{ request: AccessRequest; approver: string }> {
  const { link, request } = await readApprovalLink(deps, input.token);
  let decided: AccessRequest;
  try {
    decided = await decideRequest(deps, {
      ...input,
      id: request.id,
      actor: { kind: 'email-link', email: link.approverEmail },
      authority: { link: link.approverEmail },
      at: { stage: link.stage, round: link.round },
    });
  } catch (error) {
    if (error instanceof StageMovedOnError || error instanceof InvalidTransitionError) {
      throw new ApprovalLinkError('moved_on');
    }
    throw error;
  }
  await deps.store.useApprovalLink(hashToken(input.token), deps.clock.now());
  return { request: decided, approver: link.approverEmail };
}
