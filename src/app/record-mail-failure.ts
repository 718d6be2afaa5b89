// A job gave up mailing the requester: say so where admins look (the request's history
// and its `mailError`), not only in the log. The status does not change: the request is
// still what it was, and the mail can be sent again (a resend, or the requester asking again).
import { auditActor, WORKER } from '../domain/actor.ts';
import { MailDeliveryError } from '../domain/mail-error.ts';
import type { ChangeStatusDeps } from './change-status.ts';

export async function recordMailFailure(
  deps: ChangeStatusDeps,
  input: { id: string; what: string; error: unknown },
): Promise<void> {
  const request = await deps.store.getRequest(input.id);
  if (!request) return;
  const now = deps.clock.now();
  const reason = `${input.what} could not be sent: ${describeMailError(input.error)}`;
  await deps.store.recordProgress({
    requestId: request.id,
    expectedStatus: [request.status],
    at: now,
    progress: { mailError: reason },
    audit: {
      id: deps.ids.next(),
      requestId: request.id,
      actor: auditActor(WORKER),
      action: 'mail_failed',
      fromStatus: request.status,
      toStatus: request.status,
      reason,
      at: now,
    },
  });
}

/**
 * Nodemailer's error code (ECONNECTION, EAUTH, EENVELOPE…) and the server's reply code:
 * enough for an admin to act on, and never the message, which may quote the SMTP dialogue.
 */
function describeMailError(error: unknown): string {
  // Graph's code, status and request-id (for Microsoft support); its messages carry no secrets.
  if (error instanceof MailDeliveryError && error.via === 'graph') return `${error.message}.`;
  if (error instanceof MailDeliveryError) {
    const parts = [error.mailCode];
    if (error.responseCode !== null) parts.push(`${error.via === 'graph' ? 'HTTP' : 'SMTP'} ${error.responseCode}`);
    return `${parts.join(', ')} (see the server log for details).`;
  }
  const e = error as { code?: unknown; responseCode?: unknown } | null;
  const parts = [typeof e?.code === 'string' ? e.code : 'error'];
  if (typeof e?.responseCode === 'number') parts.push(`SMTP ${e.responseCode}`);
  return `${parts.join(', ')} (see the server log for details).`;
}
