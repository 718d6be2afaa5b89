// Who may decide the stage a pending request is at (README, "Approvers and stages"):
//   - the stage's approvers: a person by address, the admin role, an Entra group's members;
//   - admins, always (break-glass: a stage whose approvers are all away must not strand a
//     request; every decision names who made it in the audit trail);
//   - an API token with the approver role: an integration that relays decisions made
//     elsewhere (give that role only to such a system);
//   - never the requester (same address), whatever their role.
// An emailed link carries its own authority: it was sent to one approver for one stage round.

import type { ApprovalStage } from '../domain/approval-policy.ts';
import {
  type ApprovalState,
  type Decider,
  isSelfDecision,
  mayDecide,
  stageAt,
  stageDeciders,
} from '../domain/approval-stages.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { Role } from '../domain/roles.ts';
import type { ApproverGroups, Store } from '../ports.ts';
import { stagesFor } from './approval-plan.ts';

/** Who asks to decide, as the HTTP layer knows them. */
export interface Authority {
  role: Role | null;
  /** The signed-in person's address; null for tokens and local admins. */
  email: string | null;
  /** The person's Entra object id (group membership is matched on it, else on the address). */
  oid: string | null;
  /** An API token. */
  token: boolean;
}

export interface StageView {
  stages: readonly ApprovalStage[];
  index: number;
  stage: ApprovalStage;
  final: boolean;
  round: number;
  startedAt: Date | null;
  /** The stage and round as stored (null stage: approval began before stages existed). */
  at: { stage: number | null; round: number };
  /** Whether the viewer may decide now. */
  mayDecide: boolean;
  /** The viewer is the requester. */
  self: boolean;
}

export async function viewStage(
  deps: { store: Store; approverGroups?: ApproverGroups | null | undefined },
  request: AccessRequest,
  state: ApprovalState,
  authority: Authority | null,
): Promise<StageView> {
  const stages = state.plan?.stages ?? (await stagesFor(deps.store, request));
  const at = stageAt(state, stages);
  const decider = authority ? await deciderFor(deps, authority, at.stage, at.round) : null;
  const self = decider !== null && isSelfDecision(request.email, decider);
  return {
    stages,
    index: at.index,
    stage: at.stage,
    final: at.final,
    round: at.round,
    startedAt: state.startedAt,
    at: { stage: state.stage, round: state.round },
    mayDecide: decider !== null && !self && mayDecide(at.stage, at.round, decider),
    self,
  };
}

async function deciderFor(
  deps: { approverGroups?: ApproverGroups | null | undefined },
  authority: Authority,
  stage: ApprovalStage,
  round: number,
): Promise<Decider> {
  const groupIds = new Set<string>();
  const wanted = authority.email?.toLowerCase() ?? null;
  if (deps.approverGroups && authority.role !== 'admin' && (authority.oid || wanted)) {
    for (const ref of stageDeciders(stage, round)) {
      if (ref.kind !== 'group') continue;
      const members = await deps.approverGroups.members(ref.groupId);
      const member = members.some(
        (m) =>
          (authority.oid !== null && m.id === authority.oid) ||
          (wanted !== null && (m.mail?.toLowerCase() === wanted || m.userPrincipalName?.toLowerCase() === wanted)),
      );
      if (member) groupIds.add(ref.groupId);
    }
  }
  return {
    isAdmin: authority.role === 'admin',
    // A person, not a token: an approver token is an integration (isIntegration).
    isApprover: !authority.token && authority.role === 'approver',
    email: authority.email,
    isIntegration: authority.token && authority.role === 'approver',
    groupIds,
  };
}
