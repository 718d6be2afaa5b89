// Staff sign-in rules: which Entra app role makes which Guestlist role, where a browser
// may be sent after signing in, and the two ways a sign-in can fail. Pure.
import { AppError } from './errors.ts';
import type { Role } from './roles.ts';

/** The app roles of Guestlist's app registration (README, "Entra setup"), by value. */
export const APP_ROLES = { admin: 'Guestlist.Admin', approver: 'Guestlist.Approver' } as const;

/** The ID token's `roles` claim → the Guestlist role: admin wins over approver; neither is null. */
export function roleFromAppRoles(roles: readonly string[]): Role | null {
  if (roles.includes(APP_ROLES.admin)) return 'admin';
  if (roles.includes(APP_ROLES.approver)) return 'approver';
  return null;
}

export const DEFAULT_AFTER_SIGN_IN = '/admin';

/**
 * Where to go after signing in: `next` only when it is a path on this site — starts with
 * one `/`, not `//` or `/\` (which browsers read as another host), no control characters
 * or backslashes anywhere (browsers turn `\` into `/`), and still on this site, and not `//`, once
 * parsed (dot segments resolved).
 * Anything else is the default: no open redirect.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > 2000) return DEFAULT_AFTER_SIGN_IN;
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) {
    return DEFAULT_AFTER_SIGN_IN;
  }
  const base = 'http://guestlist.invalid';
  let parsed: URL;
  try {
    parsed = new URL(next, base);
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  if (parsed.origin !== base) return DEFAULT_AFTER_SIGN_IN;
  // Dot segments are resolved only now (`/.//evil.com` is the path `//evil.com`): what is
  // sent must pass the same test as what came in.
  const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  return path.startsWith('//') ? DEFAULT_AFTER_SIGN_IN : path;
}

/**
 * The identity provider cannot be reached, or answered nonsense to discovery: nobody can
 * sign in with Microsoft until it is back (local admins still can).
 */
export class IdentityProviderUnavailableError extends AppError {
  constructor(message = 'Microsoft sign-in is not reachable right now.') {
    super('identity_provider_unavailable', message, { status: 503, expose: true });
  }
}

/** This one sign-in did not work: cancelled, refused, expired, replayed or not matching. */
export class SignInFailedError extends AppError {
  /**
   * `access_denied`: the person cancelled or was refused; `state`: no attempt in this
   * browser, or another one (a replayed or forged callback); `token`: the code or the ID
   * token did not check out; `provider_error`: the provider sent another error back.
   */
  readonly reason: 'access_denied' | 'state' | 'token' | 'provider_error';

  constructor(reason: SignInFailedError['reason'], message: string) {
    super('sign_in_failed', message, { status: 400 });
    this.reason = reason;
  }
}
