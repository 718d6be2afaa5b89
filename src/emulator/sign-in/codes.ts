// The two short-lived records of a sign-in: the page shown (a PendingSignIn, answered
// once by picking an account or cancelling) and the authorization code it yields.
// Codes live 10 minutes as Entra's do (v2-oauth2-auth-code-flow.md: "Authorization codes
// are short lived, typically expiring after about 10 minutes") and are single-use; a
// redeemed code is kept until it expires so that a second redemption can be told apart
// from a code that never existed (AADSTS54005 rather than AADSTS70000).
import { randomBytes } from 'node:crypto';
import type { EmulatorState } from '../state.ts';

export const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** What the authorize request asked for, checked; carried from the page to the code. */
export interface SignInRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
}

export interface PendingSignIn extends SignInRequest {
  expiresAtMs: number;
}

export interface AuthorizationCode extends SignInRequest {
  userId: string;
  /** The person's app role values when they signed in: later changes wait for the next sign-in. */
  roles: string[];
  expiresAtMs: number;
  redeemed: boolean;
}

function newId(): string {
  return randomBytes(32).toString('base64url');
}

function sweep<T extends { expiresAtMs: number }>(map: Map<string, T>, nowMs: number): void {
  for (const [id, entry] of map) if (entry.expiresAtMs <= nowMs) map.delete(id);
}

export function startSignIn(state: EmulatorState, request: SignInRequest): string {
  const nowMs = state.clock().getTime();
  sweep(state.pendingSignIns, nowMs);
  const flow = newId();
  state.pendingSignIns.set(flow, { ...request, expiresAtMs: nowMs + CODE_LIFETIME_MS });
  return flow;
}

/** The pending sign-in for this page, removed so the page cannot be answered twice. */
export function takeSignIn(state: EmulatorState, flow: string): PendingSignIn | null {
  const pending = state.pendingSignIns.get(flow);
  if (!pending) return null;
  state.pendingSignIns.delete(flow);
  return pending.expiresAtMs > state.clock().getTime() ? pending : null;
}

export function issueCode(
  state: EmulatorState,
  request: SignInRequest,
  person: { userId: string; roles: string[] },
): string {
  const nowMs = state.clock().getTime();
  // Expired codes are dropped a lifetime late, so a late reuse still reads as "expired".
  sweep(state.codes, nowMs - CODE_LIFETIME_MS);
  const code = newId();
  state.codes.set(code, {
    ...request,
    ...person,
    roles: [...person.roles],
    expiresAtMs: nowMs + CODE_LIFETIME_MS,
    redeemed: false,
  });
  return code;
}
