// An approver approves or rejects a pending request at the stage it is at (README,
// "Approvers and stages"). "Any one approves": an approval at a non-final stage moves the
// request to the next stage (audit `stage_approved`) and begins it; at the final stage it is
// the lifecycle's `approve`, which writes the provisioning job in the same transaction. A
// rejection at any stage is `reject`. Every write is conditional on the status AND the
// stage and round the decider saw, so two approvers acting at once produce one decision.
import { type Actor, auditActor } from '../domain/actor.ts';
import type { ApprovalStage } from '../domain/approval-policy.ts';
import { NotAnApproverError, SelfApprovalError, sameAddress, stageDeciders } from '../domain/approval-stages.ts';
import { ConflictError, InvalidTransitionError, NotFoundError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { ApproverGroups } from '../ports.ts';
import { stageJobs, stageLabel } from './approval-plan.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { type Authority, viewStage } from './stage-authority.ts';

export type Decision =
  | { decision: 'approve'; comment?: string | undefined }
  /** The reason is always kept for admins; the requester reads it only when `shareReason` is true. */
  | { decision: 'reject'; reason: string; shareReason?: boolean | undefined };

export interface DecideDeps extends ChangeStatusDeps {
  /** Members of the groups stages name; without it, group approvers match nobody. */
  approverGroups?: ApproverGroups | null | undefined;
}

/**
 * Whether the stage (this round) still names the address: listed as a person, holding the
 * role in the staff directory now, or a member of the group now.
 */
async function stillNamed(deps: DecideDeps, stage: ApprovalStage, round: number, email: string): Promise<boolean> {
  for (const ref of stageDeciders(stage, round)) {
    if (ref.kind === 'person' && sameAddress(ref.email, email)) return true;
    if (ref.kind === 'role' && (await deps.store.listStaff(ref.role)).some((m) => sameAddress(m.email, email))) {
      return true;
    }
    if (ref.kind === 'group' && deps.approverGroups) {
      const members = await deps.approverGroups.members(ref.groupId);
      if (members.some((m) => sameAddress(m.mail, email) || sameAddress(m.userPrincipalName, email))) return true;
    }
  }
  return false;
}

export class StageMovedOnError extends ConflictError {
  constructor() {
    super('stage_decided', 'This stage was already decided by someone else; the request has moved on.');
  }
}

export async function decideRequest(
  deps: DecideDeps,
  input: {
    id: string;
    actor: Actor;
    /**
     * Who is deciding, checked against the stage. The HTTP layer always passes it; an
     * emailed link passes `link` (its own authority, already bound to approver and stage);
     * omitted only by trusted server-side callers (tests, an operator's command).
     */
    authority?: Authority | { link: string } | undefined;
    /** The stage and round the decider was shown; a request that moved on since is a 409. */
    at?: { stage: number | null; round: number } | undefined;
  } & Decision,
): Promise<AccessRequest> {
  const request = await deps.store.getRequest(input.id);
  if (!request) throw new NotFoundError('The access request');
  const state = request.status === 'pending_approval' ? await deps.store.getApprovalState(request.id) : null;
  if (!state) return decideOutsideStages(deps, request, input);

  const caller = input.authority && 'role' in input.authority ? input.authority : null;
  const view = await viewStage(deps, request, state, caller);
  const linkEmail = input.authority && 'link' in input.authority ? input.authority.link : null;
  if (view.self || (linkEmail !== null && linkEmail.toLowerCase() === request.email.toLowerCase())) {
    throw new SelfApprovalError();
  }
  // First: a decision made on what the page (or link) showed, for a stage since decided, is
  // that stage's lost race — not a click on the next stage, whoever the decider is.
  if (input.at && (input.at.stage !== view.at.stage || input.at.round !== view.at.round)) throw new StageMovedOnError();
  if (caller && !view.mayDecide) throw new NotAnApproverError(view.stage.name);
  // A link was sent to someone the stage named then; it decides only while they still are
  // named (a role or group they have since lost takes the link's power with it).
  if (linkEmail !== null && !(await stillNamed(deps, view.stage, view.round, linkEmail))) {
    throw new NotAnApproverError(view.stage.name);
  }

  const expectedStage = view.at;
  const label = stageLabel(view.stages, view.index);
  try {
    if (input.decision === 'reject') {
      return await changeStatus(deps, {
        request,
        event: { type: 'reject', reason: input.reason },
        actor: input.actor,
        shareReason: input.shareReason === true,
        expectedStage,
      });
    }
    if (view.final) {
      return await changeStatus(deps, {
        request,
        event: { type: 'approve', comment: input.comment },
        actor: input.actor,
        note: input.comment,
        jobs: (next, now) => [{ kind: 'provision', requestId: next.id, runAt: now }],
        expectedStage,
      });
    }
  } catch (error) {
    throw await stageRaceError(deps, request.id, error);
  }
  // Approved at a non-final stage: the next one begins, with its emails, reminder and timeout.
  const now = deps.clock.now();
  const nextIndex = view.index + 1;
  const nextStage = view.stages[nextIndex]!;
  const saved = await deps.store.saveStageChange({
    requestId: request.id,
    expected: expectedStage,
    next: {
      stage: nextIndex,
      round: 0,
      startedAt: now,
      // A request whose approval began before stages existed gets today's plan written down.
      ...(state.plan ? {} : { plan: { stages: view.stages, rule: 'stages', why: 'Approval began before stages.' } }),
    },
    audit: {
      id: deps.ids.next(),
      requestId: request.id,
      actor: auditActor(input.actor),
      action: 'stage_approved',
      fromStatus: 'pending_approval',
      toStatus: 'pending_approval',
      reason: `Approved ${label}; now ${stageLabel(view.stages, nextIndex)}.${input.comment ? ` ${input.comment}` : ''}`,
      at: now,
    },
    jobs: stageJobs({ requestId: request.id, stage: nextStage, index: nextIndex, round: 0, startedAt: now }),
  });
  if (!saved) throw await stageRaceError(deps, request.id, new StageMovedOnError());
  return request;
}

/** Not pending approval: the lifecycle says why (the same 409 as before stages). */
function decideOutsideStages(deps: DecideDeps, request: AccessRequest, input: Decision & { actor: Actor }) {
  return input.decision === 'reject'
    ? changeStatus(deps, { request, event: { type: 'reject', reason: input.reason }, actor: input.actor })
    : changeStatus(deps, { request, event: { type: 'approve' }, actor: input.actor });
}

/** Lost a race: still pending means someone decided this stage first; else the lifecycle's 409. */
async function stageRaceError(deps: DecideDeps, id: string, error: unknown): Promise<unknown> {
  if (!(error instanceof InvalidTransitionError) && !(error instanceof StageMovedOnError)) return error;
  const current = await deps.store.getRequest(id);
  if (current?.status === 'pending_approval') return new StageMovedOnError();
  return error instanceof InvalidTransitionError
    ? error
    : new InvalidTransitionError(current?.status ?? 'gone', 'approve');
}
