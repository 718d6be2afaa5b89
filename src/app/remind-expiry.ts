// The job that tells a requester, a few days ahead, that their access ends. Queued when the
// request becomes active (requester-notices.ts); each run reads the end date afresh, so an
// end date set or moved later is honoured: it waits until `days` before the end, sends
// once per end date (claimed in requester_notices as `remind_expiry:<end>`, given back if
// the send fails, like the other notices), and does nothing once access is over or the
// request is no longer active.
import { accessEndOf, reminderAt } from '../domain/access-end.ts';
import type { Clock, Mailer, Store } from '../ports.ts';
import type { Catalogue } from './app-catalogue.ts';
import { brandingForApp } from './email-branding.ts';
import type { InvitationBranding } from './invitation-email.ts';
import { requesterEmail } from './requester-email.ts';
import { newStatusLink } from './status-link.ts';

export interface RemindExpiryDeps {
  store: Store;
  clock: Clock;
  mailer: Mailer;
  branding: InvitationBranding;
  catalogue?: Catalogue | undefined;
  publicUrl: string;
  /** Days before the end (GUESTLIST_EXPIRY_REMINDER_DAYS); 0: no reminder. */
  reminderDays: number;
}

/** Returns when to run again (the reminder is not due yet), or null when done. */
export async function remindExpiry(
  deps: RemindExpiryDeps,
  requestId: string,
  held?: AbortSignal,
): Promise<Date | null> {
  const request = await deps.store.getRequest(requestId);
  if (request?.status !== 'active') return null;
  const now = deps.clock.now();
  const due = reminderAt(accessEndOf(request), deps.reminderDays, now);
  if (due.kind === 'none') return null;
  if (due.kind === 'wait') return due.until;
  const event = `remind_expiry:${due.endsAt.toISOString()}`;
  held?.throwIfAborted();
  if (!(await deps.store.recordRequesterNotice(requestId, event, now))) return null;
  try {
    const statusUrl = await newStatusLink(deps, { requestId, publicUrl: deps.publicUrl });
    await deps.mailer.send(
      requesterEmail({
        to: request.email,
        firstName: request.firstName,
        branding: (await brandingForApp(deps, request.appId)).branding,
        notice: { event: 'remind_expiry', endsAt: due.endsAt },
        statusUrl,
      }),
    );
  } catch (error) {
    await deps.store.releaseRequesterNotice(requestId, event);
    throw error;
  }
  return null;
}
