// Builds the Fastify application: what every answer shares (security headers, cookies,
// rate limits, who is calling), health checks, and two encapsulated plugins, the JSON API
// (http/api/) and the web pages (http/web/), each with its own parsers and error handler.
// No listening here (main.ts does that), so tests use app.inject().

import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { type Catalogue, createCatalogue, defaultApp } from '../app/app-catalogue.ts';
import type { SessionSettings } from '../app/sessions.ts';
import type { Config } from '../config.ts';
import type { TrustProxy } from '../config-values.ts';
import type {
  Clock,
  IdentityProvider,
  Ids,
  LocalAdminStore,
  PasswordHasher,
  RequestQueries,
  SessionStore,
  Store,
} from '../ports.ts';
import { ACCESS, type Access, enforceAccess, isApiUrl } from './access.ts';
import { api } from './api/index.ts';
import { API_PREFIX } from './api-prefix.ts';
import { healthRoutes } from './health.ts';
import { answerClientError, sendProblem } from './problems.ts';
import type { SandboxHooks } from './sandbox-hooks.ts';
import { securityHeaders } from './security-headers.ts';
import { submissionLimit } from './submission-limit.ts';
import { fastifyTrustProxy } from './trust-proxy.ts';
import { sendErrorPage } from './web/errors.ts';
import { webPages } from './web/index.ts';
import type { WebSettings } from './web/render.ts';

export interface HttpDeps {
  store: Store;
  /** The apps people may ask for (app/app-catalogue.ts); the default app alone unless given. */
  catalogue?: Catalogue;
  queries: RequestQueries;
  sessions: SessionStore;
  clock: Clock;
  ids: Ids;
  isReady: () => Promise<boolean>;
  submissionsPerMinute: number;
  /** How long an emailed confirmation link works (GUESTLIST_VERIFICATION_HOURS); the request form says so. */
  verificationMs: number;
  /** Present in sandbox mode only. */
  sandbox: SandboxHooks | null;
  /** Where people reach Guestlist; https makes cookies Secure and turns HSTS on. */
  publicUrl: string;
  /** Where a redeemed invitation lands (GUESTLIST_APP_URL); `${publicUrl}/welcome` unless set. */
  appUrl?: string;
  branding: Config['branding'];
  sessionSettings: SessionSettings;
  /** Sign in with Microsoft (adapters/identity/openid.ts); null when not set up. */
  identity: IdentityProvider | null;
  /** Break-glass local admins and how their passwords are checked. */
  localAdmins: LocalAdminStore;
  passwordHasher: PasswordHasher;
  /** Local sign-in attempts per client address per minute (web/auth/sign-in.ts's default unless set). */
  localSignInsPerMinute?: number;
  /**
   * Signs the sign-in attempt cookie. Every process behind one public URL needs the same
   * one (main.ts: GUESTLIST_COOKIE_SECRET, else the one kept in the database); a random
   * one per app when absent (tests).
   */
  cookieSecret?: string;
  logger?: FastifyServerOptions['loggerInstance'];
  /** Whose X-Forwarded-For to believe (GUESTLIST_TRUST_PROXY); nobody's when unset. */
  trustProxy?: TrustProxy;
  /** Who may call each route; http/access.ts's ACCESS unless a test adds routes of its own. */
  access?: Readonly<Record<string, Access>>;
}

/** Well above any honest form post, far below what could hurt. */
const BODY_LIMIT = 16 * 1024;

export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const https = new URL(deps.publicUrl).protocol === 'https:';
  const web: WebSettings = {
    sandbox: deps.sandbox !== null,
    branding: deps.branding,
    publicUrl: deps.publicUrl,
    appUrl: deps.appUrl ?? `${deps.publicUrl}/welcome`,
    secureCookies: https,
  };
  // Before routing, Fastify has no plugin to ask: API paths get problem+json, others a page.
  const answerEarly = (error: unknown, request: FastifyRequest, reply: FastifyReply) =>
    isApiUrl(request.url) ? sendProblem(error, request, reply) : sendErrorPage(web, error, request, reply);
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    trustProxy: fastifyTrustProxy(deps.trustProxy),
    // Fastify's own answers to a path parameter over 100 characters (414), a malformed URL
    // (400, both echoing the URL) and headers over Node's 16 KB (431) are plain JSON; ours
    // are problem+json like every other error, and echo nothing of the request.
    frameworkErrors: answerEarly,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox checks every request part against its schema. It converts the querystring and
  // path parameters (which arrive as text) to the declared types, but never a JSON body:
  // `"firstName": true` or `"email": ["a@b.c"]` is a 400, not silently made a string.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // The health checks' errors; the API and the pages set their own, and the web plugin's
  // not-found handler answers every path outside the API.
  app.setErrorHandler(answerEarly);

  securityHeaders(app, {
    https,
    logoUrl: deps.branding.logoUrl,
    signOutOrigins: deps.sandbox ? [] : ['https://login.microsoftonline.com'],
  });
  await app.register(cookie, { secret: deps.cookieSecret ?? randomBytes(32).toString('base64url') });
  // Double-submit CSRF for the web pages' forms (checked in web/index.ts); registered here
  // so that every page, error pages included, can carry a token for the sign-out button.
  await app.register(csrf, {
    cookieKey: https ? '__Host-guestlist-csrf' : 'guestlist-csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: https },
  });
  await app.register(rateLimit, { global: false });
  // Before any route: its onRoute hook refuses a route without a row in the access table.
  const sessions = { sessions: deps.sessions, clock: deps.clock, settings: deps.sessionSettings };
  enforceAccess(app, { store: deps.store, sessions, secureCookies: https }, deps.access ?? ACCESS);

  await app.register(healthRoutes, {
    isReady: deps.isReady,
    directoryPause: () => deps.store.getDirectoryPause(),
  });
  // One allowance for both ways of asking anonymously, the API and the form.
  const limit = submissionLimit(app, deps.submissionsPerMinute);
  // main.ts passes the catalogue; without one (tests), the default app alone, from branding.
  const catalogue =
    deps.catalogue ??
    createCatalogue({
      store: deps.store,
      defaultApp: defaultApp({
        name: deps.branding.appName,
        redirectUrl: deps.appUrl ?? `${deps.publicUrl}/welcome`,
        groupIds: [],
      }),
    });
  await app.register(api, { prefix: API_PREFIX, ...deps, catalogue, submissionLimit: limit });
  await app.register(webPages, {
    web,
    store: deps.store,
    queries: deps.queries,
    clock: deps.clock,
    ids: deps.ids,
    sandbox: deps.sandbox,
    identity: deps.identity,
    sessions,
    local: { localAdmins: deps.localAdmins, hasher: deps.passwordHasher, clock: deps.clock },
    localSignInsPerMinute: deps.localSignInsPerMinute,
    submissionLimit: limit,
    verificationMs: deps.verificationMs,
    catalogue,
  });
  return app;
}
