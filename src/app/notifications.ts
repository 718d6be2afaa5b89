// What a lifecycle move tells the outside world, besides the requester's email
// (requester-notices.ts): the Teams card of a request that now waits for approval (a
// `post_to_teams` job) and the webhook event the move emits (domain/webhook-events.ts).
// change-status.ts (and submit-request.ts, for a request that starts verified) commit both
// with the move, so no use case can forget either.
import type { AccessRequest, EventType, Status } from '../domain/lifecycle.ts';
import { type WebhookEvent, webhookEvent, webhookEventFor } from '../domain/webhook-events.ts';
import type { Ids, NewJob } from '../ports.ts';

export function notificationsOf(
  move: { event: EventType | 'submit'; from: Status | null; next: AccessRequest; at: Date },
  ids: Ids,
): { jobs: NewJob[]; events: WebhookEvent[] } {
  const { next, at } = move;
  // The channel hears of each arrival in pending_approval; the job finds out at run time
  // whether the request's app posts to Teams at all (and skips a request decided meanwhile).
  const jobs: NewJob[] =
    next.status === 'pending_approval' && move.from !== 'pending_approval'
      ? [{ kind: 'post_to_teams', requestId: next.id, runAt: at }]
      : [];
  const type = webhookEventFor(move.event, move.from, next.status);
  const events = type ? [webhookEvent({ id: ids.next(), type, request: next, previousStatus: move.from, at })] : [];
  return { jobs, events };
}
