// Who may call each route: one row per route, in this table alone. Routes declare nothing
// about callers; the hooks below read the table.
//
// - onRoute: a route without a row fails the app at startup (deny by default: nobody can
//   add a route and forget to decide who may call it).
// - onRequest: the caller becomes `request.principal` (auth.ts): on the API from the
//   Authorization header (a malformed or unknown token is a 401; public routes ignore a
//   credential they cannot use, a proxy's Basic auth say, rather than refuse), on the web
//   pages from the session cookie (an ended session is simply anonymous).
// - preHandler: the principal is checked against the route's row. After validation, so a
//   refused caller's malformed input is still a 400, as it was when routes checked roles.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionDeps } from '../app/sessions.ts';
import { AppError, ForbiddenError, UnauthorizedError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import type { Store } from '../ports.ts';
import { API_PREFIX } from './api-prefix.ts';
import { authenticate, authenticateSession, type Principal, sessionCookieName } from './auth.ts';

export type Access =
  /** Anyone, with or without a credential. */
  | 'public'
  | {
      /** Callers holding one of these roles; any other caller with a credential gets a 403. */
      roles: readonly Role[];
      /** Whether callers without a credential may call too (else they get a 401). */
      anonymous?: boolean;
      /** The 403's message, when the usual "needs the … role" would not say why. */
      refusal?: string;
    };

const PUBLIC: Access = 'public';
const APPROVERS: Access = { roles: ['admin', 'approver'] };
const ADMINS: Access = { roles: ['admin'] };

/** `METHOD path` (as registered, with its prefix) → who may call it. HEAD follows its GET. */
export const ACCESS: Readonly<Record<string, Access>> = {
  'GET /': PUBLIC,
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /welcome': PUBLIC,
  // The request form; its POST shares the API's anonymous submission allowance.
  'GET /request': PUBLIC,
  'POST /request': PUBLIC,
  'GET /request/sent': PUBLIC,
  // One app's form (the catalogue); `sent` is a reserved slug, so the two never meet.
  'GET /request/:slug': PUBLIC,
  'POST /request/:slug': PUBLIC,
  'GET /verify': PUBLIC,
  'POST /verify': PUBLIC,
  // The requester's status page and its withdrawal: the link's token is the credential.
  'GET /status': PUBLIC,
  'POST /status/withdraw': PUBLIC,
  'GET /sandbox/redeem': PUBLIC,
  // Signing in and out (web/auth/): anyone; what they guard is the session they start.
  'GET /auth/signin': PUBLIC,
  'GET /auth/signin/microsoft': PUBLIC,
  'GET /auth/callback': PUBLIC,
  'POST /auth/local': PUBLIC,
  'POST /auth/signout': PUBLIC,
  'GET /auth/signedout': PUBLIC,
  'GET /assets/*': PUBLIC,
  'GET /brand.css': PUBLIC,
  [`GET ${API_PREFIX}/openapi.json`]: PUBLIC,
  // Anyone may ask for access; a token submits a verified request, which only an admin may.
  [`POST ${API_PREFIX}/access-requests`]: {
    roles: ['admin'],
    anonymous: true,
    refusal: 'Only an admin token may submit a verified request.',
  },
  [`GET ${API_PREFIX}/access-requests`]: APPROVERS,
  [`GET ${API_PREFIX}/access-requests/:id`]: APPROVERS,
  [`POST ${API_PREFIX}/access-requests/:id/approve`]: APPROVERS,
  [`POST ${API_PREFIX}/access-requests/:id/reject`]: APPROVERS,
  [`POST ${API_PREFIX}/access-requests/:id/retry`]: ADMINS,
  [`POST ${API_PREFIX}/access-requests/:id/resend-invitation`]: ADMINS,
  [`POST ${API_PREFIX}/access-requests/:id/confirm-match`]: ADMINS,
  [`POST ${API_PREFIX}/access-requests/:id/revoke`]: ADMINS,
  [`GET ${API_PREFIX}/sandbox/messages`]: ADMINS,
  // The console (web/admin/): approvers see and decide requests; the rest is for admins.
  'GET /admin': APPROVERS,
  'GET /admin/requests/:id': APPROVERS,
  'POST /admin/requests/:id/approve': APPROVERS,
  'POST /admin/requests/:id/reject': APPROVERS,
  'POST /admin/requests/bulk': APPROVERS,
  'POST /admin/requests/:id/retry': ADMINS,
  'POST /admin/requests/:id/resend-invitation': ADMINS,
  'POST /admin/requests/:id/confirm-match': ADMINS,
  'POST /admin/requests/:id/revoke': ADMINS,
  'GET /admin/audit': ADMINS,
  'GET /admin/audit.csv': ADMINS,
  'GET /admin/tokens': ADMINS,
  'POST /admin/tokens': ADMINS,
  'POST /admin/tokens/:id/revoke': ADMINS,
  'GET /admin/mailbox': ADMINS,
};

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route's key in the access table (`GET /path`, HEAD folded into GET), as registered. */
    servedRoutes: readonly string[];
  }
}

/** The table's key for a route: HEAD is Fastify's automatic twin of GET, with GET's row. */
function routeKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}

/** Whether `access` admits `principal` (null: anonymous); throws the 401 or 403 if not. */
function checkAccess(access: Access, principal: Principal | null): void {
  if (access === 'public') return;
  if (!principal) {
    if (access.anonymous) return;
    throw new UnauthorizedError();
  }
  if (principal.role === null || !access.roles.includes(principal.role)) {
    throw new ForbiddenError(access.refusal ?? `This action needs the ${access.roles.join(' or ')} role.`);
  }
}

export interface AccessDeps {
  store: Store;
  /** Console sessions; the web pages' callers. */
  sessions: SessionDeps;
  /** Whether cookies are Secure (the public URL is https); decides the cookie's name. */
  secureCookies: boolean;
}

/** Whether a URL belongs to the JSON API (bearer tokens) rather than the web pages (sessions). */
export function isApiUrl(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`);
}

/** Installs the three hooks on `app`; call before any route is registered (and after @fastify/cookie). */
export function enforceAccess(
  app: FastifyInstance,
  deps: AccessDeps,
  table: Readonly<Record<string, Access>> = ACCESS,
) {
  const cookieName = sessionCookieName(deps.secureCookies);
  const accessOf = (request: FastifyRequest): Access | undefined =>
    // A 404 or 405 has no route: there is nothing to protect, and the answer is the same for all.
    request.is404 ? PUBLIC : table[routeKey(request.method, request.routeOptions.url ?? '')];

  app.decorateRequest('principal', null);
  const served: string[] = [];
  app.decorate('servedRoutes', served);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const key = routeKey(method, route.url);
      if (!(key in table)) throw new Error(`${key} has no row in src/http/access.ts: decide who may call it.`);
      if (!served.includes(key)) served.push(key);
    }
  });
  app.addHook('onRequest', async (request) => {
    // The surface is the matched route's, not the raw URL's: the router matches the
    // percent-decoded path, so `/%61pi/v1/…` is an API route that the raw URL hides.
    const url = request.is404 ? request.url : (request.routeOptions.url ?? request.url);
    if (!isApiUrl(url)) {
      request.principal = await authenticateSession(deps.sessions, request.cookies[cookieName]);
      return;
    }
    const principal = await authenticate(deps.store, request.headers.authorization, deps.sessions.clock.now());
    if (principal !== 'invalid') request.principal = principal;
    else if (accessOf(request) !== 'public') throw new UnauthorizedError('The bearer token is not valid.');
  });
  app.addHook('preHandler', async (request) => {
    const access = accessOf(request);
    // Unreachable while onRoute refuses routes without a row; refuse rather than admit.
    if (!access) throw new AppError('internal_error', `No access row for ${request.method} ${request.url}`);
    checkAccess(access, request.principal);
  });
}
