// Where a pending request stands in its approval stages, and who may decide there. Pure.
// The lifecycle (lifecycle.ts) still owns `status`: a request waiting for any stage is
// `pending_approval`; an approval at a non-final stage only moves the stage on, and the
// final stage's approval is the lifecycle's `approve`. A rejection at any stage is `reject`.
import type { ApprovalStage, ApproverRef } from './approval-policy.ts';
import { AppError } from './errors.ts';

/** The stages a request is decided by, kept with it when approval began (its policy may change later). */
export interface ApprovalPlan {
  stages: readonly ApprovalStage[];
  /** The policy rule that asked people to decide, and why (for the audit trail). */
  rule: string;
  why: string;
}

/** A pending request's progress through its plan. */
export interface ApprovalState {
  /** Null for a request whose approval began before stages existed: today's plan applies. */
  plan: ApprovalPlan | null;
  /** 0..n-1; null before approval began (read as stage 0). */
  stage: number | null;
  /** 0; 1 once the stage was escalated to its alternates (it happens once). */
  round: number;
  startedAt: Date | null;
}

/** Who is deciding, as the stage check sees them. */
export interface Decider {
  /** Admins may decide any stage (break-glass; README "Approvers and stages"). */
  isAdmin: boolean;
  /** A signed-in person with the Guestlist.Approver role (a `role: approver` reference names them). */
  isApprover: boolean;
  /** The signed-in person's address, or the address an email link was sent to; null for tokens and local admins. */
  email: string | null;
  /** Trusted integrations (an API token with the approver role) relay decisions made elsewhere. */
  isIntegration: boolean;
  /** The Entra groups among the stage's that the person is in (resolved by the caller). */
  groupIds: ReadonlySet<string>;
}

/** The stage a request is at, with its index and whether it is the last one. */
export function stageAt(
  state: ApprovalState,
  fallback: readonly ApprovalStage[],
): { index: number; stage: ApprovalStage; final: boolean; round: number } {
  const stages = state.plan?.stages ?? fallback;
  if (stages.length === 0) throw new Error('An approval plan needs at least one stage.');
  // A stage past the end cannot be stored by the use cases; read the last one defensively.
  const index = Math.min(state.stage ?? 0, stages.length - 1);
  return { index, stage: stages[index]!, final: index === stages.length - 1, round: state.round };
}

/**
 * Who decides the stage in this round: its approvers, and after an escalation its
 * alternates too (escalation adds people; the first approvers may still decide in the
 * console, though their emailed links stopped working).
 */
export function stageDeciders(stage: ApprovalStage, round: number): readonly ApproverRef[] {
  return round > 0 ? [...stage.alternates, ...stage.approvers] : stage.approvers;
}

/** Who gets the emails of this round: the approvers, or after an escalation the alternates. */
export function stageRecipients(stage: ApprovalStage, round: number): readonly ApproverRef[] {
  return round > 0 ? stage.alternates : stage.approvers;
}

export function sameAddress(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whether one reference names the decider. */
export function refMatches(ref: ApproverRef, who: Decider): boolean {
  switch (ref.kind) {
    case 'person':
      return sameAddress(ref.email, who.email);
    case 'role':
      return ref.role === 'admin' ? who.isAdmin : who.isApprover;
    case 'group':
      return who.groupIds.has(ref.groupId);
  }
}

/** Whether the decider may decide this stage now (self-approval is checked apart: selfDecision). */
export function mayDecide(stage: ApprovalStage, round: number, who: Decider): boolean {
  if (who.isAdmin || who.isIntegration) return true;
  return stageDeciders(stage, round).some((ref) => refMatches(ref, who));
}

/** The requester deciding their own request: never, whatever role (also for admins). */
export function isSelfDecision(requesterEmail: string, who: Decider): boolean {
  return sameAddress(requesterEmail, who.email);
}

export class SelfApprovalError extends AppError {
  constructor() {
    super('self_approval', 'Nobody may decide their own request: ask another approver.', { status: 403 });
  }
}

export class NotAnApproverError extends AppError {
  constructor(stageName: string) {
    super('not_stage_approver', `You are not an approver of the stage "${stageName}" of this request.`, {
      status: 403,
    });
  }
}

/** How the console and the emails name a reference. */
export function describeRef(ref: ApproverRef): string {
  switch (ref.kind) {
    case 'person':
      return ref.email;
    case 'role':
      return ref.role === 'admin' ? 'Guestlist admins' : 'Guestlist approvers';
    case 'group':
      return `members of ${ref.name ?? `group ${ref.groupId}`}`;
  }
}
