// An approver's emailed link (`/approval?token=…`): 256 random bits, only the SHA-256 kept
// (migrations/0015), bound to one approver address and one stage round of one request,
// valid for GUESTLIST_APPROVAL_LINK_DAYS, and good for one decision. readApprovalLink says
// why a link does not work, so the page can tell the approver plainly and change nothing.
import { AppError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { ApprovalLink, Clock, Store } from '../ports.ts';
import { hashToken, newSecretToken } from './secret-tokens.ts';

export async function newApprovalLink(
  deps: { store: Store; clock: Clock },
  input: { requestId: string; stage: number; round: number; email: string; validForMs: number; publicUrl: string },
): Promise<string> {
  const token = newSecretToken('gla');
  const now = deps.clock.now();
  await deps.store.insertApprovalLink({
    hash: hashToken(token),
    requestId: input.requestId,
    stage: input.stage,
    round: input.round,
    approverEmail: input.email,
    expiresAt: new Date(now.getTime() + input.validForMs),
    createdAt: now,
    usedAt: null,
  });
  return `${input.publicUrl}/approval?token=${encodeURIComponent(token)}`;
}

export type LinkProblem = 'invalid' | 'expired' | 'used' | 'moved_on' | 'self';

const MESSAGES: Record<LinkProblem, string> = {
  invalid: 'This approval link is not valid. Use the link exactly as it was emailed, or decide in the console.',
  expired: 'This approval link has expired. Decide in the console, or wait for a newer email.',
  used: 'This approval link was used already: the decision you made with it stands.',
  moved_on:
    'This request no longer waits for this decision: the stage was decided by someone else, escalated, or the request was withdrawn or ended.',
  self: 'Nobody may decide their own request: ask another approver.',
};

export class ApprovalLinkError extends AppError {
  readonly problem: LinkProblem;
  constructor(problem: LinkProblem) {
    super(`approval_link_${problem}`, MESSAGES[problem], { status: problem === 'self' ? 403 : 400 });
    this.problem = problem;
  }
}

/** The link and its request, when the link may still decide; else ApprovalLinkError. Reads only. */
export async function readApprovalLink(
  deps: { store: Store; clock: Clock },
  token: string,
): Promise<{ link: ApprovalLink; request: AccessRequest }> {
  const link = token.length > 0 && token.length <= 200 ? await deps.store.findApprovalLink(hashToken(token)) : null;
  if (!link) throw new ApprovalLinkError('invalid');
  if (link.usedAt !== null) throw new ApprovalLinkError('used');
  if (link.expiresAt.getTime() <= deps.clock.now().getTime()) throw new ApprovalLinkError('expired');
  const [request, state] = await Promise.all([
    deps.store.getRequest(link.requestId),
    deps.store.getApprovalState(link.requestId),
  ]);
  if (!request || !state) throw new ApprovalLinkError('invalid');
  if (request.status !== 'pending_approval' || state.stage !== link.stage || state.round !== link.round) {
    throw new ApprovalLinkError('moved_on');
  }
  if (request.email.toLowerCase() === link.approverEmail.toLowerCase()) throw new ApprovalLinkError('self');
  return { link, request };
}
