// After Graph answers POST /invitations with 429, every further invitation from this
// process would only be refused too until Retry-After has passed — and each refused call
// still counts against the tenant's limits (learn.microsoft.com/graph/throttling: "wait
// the number of seconds specified in Retry-After"). So the adapter remembers the pause
// and refuses locally, with the time left, without calling Graph.
import { DirectoryError } from '../../domain/directory-error.ts';

export interface ThrottleGate {
  /** Throws a transient 429 DirectoryError while a pause is in force. */
  check(): void;
  /** Notes a throttled answer; other errors pass through untouched. */
  note(error: unknown): void;
  /** How long invitations stay held, in ms (0: open). */
  remainingMs(): number;
}

export function throttleGate(now: () => number = Date.now): ThrottleGate {
  let pausedUntil = 0;
  return {
    check() {
      const left = pausedUntil - now();
      if (left <= 0) return;
      throw new DirectoryError({
        message: `Graph throttled invitations; not calling it again for ${Math.ceil(left / 1000)} s.`,
        transient: true,
        graphCode: 'TooManyRequests',
        httpStatus: 429,
        retryAfterMs: left,
      });
    },
    remainingMs() {
      return Math.max(0, pausedUntil - now());
    },
    note(error) {
      if (error instanceof DirectoryError && error.httpStatus === 429 && error.retryAfterMs) {
        pausedUntil = Math.max(pausedUntil, now() + error.retryAfterMs);
      }
    },
  };
}
