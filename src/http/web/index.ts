// The web pages: server-rendered HTML, form bodies, sessions, CSRF. An encapsulated
// Fastify plugin with its own body parser, error handler and not-found handler; the JSON
// API is a sibling (http/api/) and shares none of them.
//
// Layout: grouped by audience, then feature, each feature's templates beside its routes:
//   public/   what anyone sees (home, request form, verification, status)
//   auth/     sign-in and sign-out
//   admin/    the console (requests, audit, tokens, mailbox)
//   sandbox/  the emulator's stand-ins (redeem link)
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Catalogue } from '../../app/app-catalogue.ts';
import type { PolicySources } from '../../app/apply-policy.ts';
import type { LocalAdminDeps } from '../../app/local-admins.ts';
import type { SessionDeps } from '../../app/sessions.ts';
import type { ApproverGroups, Clock, IdentityProvider, Ids, RequestQueries, Store } from '../../ports.ts';
import { methodNotAllowed, nothingHere } from '../not-found.ts';
import type { SandboxHooks } from '../sandbox-hooks.ts';
import type { SubmissionLimit } from '../submission-limit.ts';
import { consoleRoutes } from './admin/index.ts';
import { signInRoutes } from './auth/sign-in.ts';
import { brandStylesheet } from './brand.ts';
import { sendErrorPage } from './errors.ts';
import { approvalLinkRoutes } from './public/approval.ts';
import { homeRoutes } from './public/home.ts';
import { requestRoutes } from './public/request/index.ts';
import { statusRoutes } from './public/status/index.ts';
import { verifyRoutes } from './public/verify.ts';
import type { WebSettings } from './render.ts';
import { sandboxRedeemRoutes } from './sandbox/redeem.ts';

export interface WebDeps {
  web: WebSettings;
  store: Store;
  queries: RequestQueries;
  clock: Clock;
  ids: Ids;
  sandbox: SandboxHooks | null;
  /** Sign in with Microsoft; null when not set up. */
  identity: IdentityProvider | null;
  sessions: SessionDeps;
  local: LocalAdminDeps;
  localSignInsPerMinute?: number | undefined;
  /** The anonymous submission allowance the request form shares with the API. */
  submissionLimit: SubmissionLimit;
  /** How long an emailed confirmation link works. */
  verificationMs: number;
  /** Which approval policy decides, and the tenant it asks (app/apply-policy.ts). */
  policy: PolicySources;
  /** The apps people may ask for. */
  catalogue: Catalogue;
  /** Members of the groups approval stages name. */
  approverGroups?: ApproverGroups | null;
}

const ASSETS = new URL('./assets/', import.meta.url).pathname;

export const webPages: FastifyPluginAsyncTypebox<WebDeps> = async (app, deps) => {
  const { web } = deps;
  // Forms post urlencoded bodies; parsed in this scope only, so the API keeps answering 415.
  await app.register(formbody);
  // Double-submit CSRF: a secret in an HttpOnly cookie, a token derived from it in each
  // form. Checked on every POST below, before validation, so a forged post changes nothing
  // and learns nothing about the form. SameSite=Lax on top stops most forgeries anyway.
  // (@fastify/csrf-protection itself is registered in app.ts, so error pages have tokens too.)
  app.addHook('preValidation', (request, reply, done) => {
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });

  app.setErrorHandler((error, request, reply) => sendErrorPage(web, error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendErrorPage(web, methodNotAllowed(app, request, reply) ?? nothingHere(request), request, reply),
  );

  await app.register(fastifyStatic, {
    root: ASSETS,
    prefix: '/assets/',
    // Fingerprint-free names, so a short cache: a new release shows within the hour.
    maxAge: '1h',
    index: false,
    list: false,
  });
  const brandCss = brandStylesheet(web.branding.accentColor);
  app.get('/brand.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(brandCss),
  );

  await app.register(homeRoutes, { web });
  await app.register(signInRoutes, {
    web,
    identity: deps.identity,
    sessions: deps.sessions,
    local: deps.local,
    store: deps.store,
    ...(deps.localSignInsPerMinute ? { localSignInsPerMinute: deps.localSignInsPerMinute } : {}),
  });
  const { store, clock, ids, submissionLimit, verificationMs } = deps;
  await app.register(requestRoutes, {
    web,
    store,
    clock,
    ids,
    submissionLimit,
    verificationMs,
    catalogue: deps.catalogue,
    ...deps.policy,
  });
  await app.register(verifyRoutes, { web, store: deps.store, clock: deps.clock, ids: deps.ids, ...deps.policy });
  await app.register(statusRoutes, {
    web,
    store: deps.store,
    clock: deps.clock,
    ids: deps.ids,
    catalogue: deps.catalogue,
  });
  await app.register(approvalLinkRoutes, {
    web,
    store: deps.store,
    clock: deps.clock,
    ids: deps.ids,
    approverGroups: deps.approverGroups ?? null,
  });
  await app.register(consoleRoutes, deps);
  if (deps.sandbox) await app.register(sandboxRedeemRoutes, { sandbox: deps.sandbox });
};
