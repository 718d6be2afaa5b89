// The job that emails the requester when their request is decided or ends (queued with the
// move, requester-notices.ts). One email per (request, event), however often the job runs:
// each is claimed in the database before it is sent, and the claim is given back if the
// mail server refuses, so a retry sends it. What remains: a worker that dies between the
// claim and the send loses that email (at most one, possibly none).

import type { EventType } from '../domain/lifecycle.ts';
import type { AuditEntry, Clock, Mailer, Store } from '../ports.ts';
import type { Catalogue } from './app-catalogue.ts';
import { brandingForApp } from './email-branding.ts';
import type { InvitationBranding } from './invitation-email.ts';
import { type RequesterNotice, requesterEmail } from './requester-email.ts';
import { owesRequesterNotice, REQUESTER_NOTICE_EVENTS } from './requester-notices.ts';
import { newStatusLink } from './status-link.ts';

export interface NotifyRequesterDeps {
  store: Store;
  clock: Clock;
  mailer: Mailer;
  branding: InvitationBranding;
  /** The request's app names the emails (email-branding.ts); absent: the configured app name. */
  catalogue?: Catalogue | undefined;
  /** Where Guestlist is reached, for the status link. */
  publicUrl: string;
  /** Where the app is reached (the invitation's redirect URL), for someone who needs no invitation. */
  appUrl: string;
}

export async function notifyRequester(deps: NotifyRequesterDeps, requestId: string, held?: AbortSignal): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  if (!request) return;
  const [audit, sent] = await Promise.all([
    deps.store.listAudit(requestId),
    deps.store.listRequesterNotices(requestId),
  ]);
  const owed = audit.filter(
    (entry) =>
      REQUESTER_NOTICE_EVENTS.includes(entry.action as EventType) &&
      entry.fromStatus !== null &&
      owesRequesterNotice(entry.action as EventType, entry.fromStatus) &&
      !sent.includes(entry.action),
  );
  const { branding, appUrl } = await brandingForApp(deps, request.appId);
  for (const entry of owed) {
    held?.throwIfAborted();
    if (!(await deps.store.recordRequesterNotice(requestId, entry.action, deps.clock.now()))) continue;
    try {
      const statusUrl = await newStatusLink(deps, { requestId, publicUrl: deps.publicUrl });
      await deps.mailer.send(
        requesterEmail({
          to: request.email,
          firstName: request.firstName,
          branding,
          notice: await noticeFor({ ...deps, appUrl: appUrl ?? deps.appUrl }, entry),
          statusUrl,
        }),
      );
    } catch (error) {
      await deps.store.releaseRequesterNotice(requestId, entry.action);
      throw error;
    }
  }
}

async function noticeFor(deps: NotifyRequesterDeps, entry: AuditEntry): Promise<RequesterNotice> {
  switch (entry.action) {
    case 'approve':
      return { event: 'approve' };
    case 'reject':
      return {
        event: 'reject',
        sharedReason: (await deps.store.isReasonShared(entry.requestId)) ? entry.reason : null,
      };
    case 'activate':
      return { event: 'activate', appUrl: deps.appUrl };
    case 'expire':
      return { event: 'expire', from: entry.fromStatus };
    default:
      return { event: 'fail' };
  }
}
