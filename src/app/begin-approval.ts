// People must decide a verified request: its first (or the policy's chosen) stage begins.
// The policy evaluation at verification (apply-policy.ts) calls this when no rule decides on
// its own, with the stage the policy chose (0, or the last for an allowed domain).
//
// deps: what change-status.ts needs (store, clock, ids); nothing else — the emails are
// jobs committed with the stage (notify_approvers), sent after the commit (invariant 2).
// Safe to repeat: the write is conditional on the request being pending_approval with no
// stage begun yet, so a second call (or a call after a decision) changes nothing.
import { type Actor, auditActor } from '../domain/actor.ts';
import type { ApprovalPlan } from '../domain/approval-stages.ts';
import { ValidationError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { stageJobs, stageLabel, stagesFor } from './approval-plan.ts';
import type { ChangeStatusDeps } from './change-status.ts';

export type BeginApprovalDeps = ChangeStatusDeps;

export async function beginApproval(
  deps: BeginApprovalDeps,
  input: { request: AccessRequest; stage: number; rule: string; why: string },
): Promise<boolean> {
  const stages = await stagesFor(deps.store, input.request);
  const stage = stages[input.stage];
  if (!stage) {
    throw new ValidationError(`There is no approval stage ${input.stage} (the app has ${stages.length}).`, [
      { field: '/stage', message: 'No such stage.' },
    ]);
  }
  const now = deps.clock.now();
  const plan: ApprovalPlan = { stages, rule: input.rule, why: input.why };
  const actor: Actor = { kind: 'policy', rule: input.rule };
  return deps.store.saveStageChange({
    requestId: input.request.id,
    expected: { stage: null, round: 0 },
    next: { plan, stage: input.stage, round: 0, startedAt: now },
    audit: {
      id: deps.ids.next(),
      requestId: input.request.id,
      actor: auditActor(actor),
      action: 'stage_begun',
      fromStatus: 'pending_approval',
      toStatus: 'pending_approval',
      reason: `Waiting for ${stageLabel(stages, input.stage)}: ${input.why}`,
      at: now,
    },
    jobs: stageJobs({ requestId: input.request.id, stage, index: input.stage, round: 0, startedAt: now }),
  });
}
