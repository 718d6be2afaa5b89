// Provisioning, step 3 (`guestlist` mode): email the invitation with its redeem URL. The
// job is committed with the `invited` transition (or with an admin's resend), and each
// such audit entry wants exactly one email: the job sends only while fewer were sent,
// then records the count, so a repeated run mails nobody. The one duplicate left is a
// crash after the mail server accepted the message and before the count was recorded
// (README, "One invitation email").
import type { Logger, Mailer } from '../ports.ts';
import type { Catalogue } from './app-catalogue.ts';
import type { ChangeStatusDeps } from './change-status.ts';
import { brandingForApp } from './email-branding.ts';
import { type InvitationBranding, invitationEmail } from './invitation-email.ts';

export interface SendInvitationDeps extends ChangeStatusDeps {
  mailer: Mailer;
  logger: Logger;
  branding: InvitationBranding;
  catalogue?: Catalogue | undefined;
  customMessage?: string | undefined;
}

/** The audit actions each of which owes the person one invitation email. */
export const INVITATION_EMAIL_ACTIONS = ['invite', 'resend_invitation'] as const;

export async function sendInvitation(deps: SendInvitationDeps, requestId: string, held?: AbortSignal): Promise<void> {
  // The history first, then the request: a resend writes its entry and its new redeem URL
  // in one transaction, so an email that counts the resend carries the new URL.
  const [progress, audit] = await Promise.all([deps.store.getProgress(requestId), deps.store.listAudit(requestId)]);
  const request = await deps.store.getRequest(requestId);
  // Revoked or expired meanwhile: the link would not help any more.
  if (request?.status !== 'invited' || !request.redeemUrl) return;
  const wanted = audit.filter((entry) => (INVITATION_EMAIL_ACTIONS as readonly string[]).includes(entry.action)).length;
  if (progress.invitationEmailsSent >= wanted) return; // sent by an earlier run
  // Another worker may have this job now (a lost lease): leave the email to it.
  held?.throwIfAborted();
  await deps.mailer.send(
    invitationEmail({
      to: request.email,
      firstName: request.firstName,
      redeemUrl: request.redeemUrl,
      branding: (await brandingForApp(deps, request.appId)).branding,
      customMessage: deps.customMessage,
      resend: wanted > 1,
    }),
  );
  const recorded = await deps.store.recordProgress({
    requestId,
    expectedStatus: ['invited', 'active', 'expired', 'revoked'],
    at: deps.clock.now(),
    progress: { invitationEmailsSent: wanted, mailError: null },
  });
  if (!recorded) deps.logger.warn({ requestId }, 'invitation email sent, but the count could not be recorded');
}
