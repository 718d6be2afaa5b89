// Invitations are limited per tenant: 150 requests per 5 s (reference/microsoft-graph.md,
// "Throttling": the invitation manager's service limit, shared by every app in the tenant).
// Two rules keep Guestlist within it without spending calls that would be refused:
//   - pace: this process sends at most `limit` invitations in any `windowMs` (plus a small
//     margin for the network), so a drain fills each window instead of overrunning it and
//     losing a rounded-up Retry-After every time;
//   - hold: after Graph answers 429 anyway for the shared limit (x-ms-throttle-scope says
//     so; other apps, other workers share it), every further invitation from this process
//     would only be refused too until
//     Retry-After has passed (learn.microsoft.com/graph/throttling: "wait the number of
//     seconds specified in Retry-After"), so the adapter refuses locally, with the time left.
import { DirectoryError } from '../../domain/directory-error.ts';

export interface ThrottleGate {
  /** Throws a transient 429 DirectoryError while held or paced; otherwise counts a POST going out. */
  check(): void;
  /** Notes a throttled answer (its POST took no effect); other errors pass through untouched. */
  note(error: unknown): void;
  /** How long invitations stay held, in ms (0: open). */
  remainingMs(): number;
}

export const INVITATION_LIMIT = { count: 150, windowMs: 5000 } as const;
/** Our send time is earlier than Graph's receive time; don't cut it finer than this. */
const NETWORK_MARGIN_MS = 250;

export function throttleGate(
  now: () => number = Date.now,
  limit: { count: number; windowMs: number } = INVITATION_LIMIT,
  /** Told of each invitation held back and for how long (metrics: GraphMetrics.throttleWait). */
  onHold: (ms: number) => void = () => {},
): ThrottleGate {
  let pausedUntil = 0;
  /** Send times of the latest POSTs (at most `limit.count`). */
  const sent: number[] = [];
  const remainingMs = () => {
    const at = now();
    const paced =
      sent.length >= limit.count ? sent[sent.length - limit.count]! + limit.windowMs + NETWORK_MARGIN_MS : 0;
    return Math.max(0, pausedUntil - at, paced - at);
  };
  return {
    check() {
      const left = remainingMs();
      if (left <= 0) {
        sent.push(now());
        if (sent.length > limit.count) sent.shift();
        return;
      }
      onHold(left);
      throw new DirectoryError({
        message: `Graph throttled invitations; not calling it again for ${Math.ceil(left / 1000)} s.`,
        transient: true,
        graphCode: 'TooManyRequests',
        httpStatus: 429,
        retryAfterMs: left,
      });
    },
    remainingMs,
    note(error) {
      if (error instanceof DirectoryError && error.httpStatus === 429) {
        sent.pop(); // refused: it took no place in Graph's window
        // Only a limit Graph says is shared (x-ms-throttle-scope, concepts/throttling-limits.md)
        // holds every invitation back; a 429 without a scope holds back only its own call.
        if (error.retryAfterMs && error.throttleScope) {
          pausedUntil = Math.max(pausedUntil, now() + error.retryAfterMs);
        }
      }
    },
  };
}
