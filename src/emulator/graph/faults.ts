// Injected failures for Graph calls (token calls have their own: sts/token-faults.ts), to
// exercise a client's retry and idempotency rules. Choices come from a seeded PRNG, so one
// seed and one call sequence always give the same faults. Each Graph operation draws once;
// inner $batch requests draw one by one, as each is throttled on its own
// (concepts/json-batching.md). With `operations`, only those operations draw at all, so a
// test can aim at invitations alone and keep the others' sequence out of its seed.
//  - 429: Retry-After seconds, and the operation has no effect (concepts/throttling.md);
//  - 5xx: no effect, or — afterEffectRate of the time — the operation takes effect and
//    the 5xx is answered anyway, as when a gateway times out after the write; Graph's 503s
//    may or may not carry Retry-After (concepts/best-practices-concept.md, "Handling
//    expected errors"), so that is an option;
//  - lost answer (lostAnswerRate): the operation takes effect and the connection is then
//    reset with no response at all, as when a proxy or the network drops it. The client
//    sees a socket error, not a status, and cannot know whether the write happened.

/** Names of the Graph operations, as routes declare them (`Route.name`). */
export type OperationName =
  | 'invite'
  | 'listUsers'
  | 'getUser'
  | 'updateUser'
  | 'deleteUser'
  | 'getGroup'
  | 'listMembers'
  | 'listTransitiveMembers'
  | 'addMember'
  | 'removeMember'
  | 'assignAppRole'
  | 'getOrganization'
  | 'getAuthorizationPolicy'
  | 'sendMail';

export interface FaultOptions {
  /** Share (0..1) of Graph calls answered with a fault. */
  rate: number;
  /** Statuses to pick from; default [429, 503]. */
  statuses?: number[];
  /** Retry-After of an injected 429; default 1. */
  retryAfterSeconds?: number;
  /** Retry-After of an injected 5xx; default none (the header is left out). */
  serverErrorRetryAfterSeconds?: number;
  /** Share of 5xx faults applied after the operation took effect. */
  afterEffectRate?: number;
  /** Share (0..1) of calls (not otherwise faulted) that take effect and then lose their answer. */
  lostAnswerRate?: number;
  /** Only these operations are faulted (and draw from the seed); default all. */
  operations?: OperationName[];
  /** Share of calls delayed by slowMs. */
  slowRate?: number;
  slowMs?: number;
  /** PRNG seed; default 1. */
  seed?: number;
}

export interface FaultDecision {
  delayMs: number;
  fault: { status: number; retryAfterSeconds: number | null; afterEffect: boolean } | null;
  /** Take effect, then reset the connection without answering. */
  lostAnswer: boolean;
}

export const FAULT_CODES: Record<number, { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Please retry again later.' },
  500: { code: 'InternalServerError', message: 'Internal Server Error' },
  502: { code: 'BadGateway', message: 'Bad Gateway' },
  503: { code: 'ServiceUnavailable', message: 'Service Unavailable' },
  504: { code: 'GatewayTimeout', message: 'Gateway Timeout' },
};

export type FaultInjector = (operation?: OperationName) => FaultDecision;

const NO_FAULT: FaultDecision = { delayMs: 0, fault: null, lostAnswer: false };

export function faultInjector(options: FaultOptions | null): FaultInjector {
  if (options === null) return () => NO_FAULT;
  const statuses = options.statuses ?? [429, 503];
  const lostAnswerRate = options.lostAnswerRate ?? 0;
  const shares = [options.rate, options.afterEffectRate ?? 0, options.slowRate ?? 0, lostAnswerRate];
  if (shares.some((share) => !(share >= 0 && share <= 1))) throw new TypeError('Fault rates must be between 0 and 1.');
  if (statuses.length === 0 || statuses.some((status) => !FAULT_CODES[status])) {
    throw new TypeError(`Fault statuses must be among ${Object.keys(FAULT_CODES).join(', ')}.`);
  }
  if (options.rate === 0 && !options.slowRate && lostAnswerRate === 0) return () => NO_FAULT;
  const targets = options.operations ? new Set(options.operations) : null;
  const random = mulberry32(options.seed ?? 1);
  return (operation) => {
    if (targets && (operation === undefined || !targets.has(operation))) return NO_FAULT;
    const delayMs = random() < (options.slowRate ?? 0) ? (options.slowMs ?? 1000) : 0;
    if (random() >= options.rate) {
      // Drawn only when asked for, so seeds chosen before lost answers existed keep their faults.
      const lostAnswer = lostAnswerRate > 0 && random() < lostAnswerRate;
      return { delayMs, fault: null, lostAnswer };
    }
    const status = statuses[Math.floor(random() * statuses.length)] as number;
    const afterEffect = status >= 500 && random() < (options.afterEffectRate ?? 0);
    const retryAfterSeconds =
      status === 429 ? (options.retryAfterSeconds ?? 1) : (options.serverErrorRetryAfterSeconds ?? null);
    return { delayMs, fault: { status, retryAfterSeconds, afterEffect }, lostAnswer: false };
  };
}

/** A small, well-known 32-bit PRNG; Math.random cannot be seeded. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
