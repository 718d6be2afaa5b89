// Builds the Fastify application: plugins, the one error handler, routes. No listening
// here (main.ts does that), so tests use app.inject().
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AppError } from '../domain/errors.ts';
import type { Clock, Ids, Store } from '../ports.ts';
import { sendError } from './problems.ts';
import { accessRequestRoutes } from './routes/access-requests.ts';
import { healthRoutes } from './routes/health.ts';
import { pageRoutes } from './routes/pages.ts';
import { type SandboxHooks, sandboxRoutes } from './routes/sandbox.ts';
import { verifyRoutes } from './routes/verify.ts';

export interface HttpDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  isReady: () => Promise<boolean>;
  submissionsPerMinute: number;
  /** Present in sandbox mode only. */
  sandbox: SandboxHooks | null;
  logger?: FastifyServerOptions['loggerInstance'];
  /** Fastify's trustProxy (GUESTLIST_TRUST_PROXY). */
  trustProxy?: boolean | string;
}

/** Well above any honest form post, far below what could hurt. */
const BODY_LIMIT = 16 * 1024;

export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    trustProxy: deps.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The API speaks JSON only; Fastify's default text/plain parser would let a string
  // through to schema validation and turn a 415 into a confusing 400.
  app.removeContentTypeParser('text/plain');
  const sandbox = deps.sandbox !== null;
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply, sandbox));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new AppError('not_found', `Nothing is served at ${request.method} ${request.url.split('?')[0]}.`, {
        status: 404,
      }),
      request,
      reply,
      sandbox,
    ),
  );

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

  await app.register(healthRoutes, {
    isReady: deps.isReady,
    directoryPause: () => deps.store.getDirectoryPause(),
  });
  await app.register(pageRoutes, { sandbox });
  await app.register(verifyRoutes, { store: deps.store, clock: deps.clock, ids: deps.ids, sandbox });
  await app.register(accessRequestRoutes, { prefix: '/api/v1', ...deps });
  if (deps.sandbox) await app.register(sandboxRoutes, { store: deps.store, sandbox: deps.sandbox });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
