// The job that sends one event to one webhook (a `deliver_webhook` job, queued with the state
// change that emitted the event: adapters/store/webhooks.ts). Each attempt is recorded on the
// delivery row, which is the console's delivery log. The attempts follow their own schedule
// (domain/webhook-events.ts: 8 over about a day), not the worker's: the handler asks the
// worker to run it again (`again`) rather than throwing, so a receiver that is down for
// hours is neither hammered nor given up on after minutes. A Retry-After longer than the
// schedule's next wait is honoured.
//
// Delivery is at least once: a worker that dies after the receiver answered and before the
// attempt was recorded sends the event again, with the same webhook-id, which receivers use
// to ignore repeats (README, "Teams and webhooks").
import { OutboundHttpError, parseRetryAfter } from '../domain/outbound.ts';
import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_MS } from '../domain/webhook-events.ts';
import type { Clock, OutboundHttp, Store } from '../ports.ts';

export interface DeliverWebhookDeps {
  store: Store;
  clock: Clock;
  http: OutboundHttp;
}

/** The longest Retry-After honoured: a receiver cannot park an event for longer than a day. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export async function deliverWebhook(
  deps: DeliverWebhookDeps,
  deliveryId: string | undefined,
  held?: AbortSignal,
): Promise<{ again: Date; note: string } | undefined> {
  if (!deliveryId) return undefined;
  const found = await deps.store.getDeliveryToSend(deliveryId);
  // Deleted webhook, or a delivery already settled by an earlier run: nothing to send.
  if (found?.delivery.state !== 'pending') return undefined;
  const { delivery } = found;
  held?.throwIfAborted();
  const sentAt = deps.clock.now();
  let status: number | null = null;
  let error: string | null = null;
  let retryAfterMs: number | null = null;
  try {
    const answer = await deps.http.postSigned({
      url: found.url,
      secret: found.secret,
      // The same on every attempt: the receiver's key for ignoring a repeat.
      messageId: delivery.eventId,
      timestamp: sentAt,
      body: delivery.body,
    });
    status = answer.status;
    if (status < 200 || status >= 300) {
      error = `HTTP ${status}`;
      retryAfterMs = parseRetryAfter(answer.retryAfter, sentAt);
    }
  } catch (failure) {
    if (!(failure instanceof OutboundHttpError)) throw failure; // a bug: the worker's rules apply
    error = failure.message;
  }
  const at = deps.clock.now();
  const attempts = delivery.attempts + 1;
  if (error === null) {
    await deps.store.recordDeliveryAttempt(delivery.id, { at, status, error, state: 'delivered', nextAttemptAt: null });
    return undefined;
  }
  if (attempts >= WEBHOOK_MAX_ATTEMPTS) {
    await deps.store.recordDeliveryAttempt(delivery.id, { at, status, error, state: 'failed', nextAttemptAt: null });
    return undefined;
  }
  const scheduled = WEBHOOK_RETRY_DELAYS_MS[attempts - 1]!;
  const waitMs = Math.max(scheduled, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  const next = new Date(at.getTime() + waitMs);
  await deps.store.recordDeliveryAttempt(delivery.id, { at, status, error, state: 'pending', nextAttemptAt: next });
  return { again: next, note: `Webhook attempt ${attempts} failed: ${error}` };
}
