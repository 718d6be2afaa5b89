// How long to wait before trying a failed job again.

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** In [0, 1); injected so tests are deterministic. */
  random: () => number;
}

/** Used when Graph throttles (429) without saying for how long; it nearly always says. */
export const THROTTLE_FALLBACK_MS = 30_000;

export function retryDelayMs(
  failure: { countsAttempt: boolean; retryAfterMs: number | null },
  /** Counted attempts before this one. */
  attempts: number,
  policy: RetryPolicy,
): number {
  if (failure.retryAfterMs !== null) {
    // Retry-After is honoured as given, never shortened. The jitter (up to 10%, at most
    // 1 s) keeps the jobs that one throttling episode pushed back from returning together.
    const retryAfter = Math.max(0, failure.retryAfterMs);
    return retryAfter + Math.floor(policy.random() * Math.min(1000, retryAfter * 0.1));
  }
  if (!failure.countsAttempt) {
    // Uncounted retries do not grow the exponent, so back off by a fixed, jittered amount.
    const cap = Math.min(policy.maxDelayMs, THROTTLE_FALLBACK_MS);
    return Math.floor(cap / 2 + (policy.random() * cap) / 2);
  }
  // Exponential backoff with full jitter: spreads retries of many jobs that failed
  // together (an outage) across the whole window instead of in synchronized waves.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempts, 40));
  return Math.floor(policy.random() * ceiling);
}
