// Which stages decide a request, and the jobs a stage round starts. Until the app catalogue
// lands (branch `apps`: each app has `policy.stages`), every request is the default app's,
// decided by DEFAULT_POLICY's one stage (admins).
import { type ApprovalStage, DEFAULT_POLICY } from '../domain/approval-policy.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { NewJob } from '../ports.ts';

const DAY_MS = 86_400_000;

/** The stages of the request's app today (a request that began approval keeps its own copy). */
export function stagesFor(_request: AccessRequest): readonly ApprovalStage[] {
  return DEFAULT_POLICY.stages;
}

/**
 * The jobs of one stage round, committed with the move that begins it (outbox): the emails
 * now, the one reminder and the timeout later. Each job carries its stage and round and does
 * nothing once the request has moved on, so a decided stage cancels them in effect.
 */
export function stageJobs(input: {
  requestId: string;
  stage: ApprovalStage;
  index: number;
  round: number;
  startedAt: Date;
}): NewJob[] {
  const { requestId, stage, index, round, startedAt } = input;
  const payload = { stage: index, round };
  const at = (days: number) => new Date(startedAt.getTime() + days * DAY_MS);
  const jobs: NewJob[] = [{ kind: 'notify_approvers', requestId, runAt: startedAt, payload }];
  // A reminder due at or after the timeout would only ever race it.
  if (stage.reminderDays !== null && (stage.timeoutDays === null || stage.reminderDays < stage.timeoutDays)) {
    jobs.push({ kind: 'remind_approvers', requestId, runAt: at(stage.reminderDays), payload });
  }
  if (stage.timeoutDays !== null)
    jobs.push({ kind: 'stage_timeout', requestId, runAt: at(stage.timeoutDays), payload });
  return jobs;
}

/** "stage 2 of 3, Security review": how the audit trail and pages name a stage. */
export function stageLabel(stages: readonly ApprovalStage[], index: number): string {
  return `stage ${index + 1} of ${stages.length}, ${stages[index]?.name ?? 'unknown'}`;
}
