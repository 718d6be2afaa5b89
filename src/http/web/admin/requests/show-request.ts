// Renders a request's page: after GET, and again when a form on it needs correcting (400)
// or changed nothing (409).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../../domain/errors.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';
import { type RequestView, requestBody } from './request-page.ts';

export type RequestExtras = Pick<RequestView, 'flash' | 'conflict' | 'errors' | 'values'>;

export async function showRequest(
  deps: ConsoleDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  extras: RequestExtras = {},
  status = 200,
): Promise<FastifyReply> {
  const found = await deps.store.getRequest(id);
  if (!found) throw new NotFoundError('The access request');
  const [history, progress, app, { ctx }] = await Promise.all([
    deps.store.listAudit(id),
    deps.store.getProgress(id),
    deps.catalogue.get(found.appId),
    consoleContext(deps, request, reply),
  ]);
  const body = requestBody({
    request: found,
    app,
    history,
    progress,
    role: request.principal?.role ?? null,
    csrfToken: ctx.csrfToken,
    ...extras,
  });
  const title = `${found.firstName} ${found.lastName}`;
  return sendPage(reply, ctx, { title, body, section: 'queue' }, status);
}
