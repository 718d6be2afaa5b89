// Builds the Fastify application: plugins, the one error handler, routes. No listening
// here (main.ts does that), so tests use app.inject().
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AppError } from '../domain/errors.ts';
import type { Clock, Ids, RequestQueries, Store } from '../ports.ts';
import { ACCESS, type Access, enforceAccess } from './access.ts';
import { API_PREFIX } from './api-prefix.ts';
import { answerClientError, sendError } from './problems.ts';
import { accessRequestRoutes } from './routes/access-requests.ts';
import { healthRoutes } from './routes/health.ts';
import { pageRoutes } from './routes/pages.ts';
import { type SandboxHooks, sandboxRoutes } from './routes/sandbox.ts';
import { verifyRoutes } from './routes/verify.ts';

export interface HttpDeps {
  store: Store;
  queries: RequestQueries;
  clock: Clock;
  ids: Ids;
  isReady: () => Promise<boolean>;
  submissionsPerMinute: number;
  /** Present in sandbox mode only. */
  sandbox: SandboxHooks | null;
  logger?: FastifyServerOptions['loggerInstance'];
  /** Fastify's trustProxy (GUESTLIST_TRUST_PROXY). */
  trustProxy?: boolean | string;
  /** Who may call each route; http/access.ts's ACCESS unless a test adds routes of its own. */
  access?: Readonly<Record<string, Access>>;
}

/** Well above any honest form post, far below what could hurt. */
const BODY_LIMIT = 16 * 1024;

export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const sandbox = deps.sandbox !== null;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    trustProxy: deps.trustProxy ?? false,
    // Fastify's own answers to a path parameter over 100 characters (414), a malformed URL
    // (400, both echoing the URL) and headers over Node's 16 KB (431) are plain JSON; ours
    // are problem+json like every other error, and echo nothing of the request.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply, sandbox),
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox checks every request part against its schema. It converts the querystring and
  // path parameters (which arrive as text) to the declared types, but never a JSON body:
  // `"firstName": true` or `"email": ["a@b.c"]` is a 400, not silently made a string.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  // The API speaks JSON only; Fastify's default text/plain parser would let a string
  // through to schema validation and turn a 415 into a confusing 400.
  app.removeContentTypeParser('text/plain');
  // An empty body is no body, whatever its Content-Type says (curl -X POST with a JSON
  // Content-Type and no data sends one); Fastify's JSON parser would call it invalid JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (body === '') done(null, undefined);
    else parseJson(request, body, done);
  });
  // A route that takes a body sees `{}` for none, so its schema says what is missing (a
  // rejection's reason) and a body of optional fields (an approval's comment) may be left out.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply, sandbox));
  app.setNotFoundHandler((request, reply) => {
    // Fastify answers 404 to a known path asked with another method; HTTP says 405 with
    // the methods it does answer (RFC 9110 §15.5.6). The router itself knows them.
    const allowed = app.supportedMethods.filter((method) => app.findRoute({ method, url: request.url }) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      const detail = `This address answers ${allowed.join(', ')}, not ${request.method}.`;
      return sendError(new AppError('method_not_allowed', detail, { status: 405 }), request, reply, sandbox);
    }
    const detail = `Nothing is served at ${request.method} ${request.url.split('?')[0]}.`;
    return sendError(new AppError('not_found', detail, { status: 404 }), request, reply, sandbox);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Guestlist API',
        version: '1',
        description: 'Access requests that become Microsoft Entra B2B guests.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'guestlist token create' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(rateLimit, { global: false });
  // Before any route: its onRoute hook refuses a route without a row in the access table.
  enforceAccess(app, deps, deps.access ?? ACCESS);

  await app.register(healthRoutes, {
    isReady: deps.isReady,
    directoryPause: () => deps.store.getDirectoryPause(),
  });
  await app.register(pageRoutes, { sandbox });
  await app.register(verifyRoutes, { store: deps.store, clock: deps.clock, ids: deps.ids, sandbox });
  await app.register(accessRequestRoutes, { prefix: API_PREFIX, ...deps });
  if (deps.sandbox) await app.register(sandboxRoutes, { store: deps.store, sandbox: deps.sandbox });
  app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
  return app;
}
