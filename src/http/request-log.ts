// One line per HTTP request, at the level it deserves, and the request's id in the log
// context (telemetry/log-context.ts) for every line written while it is answered.
//
// Fastify's own request logging writes two info lines per request ("incoming request",
// "request completed"), so a load balancer polling /healthz and browsers asking for
// favicon.ico filled the log while nothing said what happened to an access request. Here:
//   - info: a refusal or an error on a route (4xx/5xx): what an operator looks into;
//   - debug: every other request — health checks, assets, pages and API calls that
//     succeeded (what they changed is logged as a business event, with this reqId), and
//     404s no route answers (favicon.ico, robots.txt, scanners).
// A request's id is a random UUID (Fastify's default counter restarts with each process,
// and several processes share one log), sent back as `x-request-id` so that a person or a
// client reporting a problem can quote the id its log lines carry.
import { randomUUID } from 'node:crypto';
import {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { withLogContext } from '../telemetry/log-context.ts';

/** Fastify's own request lines, replaced: none when a request comes in, one when it is answered. */
class RequestLines extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      reqId: request.id,
      req: request,
      res: { statusCode: reply.statusCode },
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(error ? { err: error } : {}),
    };
    if (error) request.log.error(line, 'request errored');
    else if (levelOf(request, reply) === 'info') request.log.info(line, 'request completed');
    else request.log.debug(line, 'request completed');
  }

  /** A path no route answers: favicon.ico, robots.txt, a scanner's guesses. Its line above says 404. */
  override routeNotFound(): void {}
}

/** Fastify options: the lines above, UUID ids, children that leave the id to the context. */
export const REQUEST_LOG_OPTIONS = {
  logController: new RequestLines(),
  genReqId: () => randomUUID(),
  // Fastify binds reqId on each request's child logger; the log context's mixin adds it
  // (logger.ts), and both at once would write the key twice in one JSON line.
  childLoggerFactory: (logger, _bindings, options) => logger.child({}, options),
} satisfies Partial<FastifyServerOptions>;

/**
 * The matched route (`/api/v1/requests/:id`), left on the raw request for Azure Monitor's
 * spans (telemetry/azure-monitor.ts names them by it): a path with ids in it would make one
 * operation per request. A registry symbol, so that module need not import this one.
 */
export const ROUTE_ON_RAW = Symbol.for('guestlist.route');

/** Registers the hook; call first, so every later hook and handler runs in the context. */
export function requestLog(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (!request.is404 && request.routeOptions.url) {
      (request.raw as unknown as Record<symbol, string>)[ROUTE_ON_RAW] = request.routeOptions.url;
    }
    withLogContext({ reqId: request.id }, done);
  });
}

export function levelOf(request: FastifyRequest, reply: FastifyReply): 'info' | 'debug' {
  if (request.is404) return 'debug';
  return reply.statusCode >= 400 ? 'info' : 'debug';
}
