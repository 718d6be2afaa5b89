// The jobs that email a stage's approvers: when the stage begins or is escalated
// (`notify_approvers`), and its one reminder (`remind_approvers`). Each approver gets one
// email per (request, stage, round, kind), however often the job runs: the email is claimed
// in the database before it is sent and given back if the mail server refuses. A job whose
// stage was decided, escalated or ended does nothing: deciding cancels its jobs in effect.

import { stageRecipients } from '../domain/approval-stages.ts';
import type { ApproverGroups, Clock, JobPayload, Logger, Mailer, Store } from '../ports.ts';
import { newApprovalLink } from './approval-links.ts';
import { stageLabel, storedAppOf } from './approval-plan.ts';
import { approverEmail } from './approver-email.ts';
import { approverAddresses } from './approver-recipients.ts';
import type { EmailBranding } from './email-shell.ts';

export interface NotifyApproversDeps {
  store: Store;
  clock: Clock;
  mailer: Mailer;
  logger: Logger;
  approverGroups: ApproverGroups | null;
  /** Where Guestlist is reached, for the links. */
  publicUrl: string;
  linkValidForMs: number;
  /** The organization's branding; its appName is the default app's (a declared app's is its own). */
  branding: EmailBranding;
}

/** The request and its stage when the job's stage round is still the one waiting; else null. */
export async function waitingStage(store: Store, requestId: string, payload: JobPayload | undefined) {
  const [request, state] = await Promise.all([store.getRequest(requestId), store.getApprovalState(requestId)]);
  if (!request || !state?.plan || request.status !== 'pending_approval') return null;
  if (state.stage !== payload?.stage || state.round !== payload.round) return null;
  const stage = state.plan.stages[state.stage];
  if (!stage) return null;
  return { request, state, stage, index: state.stage, round: state.round, stages: state.plan.stages };
}

export async function notifyApprovers(
  deps: NotifyApproversDeps,
  input: { requestId: string; payload: JobPayload | undefined; kind: 'stage' | 'reminder' },
  held?: AbortSignal,
): Promise<void> {
  const waiting = await waitingStage(deps.store, input.requestId, input.payload);
  if (!waiting) return;
  const { request, stage, index, round, stages } = waiting;
  const addresses = await approverAddresses(deps, stageRecipients(stage, round), request.email);
  if (addresses.length === 0) {
    // Nobody to email (an admin stage before any admin signed in, an empty group): the
    // request still waits in the console, where admins can decide.
    deps.logger.warn({ requestId: request.id, stage: index, round }, 'no approver address to email for this stage');
    return;
  }
  const app = await storedAppOf(deps.store, request);
  const answers = Object.entries(request.answers ?? {}).map(
    ([id, answer]) => [app?.questions.find((q) => q.id === id)?.label ?? id, answer] as const,
  );
  for (const email of addresses) {
    held?.throwIfAborted();
    const notice = { requestId: request.id, stage: index, round, kind: input.kind, email };
    if (!(await deps.store.claimApproverNotice(notice, deps.clock.now()))) continue;
    try {
      const linkUrl = await newApprovalLink(deps, {
        requestId: request.id,
        stage: index,
        round,
        email,
        validForMs: deps.linkValidForMs,
        publicUrl: deps.publicUrl,
      });
      await deps.mailer.send(
        approverEmail({
          to: email,
          request,
          branding: { ...deps.branding, appName: app?.name ?? deps.branding.appName },
          answers,
          stageLabel: stageLabel(stages, index),
          kind: input.kind === 'reminder' ? 'reminder' : round > 0 ? 'escalation' : 'stage',
          linkUrl,
          validDays: Math.round(deps.linkValidForMs / 86_400_000),
        }),
      );
    } catch (error) {
      await deps.store.releaseApproverNotice(notice);
      throw error;
    }
  }
}
