// Who is calling. The API knows callers by bearer token (`guestlist token create`); the
// web pages by the session cookie set at sign-in (web/auth/). access.ts's one onRequest
// hook calls the right one for the route's surface and puts the result on
// `request.principal`; routes read it there and never look at headers or cookies.
// The API never accepts the cookie: a browser sends cookies on its own, so a cookie-
// authenticated API would need CSRF protection on every call. Only token hashes and
// session-id hashes are stored; neither secret is ever logged (pino redacts both headers).
import type { FastifyRequest } from 'fastify';
import { hashToken } from '../app/secret-tokens.ts';
import { resumeSession, type SessionDeps } from '../app/sessions.ts';
import type { Authority } from '../app/stage-authority.ts';
import type { Actor } from '../domain/actor.ts';
import { UnauthorizedError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import type { Store } from '../ports.ts';

export type { Role };
export interface Principal {
  name: string;
  /** null: a person signed in without a Guestlist role (Entra gave no app role). */
  role: Role | null;
  /** Who this caller is to the use cases (and so to the audit trail). */
  actor: Actor;
  /** The signed-in person's address (the ID token's email claim); null for tokens and local admins. */
  email?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, or null when anonymous; set by access.ts's onRequest hook before anything else reads it. */
    principal: Principal | null;
  }
}

/**
 * The actor of a route whose row in access.ts admits no anonymous caller: the hooks have
 * made sure there is a principal (the 401 is a guard, should a row and a route disagree).
 */
export function callerActor(request: FastifyRequest): Actor {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal.actor;
}

/**
 * Who is deciding, for the approval-stage checks (app/stage-authority.ts): the role, the
 * signed-in person's address and Entra object id (group membership), or a token.
 */
export function callerAuthority(request: FastifyRequest): Authority {
  const principal = request.principal;
  if (!principal) throw new UnauthorizedError();
  const actor = principal.actor;
  return {
    role: principal.role,
    email: principal.email ?? null,
    oid: actor.kind === 'person' && actor.via === 'entra' ? actor.id : null,
    token: actor.kind === 'token',
  };
}

/** RFC 7235 §2.1: the scheme is case-insensitive, and one or more spaces follow it. */
const BEARER = /^Bearer +([A-Za-z0-9_-]{10,200})$/i;
/** Whether the caller offered a bearer token at all, well-formed or not. */
const OFFERS_BEARER = /^Bearer +\S/i;

/**
 * The caller an Authorization header names: null when there is none (anonymous),
 * 'invalid' when it is malformed, another scheme, or an unknown, expired or revoked token.
 */
export async function authenticate(
  store: Store,
  header: string | undefined,
  now: Date,
): Promise<Principal | null | 'invalid'> {
  if (header === undefined) return null;
  const match = BEARER.exec(header);
  // Null for an expired or revoked token too; records the use (at most once a minute).
  const token = match ? await store.useApiToken(hashToken(match[1]!), now) : null;
  if (!token) return 'invalid';
  return { name: token.name, role: token.role, actor: { kind: 'token', name: token.name } };
}

/** The person a session cookie's secret names, or null (no cookie, unknown, or ended). */
export async function authenticateSession(deps: SessionDeps, secret: string | undefined): Promise<Principal | null> {
  if (!secret || secret.length > 200) return null;
  const session = await resumeSession(deps, secret);
  if (!session) return null;
  return {
    name: session.name,
    role: session.role,
    actor: { kind: 'person', via: session.via, id: session.subject, name: session.name },
    email: session.email,
  };
}

/** The session cookie's name: `__Host-` when served over https (no Domain, Path=/, Secure enforced by browsers). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-guestlist-session' : 'guestlist-session';
}

/**
 * The WWW-Authenticate challenge every 401 carries (RFC 6750 §3): `invalid_token` once a
 * bearer token was offered and refused, no error code when none was offered (§3.1).
 */
export function bearerChallenge(request: FastifyRequest): string {
  return OFFERS_BEARER.test(request.headers.authorization ?? '') ? 'Bearer error="invalid_token"' : 'Bearer';
}
