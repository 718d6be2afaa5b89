// Sliding-window limit for POST /invitations, per tenant. The older published limit for
// invitations is 150 requests per 5 seconds per tenant (reference/microsoft-graph.md,
// "Throttling"); over it Graph answers 429 with Retry-After in seconds
// (concepts/throttling.md). Only admitted requests occupy the window: a throttled call
// has no effect, so it does not push the window further out.

export interface InvitationThrottle {
  limit: number;
  windowMs: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export interface SlidingWindow {
  admit(nowMs: number): Admission;
}

export function slidingWindow(throttle: InvitationThrottle): SlidingWindow {
  if (!(throttle.limit >= 1) || !(throttle.windowMs > 0)) {
    throw new TypeError('invitationThrottle needs limit >= 1 and windowMs > 0.');
  }
  const admitted: number[] = [];
  return {
    admit(nowMs) {
      while (admitted.length > 0 && (admitted[0] as number) <= nowMs - throttle.windowMs) admitted.shift();
      if (admitted.length >= throttle.limit) {
        // The oldest admitted call leaves the window first; that frees the next slot.
        const freesAt = (admitted[0] as number) + throttle.windowMs;
        return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - nowMs) / 1000)) };
      }
      admitted.push(nowMs);
      return { admitted: true };
    },
  };
}
