// Injected token-endpoint failures (Emulator.setTokenFaults, setTokenRefusal), so a client's
// handling of "Entra is briefly down" and "the tenant refuses us" can be tested.
// Bodies keep Entra's error shape (token-errors.ts). Codes and texts are from entra-docs
// identity-platform/reference-error-codes.md ("AADSTS error codes"):
//   AADSTS90006 ExternalServerRetryableError - The service is temporarily unavailable.
//   AADSTS90024 RequestBudgetExceededError - A transient error has occurred. Try again.
//   AADSTS90033 MsodsServiceUnavailable - The Microsoft Online Directory Service (MSODS) isn't available.
//   AADSTS50000 TokenIssuanceError - There's an issue with the sign-in service.
// The HTTP statuses are our choice (the page gives none): RFC 6749 §5.2 has the token
// endpoint answer errors with 400, so `temporarily_unavailable` and AADSTS90024 come as
// 400 — the case where a client must read the `error` field, not the status — while
// AADSTS90033 and the `503` kind come as 503 and `500` as 500 `server_error`. `status`
// overrides it. Choices come from a seeded PRNG, as Graph faults do.
import { mulberry32 } from '../graph/faults.ts';

export type TokenFaultKind = 'temporarily_unavailable' | 'AADSTS90024' | 'AADSTS90033' | 500 | 503;

export interface TokenFaultOptions {
  /** Share (0..1) of token requests that fail. */
  rate: number;
  kind: TokenFaultKind;
  /** HTTP status instead of the kind's default. */
  status?: number;
  /** Adds a Retry-After header (seconds). */
  retryAfterSeconds?: number;
  /** PRNG seed; default 1. */
  seed?: number;
}

/** An arbitrary AADSTS refusal for every token request, e.g. one Guestlist does not know yet. */
export interface TokenRefusal {
  code: number;
  description: string;
  /** OAuth error field; default `invalid_request`. */
  error?: string;
  /** Default 400. */
  status?: number;
}

export interface TokenFailure {
  status: number;
  error: string;
  code: number;
  description: string;
  headers: Record<string, string>;
}

const KINDS: Record<string, Omit<TokenFailure, 'headers'>> = {
  temporarily_unavailable: {
    status: 400,
    error: 'temporarily_unavailable',
    code: 90006,
    description: 'The service is temporarily unavailable.',
  },
  AADSTS90024: {
    status: 400,
    error: 'temporarily_unavailable',
    code: 90024,
    description: 'A transient error has occurred. Try again.',
  },
  AADSTS90033: {
    status: 503,
    error: 'temporarily_unavailable',
    code: 90033,
    description: "The Microsoft Online Directory Service (MSODS) isn't available.",
  },
  '500': {
    status: 500,
    error: 'server_error',
    code: 50000,
    description: "There's an issue with the sign-in service.",
  },
  '503': {
    status: 503,
    error: 'temporarily_unavailable',
    code: 90006,
    description: 'The service is temporarily unavailable.',
  },
};

export type TokenFaultInjector = () => TokenFailure | null;

export function tokenFaultInjector(options: TokenFaultOptions | null): TokenFaultInjector {
  if (options === null) return () => null;
  if (!(options.rate >= 0 && options.rate <= 1)) throw new TypeError('Token fault rate must be between 0 and 1.');
  const kind = KINDS[String(options.kind)];
  if (!kind) throw new TypeError(`Token fault kind must be among ${Object.keys(KINDS).join(', ')}.`);
  const failure: TokenFailure = {
    ...kind,
    status: options.status ?? kind.status,
    headers: options.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(options.retryAfterSeconds) },
  };
  const random = mulberry32(options.seed ?? 1);
  return () => (random() < options.rate ? failure : null);
}

export function refusalFailure(refusal: TokenRefusal): TokenFailure {
  return {
    status: refusal.status ?? 400,
    error: refusal.error ?? 'invalid_request',
    code: refusal.code,
    description: refusal.description,
    headers: {},
  };
}
