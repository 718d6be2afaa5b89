// The JSON API under /api/v1: bearer tokens, application/json bodies, problem+json
// errors (RFC 9457), and its OpenAPI document. An encapsulated Fastify plugin: its body
// parser, error handler and not-found handler apply to its routes only, so nothing here
// decides between HTML and JSON.
import swagger from '@fastify/swagger';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Catalogue } from '../../app/app-catalogue.ts';
import type { Clock, Ids, RequestQueries, Store } from '../../ports.ts';
import { methodNotAllowed, nothingHere } from '../not-found.ts';
import { sendProblem } from '../problems.ts';
import type { SandboxHooks } from '../sandbox-hooks.ts';
import type { SubmissionLimit } from '../submission-limit.ts';
import { accessRequestRoutes } from './access-requests.ts';
import { sandboxMessageRoutes } from './sandbox-messages.ts';

export interface ApiDeps {
  store: Store;
  queries: RequestQueries;
  clock: Clock;
  ids: Ids;
  submissionLimit: SubmissionLimit;
  sandbox: SandboxHooks | null;
  catalogue: Catalogue;
}

export const api: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
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
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(methodNotAllowed(app, request, reply) ?? nothingHere(request), request, reply),
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
  const { store, queries, clock, ids, submissionLimit, catalogue } = deps;
  await app.register(accessRequestRoutes, { store, queries, clock, ids, submissionLimit, catalogue });
  if (deps.sandbox) await app.register(sandboxMessageRoutes, { store: deps.store, sandbox: deps.sandbox });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
