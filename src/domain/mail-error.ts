// A message the mail transport did not take, classified once in the mail adapter (SMTP or
// Graph) so the job runner can keep the promise that a mail server that is down delays
// mail and never loses it (jobs/classify-error.ts):
//   - `outage`: the server or service is down, unreachable, throttling or answering 4xx
//     "try later": retried with back-off for as long as it takes (never given up);
//   - `setup`: the transport refuses Guestlist itself (an SMTP login, Graph's Mail.Send or
//     an application access policy, an unknown mailbox): nothing is wrong with the message,
//     an administrator must act, and the mail waits for it, retried like an outage;
//   - `message`: this message or recipient is refused (SMTP 5xx, Graph 400): retried a few
//     counted times, in case the server is merely confused, then recorded on the request.
import { AppError } from './errors.ts';

export type MailFailureKind = 'outage' | 'setup' | 'message';

export class MailDeliveryError extends AppError {
  readonly kind: MailFailureKind;
  readonly via: 'smtp' | 'graph';
  /** nodemailer's code (ECONNECTION, EAUTH, EENVELOPE…) or Graph's (ErrorAccessDenied…). */
  readonly mailCode: string;
  /** The SMTP reply code or Graph's HTTP status, when there was an answer. */
  readonly responseCode: number | null;
  readonly retryAfterMs: number | null;
  /** A 429: the service refused before doing anything, so the try is not counted. */
  readonly throttled: boolean;

  constructor(input: {
    kind: MailFailureKind;
    via: 'smtp' | 'graph';
    code: string;
    message: string;
    responseCode?: number | null;
    retryAfterMs?: number | null;
    throttled?: boolean;
    cause?: unknown;
  }) {
    super('mail_delivery', input.message, { status: 502, expose: false, cause: input.cause });
    this.kind = input.kind;
    this.via = input.via;
    this.mailCode = input.code;
    this.responseCode = input.responseCode ?? null;
    this.retryAfterMs = input.retryAfterMs ?? null;
    this.throttled = input.throttled ?? false;
  }
}
