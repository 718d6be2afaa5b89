// When a request's access ends, and when its requester is reminded. The end date is the
// catalogue's (`accessExpiresAt`, stored with the request and set from the app's access
// duration when it becomes active); a request without one is never reminded.
import type { AccessRequest } from './lifecycle.ts';

/** The request's access end date, or null when its access does not end. */
export function accessEndOf(request: AccessRequest): Date | null {
  return request.accessExpiresAt;
}

export type Reminder = { kind: 'wait'; until: Date } | { kind: 'send'; endsAt: Date } | { kind: 'none' };

/**
 * What the reminder job does now: wait until `days` before the end, send (inside that
 * window, before the end), or nothing (no end date, reminders off, or the end has passed:
 * the expiry notice tells the rest).
 */
export function reminderAt(end: Date | null, days: number, now: Date): Reminder {
  if (!end || days <= 0 || now >= end) return { kind: 'none' };
  const at = new Date(end.getTime() - days * 86_400_000);
  return now < at ? { kind: 'wait', until: at } : { kind: 'send', endsAt: end };
}
