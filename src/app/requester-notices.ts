// Which moves of a request owe its requester an email, and the job that sends it. Kept in
// one table so change-status.ts can queue the job in the move's own transaction (outbox).
import type { EventType, Status } from '../domain/lifecycle.ts';
import type { NewJob } from '../ports.ts';

/**
 * The events the requester hears about. `approve`: every decision is told at once (issue 7),
 * since with approval stages and provisioning that waits for a paused directory the
 * invitation may come much later; the email says one more will follow. `activate` only straight from provisioning: someone who already had an account gets no
 * invitation, so this email is the only news of the approval (after an invitation, the
 * person redeemed it themselves and knows). Not the expiry of an unconfirmed request: nobody
 * proved the address, and mailing it would let anyone send our email to it.
 */
export const REQUESTER_NOTICE_EVENTS: readonly EventType[] = ['approve', 'reject', 'fail', 'expire', 'activate'];

export function owesRequesterNotice(event: EventType, from: Status): boolean {
  if (!REQUESTER_NOTICE_EVENTS.includes(event)) return false;
  if (event === 'expire') return from !== 'pending_verification';
  if (event === 'activate') return from === 'provisioning';
  return true;
}

export function requesterNoticeJobs(event: EventType, from: Status, requestId: string, now: Date): NewJob[] {
  return [
    ...(owesRequesterNotice(event, from) ? [{ kind: 'notify_requester' as const, requestId, runAt: now }] : []),
    ...(event === 'activate' ? expiryReminderJobs(requestId, now) : []),
  ];
}

/**
 * The job that reminds the requester before their access ends (remind-expiry.ts), queued
 * when the request becomes active. It reads the end date when it runs and waits for it, so
 * it is queued even before an end date is known. Code that sets or moves a request's end
 * date later (the catalogue) queues it again with the change: a reminder is sent once per
 * end date.
 */
export function expiryReminderJobs(requestId: string, now: Date): NewJob[] {
  return [{ kind: 'remind_expiry', requestId, runAt: now }];
}
