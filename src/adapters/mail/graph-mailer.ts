// Mail through Microsoft Graph: `POST /users/{mailbox}/sendMail` with the app's own
// credentials (application permission Mail.Send), for Microsoft 365 organizations that
// would rather not run or rent an SMTP server. Same Graph client as the directory adapter
// (graph-client.ts: our token, no SDK retries, a timeout), so failures are classified the
// same way (classify-graph-error.ts): 429/5xx transient honouring Retry-After, other 4xx
// permanent with Graph's code and request-id.
//
// Graph facts (learn.microsoft.com/graph/api/user-sendmail):
//   - 202 Accepted with no body: Exchange has taken the message; delivery is asynchronous.
//   - The JSON message has one body: the HTML part goes (contentType HTML); the text part
//     is what a transport that carries both (SMTP) sends beside it.
//   - JSON carries the subject as a string value, so no header can be injected; the
//     subject is still flattened (email-shell.ts) so every transport sends the same one.
//   - The mailbox sends as itself (`from` is left out: sending as another address needs
//     Send As rights in Exchange). `saveToSentItems: false`: Guestlist's mail does not
//     fill the mailbox's Sent Items.
//   - Mail.Send (application) lets the app send as ANY mailbox in the organization until
//     an Exchange application access policy (or RBAC for Applications) scopes it to this
//     one; `guestlist doctor` names the commands. A mailbox outside the policy answers
//     403 ErrorAccessDenied.
import type { DirectoryError } from '../../domain/directory-error.ts';
import { MailDeliveryError } from '../../domain/mail-error.ts';
import type { Mailer, MailMessage } from '../../ports.ts';
import type { GraphClient } from '../directory/graph-client.ts';

export function createGraphMailer(input: { graph: GraphClient; mailbox: string }): Mailer {
  const path = `/users/${encodeURIComponent(input.mailbox)}/sendMail`;
  return {
    async send(message: MailMessage): Promise<void> {
      const body = {
        message: {
          subject: message.subject,
          body: message.html
            ? { contentType: 'HTML', content: message.html }
            : { contentType: 'Text', content: message.text },
          toRecipients: message.to.map((address) => ({ emailAddress: { address } })),
        },
        saveToSentItems: false,
      };
      // `optional`: a 403 here is Exchange's (Mail.Send or the access policy), never a
      // reason to rebuild the directory's credential.
      try {
        await input.graph.call((api) => api(path).post(body), { optional: true });
      } catch (error) {
        throw mailErrorFromGraph(error as DirectoryError);
      }
    },
  };
}

/**
 * Graph's answer as a mail failure (domain/mail-error.ts). 401/403 (a refused token, no
 * Mail.Send, a mailbox outside the access policy) and 404 (no such mailbox) are the setup's:
 * the mail waits for an administrator. Other 4xx are about this message.
 */
export function mailErrorFromGraph(error: DirectoryError): MailDeliveryError {
  const status = error.httpStatus;
  const setup = error.scope === 'tenant' || status === 401 || status === 403 || status === 404;
  return new MailDeliveryError({
    kind: error.transient ? 'outage' : setup ? 'setup' : 'message',
    via: 'graph',
    code: error.graphCode,
    message: error.describe(),
    responseCode: status,
    retryAfterMs: error.retryAfterMs,
    throttled: status === 429,
    cause: error,
  });
}
