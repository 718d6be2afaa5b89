// A request no route answers: 405 with the methods the path does answer (RFC 9110
// §15.5.6: Fastify alone would say 404), else 404. Shared by the API (problem+json) and
// the web pages (a page), which each render the error their way.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';

/** The 405 for a known path asked with another method (setting Allow), or null. */
export function methodNotAllowed(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): AppError | null {
  const allowed = app.supportedMethods.filter((method) => app.findRoute({ method, url: request.url }) !== null);
  if (allowed.length === 0) return null;
  reply.header('allow', allowed.join(', '));
  return new AppError('method_not_allowed', `This address answers ${allowed.join(', ')}, not ${request.method}.`, {
    status: 405,
  });
}

export function nothingHere(request: FastifyRequest): AppError {
  return new AppError('not_found', `Nothing is served at ${request.method} ${request.url.split('?')[0]}.`, {
    status: 404,
  });
}
