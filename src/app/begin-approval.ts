// Hands a verified request that the policy did not decide to its approval stage. The
// stages work (who may decide, reminders, escalation, approvers' emails) owns this file;
// until it lands, beginning a stage only records that the approvers were asked, with the
// rule that sent it there, so the history says why a person must decide.

import { auditActor } from '../domain/actor.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { ChangeStatusDeps } from './change-status.ts';

export async function beginApproval(
  deps: ChangeStatusDeps,
  input: { request: AccessRequest; stage: number; rule: string; why: string },
): Promise<void> {
  const now = deps.clock.now();
  // Guarded on the status: an approver who decided meanwhile is not contradicted.
  await deps.store.recordProgress({
    requestId: input.request.id,
    expectedStatus: ['pending_approval'],
    at: now,
    audit: {
      id: deps.ids.next(),
      requestId: input.request.id,
      actor: auditActor({ kind: 'policy', rule: input.rule }),
      action: 'approval_requested',
      fromStatus: 'pending_approval',
      toStatus: 'pending_approval',
      reason: `Stage ${input.stage + 1}: ${input.why}`,
      at: now,
    },
  });
}
