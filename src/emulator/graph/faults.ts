// Injected failures for Graph calls (never token calls), to exercise a client's retry and
// idempotency rules. Choices come from a seeded PRNG, so one seed and one call sequence
// always give the same faults. Each Graph operation draws once; inner $batch requests
// draw one by one, as each is throttled on its own (concepts/json-batching.md).
//  - 429: Retry-After seconds, and the operation has no effect (concepts/throttling.md);
//  - 5xx: no effect, or — afterEffectRate of the time — the operation takes effect and
//    the response is lost, as when a gateway times out after the write.

export interface FaultOptions {
  /** Share (0..1) of Graph calls answered with a fault. */
  rate: number;
  /** Statuses to pick from; default [429, 503]. */
  statuses?: number[];
  /** Retry-After of an injected 429; default 1. */
  retryAfterSeconds?: number;
  /** Share of 5xx faults applied after the operation took effect. */
  afterEffectRate?: number;
  /** Share of calls delayed by slowMs. */
  slowRate?: number;
  slowMs?: number;
  /** PRNG seed; default 1. */
  seed?: number;
}

export interface FaultDecision {
  delayMs: number;
  fault: { status: number; retryAfterSeconds: number; afterEffect: boolean } | null;
}

export const FAULT_CODES: Record<number, { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Please retry again later.' },
  500: { code: 'InternalServerError', message: 'Internal Server Error' },
  502: { code: 'BadGateway', message: 'Bad Gateway' },
  503: { code: 'ServiceUnavailable', message: 'Service Unavailable' },
  504: { code: 'GatewayTimeout', message: 'Gateway Timeout' },
};

export type FaultInjector = () => FaultDecision;

export function faultInjector(options: FaultOptions | null): FaultInjector {
  if (options === null) return () => ({ delayMs: 0, fault: null });
  const statuses = options.statuses ?? [429, 503];
  const shares = [options.rate, options.afterEffectRate ?? 0, options.slowRate ?? 0];
  if (shares.some((share) => !(share >= 0 && share <= 1))) throw new TypeError('Fault rates must be between 0 and 1.');
  if (statuses.length === 0 || statuses.some((status) => !FAULT_CODES[status])) {
    throw new TypeError(`Fault statuses must be among ${Object.keys(FAULT_CODES).join(', ')}.`);
  }
  if (options.rate === 0 && !options.slowRate) return () => ({ delayMs: 0, fault: null });
  const random = mulberry32(options.seed ?? 1);
  return () => {
    const delayMs = random() < (options.slowRate ?? 0) ? (options.slowMs ?? 1000) : 0;
    if (random() >= options.rate) return { delayMs, fault: null };
    const status = statuses[Math.floor(random() * statuses.length)] as number;
    const afterEffect = status >= 500 && random() < (options.afterEffectRate ?? 0);
    return { delayMs, fault: { status, retryAfterSeconds: options.retryAfterSeconds ?? 1, afterEffect } };
  };
}

/** A small, well-known 32-bit PRNG; Math.random cannot be seeded. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
