// Puts a pending request at a stage of a plan the test chooses (the app catalogue is not
// here yet: app/approval-plan.ts gives every request DEFAULT_POLICY's one admin stage).
import { randomUUID } from 'node:crypto';
import type { ApprovalStage, ApproverRef } from '../../src/domain/approval-policy.ts';
import type { Store } from '../../src/ports.ts';

/** The address test/helpers/app.ts's signIn gives a person signed in with the approver role. */
export const TEST_APPROVER: ApproverRef = { kind: 'person', email: 'approver@contoso.com' };

export function aStage(overrides: Partial<ApprovalStage> = {}): ApprovalStage {
  return {
    name: 'Approval',
    approvers: [TEST_APPROVER],
    timeoutDays: null,
    onTimeout: 'reject',
    alternates: [],
    reminderDays: null,
    ...overrides,
  };
}

/** Writes `stages` as the request's plan, at `stage` (round 0), whatever stage it was at. */
export async function planStages(
  store: Store,
  requestId: string,
  stages: readonly ApprovalStage[],
  options: { stage?: number; at?: Date } = {},
): Promise<void> {
  const state = await store.getApprovalState(requestId);
  const at = options.at ?? new Date('2026-03-01T08:00:00.000Z');
  const saved = await store.saveStageChange({
    requestId,
    expected: { stage: state?.stage ?? null, round: state?.round ?? 0 },
    next: {
      plan: { stages, rule: 'test', why: 'Planned by the test.' },
      stage: options.stage ?? 0,
      round: 0,
      startedAt: at,
    },
    audit: {
      id: randomUUID(),
      requestId,
      actor: 'policy:test',
      action: 'stage_begun',
      fromStatus: 'pending_approval',
      toStatus: 'pending_approval',
      reason: 'Planned by the test.',
      at,
    },
    jobs: [],
  });
  if (!saved) throw new Error(`Request ${requestId} is not pending approval.`);
}
