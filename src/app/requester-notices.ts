// Which moves of a request owe its requester an email, and the job that sends it. Kept in
// one table so change-status.ts can queue the job in the move's own transaction (outbox).
import type { EventType, Status } from '../domain/lifecycle.ts';
import type { NewJob } from '../ports.ts';

/**
 * The events the requester hears about. Not `approve`: the invitation email (Guestlist's, or
 * Microsoft's in `microsoft` mode) follows within minutes and is the news that matters, and
 * a second email in the same minute is noise; until then the status page says "approved".
 * `activate` only straight from provisioning: someone who already had an account gets no
 * invitation, so this email is the only news of the approval (after an invitation, the
 * person redeemed it themselves and knows). Not the expiry of an unconfirmed request: nobody
 * proved the address, and mailing it would let anyone send our email to it.
 */
export const REQUESTER_NOTICE_EVENTS: readonly EventType[] = ['reject', 'fail', 'expire', 'activate'];

export function owesRequesterNotice(event: EventType, from: Status): boolean {
  if (!REQUESTER_NOTICE_EVENTS.includes(event)) return false;
  if (event === 'expire') return from !== 'pending_verification';
  if (event === 'activate') return from === 'provisioning';
  return true;
}

export function requesterNoticeJobs(event: EventType, from: Status, requestId: string, now: Date): NewJob[] {
  return owesRequesterNotice(event, from) ? [{ kind: 'notify_requester', requestId, runAt: now }] : [];
}
