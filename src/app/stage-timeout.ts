// A stage not decided within its timeoutDays (the `stage_timeout` job, queued when the
// round began): escalated to its alternates once (a new round: they get emails and links,
// the first round's links stop working), or else the request is rejected by the policy.
// An escalated round that times out too is rejected. Safe to repeat: both moves are
// conditional on the stage and round the job was queued for, and a decided stage makes the
// job do nothing.
import { type Actor, auditActor } from '../domain/actor.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import type { Clock, Ids, JobPayload, Store } from '../ports.ts';
import { stageJobs, stageLabel } from './approval-plan.ts';
import { changeStatus } from './change-status.ts';
import { waitingStage } from './notify-approvers.ts';

const TIMEOUT: Actor = { kind: 'policy', rule: 'stage_timeout' };

/** What the requester reads: the details (which stage, how long) stay with the admins. */
export const TIMEOUT_REASON = 'Your request was not decided in time.';

export async function stageTimeout(
  deps: { store: Store; clock: Clock; ids: Ids },
  input: { requestId: string; payload: JobPayload | undefined },
): Promise<void> {
  const waiting = await waitingStage(deps.store, input.requestId, input.payload);
  if (!waiting) return;
  const { request, stage, index, round, stages } = waiting;
  const label = stageLabel(stages, index);
  const now = deps.clock.now();
  if (stage.onTimeout === 'escalate' && round === 0 && stage.alternates.length > 0) {
    await deps.store.saveStageChange({
      requestId: request.id,
      expected: { stage: index, round },
      next: { stage: index, round: 1, startedAt: now },
      audit: {
        id: deps.ids.next(),
        requestId: request.id,
        actor: auditActor(TIMEOUT),
        action: 'stage_escalated',
        fromStatus: 'pending_approval',
        toStatus: 'pending_approval',
        reason: `No decision at ${label} within ${stage.timeoutDays} days: escalated to its alternates.`,
        at: now,
      },
      jobs: stageJobs({ requestId: request.id, stage, index, round: 1, startedAt: now }),
    });
    return; // false: someone decided first, which is what the timeout waited for
  }
  try {
    await changeStatus(deps, {
      request,
      event: { type: 'reject', reason: TIMEOUT_REASON },
      actor: TIMEOUT,
      note: `No decision at ${label} within ${stage.timeoutDays} days${round > 0 ? ' after its escalation' : ''}.`,
      shareReason: true,
      expectedStage: { stage: index, round },
    });
  } catch (error) {
    // Decided (or withdrawn) between our read and our write: nothing left to time out.
    if (!(error instanceof InvalidTransitionError)) throw error;
  }
}
