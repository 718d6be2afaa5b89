// Bearer tokens for the API (created by `guestlist token create`). Only the SHA-256
// hash is stored; the token itself is never logged (pino redacts the header).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken } from '../app/secret-tokens.ts';
import type { Actor } from '../domain/actor.ts';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import type { Store } from '../ports.ts';

export type { Role };
export interface Principal {
  name: string;
  role: Role;
  /** Who this caller is to the use cases (and so to the audit trail). */
  actor: Actor;
}

const cache = new WeakMap<FastifyRequest, Principal | null>();
/** RFC 7235 §2.1: the scheme is case-insensitive, and one or more spaces follow it. */
const BEARER = /^Bearer +([A-Za-z0-9_-]{10,200})$/i;
/** Whether the caller offered a bearer token at all, well-formed or not. */
const OFFERS_BEARER = /^Bearer +\S/i;

/** The caller, or null when anonymous. A malformed or unknown token is a 401, not anonymity. */
export async function principalOf(store: Store, request: FastifyRequest): Promise<Principal | null> {
  if (cache.has(request)) return cache.get(request) ?? null;
  const header = request.headers.authorization;
  let principal: Principal | null = null;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    const token = match ? await store.findApiTokenByHash(hashToken(match[1]!)) : null;
    if (!token) throw new UnauthorizedError('The bearer token is not valid.');
    principal = { name: token.name, role: token.role, actor: { kind: 'token', name: token.name } };
  }
  cache.set(request, principal);
  return principal;
}

/** A preHandler that admits callers holding one of `roles`. */
export function requireRole(store: Store, ...roles: Role[]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await principalOf(store, request);
    if (!principal) throw new UnauthorizedError();
    if (!roles.includes(principal.role)) throw new ForbiddenError(`This action needs the ${roles.join(' or ')} role.`);
  };
}

/**
 * The WWW-Authenticate challenge every 401 carries (RFC 6750 §3): `invalid_token` once a
 * bearer token was offered and refused, no error code when none was offered (§3.1).
 */
export function bearerChallenge(request: FastifyRequest): string {
  return OFFERS_BEARER.test(request.headers.authorization ?? '') ? 'Bearer error="invalid_token"' : 'Bearer';
}
