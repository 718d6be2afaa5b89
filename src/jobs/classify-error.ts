// What a job's failure means for the job: the one place that decides retry or give up.
//   - DirectoryError: as the Graph adapter classified it (`transient`); a 429 is
//     throttling, which Graph applied before doing anything, so it is retried without
//     counting an attempt; so is a 404 taken as replication lag (ReplicationLagError).
//   - OutboundHttpError (a Teams post): transient ones retried, counted, honouring
//     Retry-After; a 4xx that retrying will not change is permanent.
//   - Any other AppError below 500 (InvalidTransitionError, NotFoundError, validation):
//     retrying the same input gives the same answer, so it is permanent.
//   - MailDeliveryError (domain/mail-error.ts): an outage or a setup fault is retried,
//     uncounted, until it passes, never given up; a refused message is counted and can end.
//   - Anything else (a bug, a database hiccup, a dropped connection): transient, counted,
//     so a real bug still ends in giveUp after maxAttempts.
import { DirectoryError } from '../domain/directory-error.ts';
import { AppError } from '../domain/errors.ts';
import { MailDeliveryError } from '../domain/mail-error.ts';
import { OutboundHttpError } from '../domain/outbound.ts';
import { ReplicationLagError } from '../domain/replication-lag.ts';

/** How soon mail is tried again after an outage or a setup fault, when the server did not say. */
export const MAIL_RETRY_MS = { outage: 60_000, setup: 300_000 } as const;

export interface JobFailure {
  /** Retrying cannot help: give up now. */
  permanent: boolean;
  /** Whether this try counts as an attempt (grows the back-off). */
  countsAttempt: boolean;
  /**
   * Whether counted attempts can end the job (at maxAttempts). Not for Graph's transient
   * failures: a 503 or a lost connection is Graph's trouble, not the request's, so the
   * request is retried (backing off up to maxDelayMs) until Graph answers, never `failed`
   * for it; a tenant-wide fault pauses provisioning instead (directory-pause.ts).
   */
  canExhaust: boolean;
  /** How long the server asked us to wait (Retry-After), when it said. */
  retryAfterMs: number | null;
  /** For the job's last_error and the logs. Never a secret: Graph messages carry none. */
  message: string;
}

export function classifyJobError(error: unknown): JobFailure {
  if (error instanceof DirectoryError) {
    const throttled = error.httpStatus === 429;
    return {
      permanent: !error.transient,
      // Waiting for replication is bounded by its own window (domain/replication-lag.ts),
      // not by the attempt count, which would end it after a few minutes.
      countsAttempt: !throttled && !(error instanceof ReplicationLagError),
      canExhaust: false,
      retryAfterMs: error.retryAfterMs,
      message: error.describe(),
    };
  }
  if (error instanceof OutboundHttpError) {
    return {
      permanent: !error.transient,
      countsAttempt: true,
      canExhaust: true,
      retryAfterMs: error.retryAfterMs,
      message: error.message,
    };
  }
  if (error instanceof MailDeliveryError) {
    // A mail server that is down, or a transport an administrator must fix, delays mail and
    // never loses it: retried at a steady pace (the server's Retry-After, else every minute
    // for an outage and every five for a setup fault) without counting, so a long outage
    // never brings the message closer to being given up. Only refusals of the message
    // itself (SMTP 5xx, Graph 400) are counted and can end in giving up.
    const counted = error.kind === 'message';
    return {
      permanent: false,
      countsAttempt: counted,
      canExhaust: counted,
      retryAfterMs: error.retryAfterMs ?? (counted ? null : MAIL_RETRY_MS[error.kind]),
      message: truncate(
        `${error.kind === 'message' ? 'Refused' : 'Mail delayed'} (${error.mailCode}): ${error.message}`,
      ),
    };
  }
  const message = truncate(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  if (error instanceof AppError && error.status < 500) {
    return { permanent: true, countsAttempt: true, canExhaust: true, retryAfterMs: null, message };
  }
  return { permanent: false, countsAttempt: true, canExhaust: true, retryAfterMs: null, message };
}

function truncate(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}
