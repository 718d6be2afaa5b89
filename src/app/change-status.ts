// The one way a use case moves a request: the pure `transition()`, then a conditional
// write on the status it read, with the audit entry and the implied jobs in the same
// transaction (ARCHITECTURE.md invariants 2 and 4).
import { type Actor, auditActor } from '../domain/actor.ts';
import { InvalidTransitionError } from '../domain/errors.ts';
import { type AccessRequest, type LifecycleEvent, transition } from '../domain/lifecycle.ts';
import type { Clock, Ids, NewJob, ProvisioningProgress, Store } from '../ports.ts';
import { notificationsOf } from './notifications.ts';
import { requesterNoticeJobs } from './requester-notices.ts';

export interface ChangeStatusDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
}

export async function changeStatus(
  deps: ChangeStatusDeps,
  input: {
    request: AccessRequest;
    event: LifecycleEvent;
    actor: Actor;
    /** Shown in the audit trail; defaults to the request's new reason. */
    note?: string | undefined;
    jobs?: (next: AccessRequest, now: Date) => NewJob[];
    /** Provisioning progress written in the same transaction. */
    progress?: Partial<ProvisioningProgress>;
    /** A rejection whose reason the requester may read (their status page and email). */
    shareReason?: boolean;
    /** A decision at an approval stage: only while the request is still at this stage and round. */
    expectedStage?: { stage: number | null; round: number };
  },
): Promise<AccessRequest> {
  const now = deps.clock.now();
  const next = transition(input.request, input.event, now);
  const notifications = notificationsOf(
    { event: input.event.type, from: input.request.status, next, at: now },
    deps.ids,
  );
  const saved = await deps.store.saveTransition({
    next,
    expectedStatus: input.request.status,
    audit: {
      id: deps.ids.next(),
      requestId: next.id,
      actor: auditActor(input.actor),
      action: input.event.type,
      fromStatus: input.request.status,
      toStatus: next.status,
      reason: input.note ?? next.reason,
      at: now,
    },
    // The requester's email about this move, if it owes one, the Teams card and the
    // webhook events commit with it (outbox).
    jobs: [
      ...(input.jobs?.(next, now) ?? []),
      ...requesterNoticeJobs(input.event.type, input.request.status, next.id, now),
      ...notifications.jobs,
    ],
    events: notifications.events,
    ...(input.progress ? { progress: input.progress } : {}),
    ...(input.shareReason ? { shareReason: true } : {}),
    ...(input.expectedStage ? { expectedStage: input.expectedStage } : {}),
  });
  if (!saved) {
    // Someone else moved the request between our read and our write: report the state
    // they left it in, so the loser of a race gets a 409 that makes sense.
    const current = await deps.store.getRequest(next.id);
    throw new InvalidTransitionError(current?.status ?? input.request.status, input.event.type);
  }
  return next;
}
