// Which stages decide a request (its app's `policy.stages`), and the jobs a stage round starts.
import { type ApprovalStage, DEFAULT_POLICY } from '../domain/approval-policy.ts';
import { type App, DEFAULT_APP_ID } from '../domain/apps.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { NewJob, Store } from '../ports.ts';

const DAY_MS = 86_400_000;

/** The request's stored app; null for the default app (never stored: app/app-catalogue.ts) or one gone. */
export async function storedAppOf(store: Pick<Store, 'getApp'>, request: AccessRequest): Promise<App | null> {
  return request.appId === DEFAULT_APP_ID ? null : store.getApp(request.appId);
}

/**
 * The stages of the request's app today (a request that began approval keeps its own copy).
 * The default app, and an app without stages asked to begin one anyway, use DEFAULT_POLICY's.
 */
export async function stagesFor(
  store: Pick<Store, 'getApp'>,
  request: AccessRequest,
): Promise<readonly ApprovalStage[]> {
  const stages = (await storedAppOf(store, request))?.policy.stages ?? [];
  return stages.length > 0 ? stages : DEFAULT_POLICY.stages;
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
