// GET /admin/tokens: every API token, the form to create one, and the admin audit of token
// creations and revocations. POST /admin/tokens creates one and answers with the page that
// shows its secret, once: never a redirect, whose URL would carry it into history and logs
// (and render.ts makes every page `cache-control: no-store`, so no cache keeps it either).
// POST /admin/tokens/:id/revoke revokes one, 303 back with a flash. Admins only (access.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { createApiToken } from '../../../../app/create-api-token.ts';
import { listApiTokens } from '../../../../app/list-api-tokens.ts';
import { revokeApiToken } from '../../../../app/revoke-api-token.ts';
import { ConflictError, ValidationError } from '../../../../domain/errors.ts';
import { IdParams } from '../../../api/schemas.ts';
import { callerActor } from '../../../auth.ts';
import { errorsByField } from '../../components.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';
import { createdBody, type TokenFormValues, tokensBody } from './tokens-page.ts';

const AUDIT_SHOWN = 50;

const DONE = {
  revoked: 'Token revoked: every call bearing it is refused from now on.',
  unchanged: 'That token was already revoked; nothing changed.',
} as const;
type Done = keyof typeof DONE;

const PageQuery = Type.Object({ done: Type.Optional(Type.Enum(Object.keys(DONE) as Done[])) });
const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Bounds only: the use case checks the values and its messages go beside the fields.
const CreateForm = Type.Object({ _csrf: text(200), name: text(200), role: text(20), expiresInDays: text(20) });
const RevokeForm = Type.Object({ _csrf: text(200) });

export const tokenRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  const showTokens = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extras: { flash?: string; errors?: Record<string, string>; values?: TokenFormValues } = {},
    status = 200,
  ) => {
    const [tokens, audit, { ctx }] = await Promise.all([
      listApiTokens(deps),
      deps.store.listAdminAudit(AUDIT_SHOWN),
      consoleContext(deps, request, reply),
    ]);
    const body = tokensBody({ tokens, audit, csrfToken: ctx.csrfToken, ...extras });
    return sendPage(reply, ctx, { title: 'API tokens', body, section: 'tokens' }, status);
  };

  app.get('/admin/tokens', { schema: { querystring: PageQuery } }, async (request, reply) => {
    const { done } = request.query;
    return showTokens(request, reply, done ? { flash: DONE[done] } : {});
  });

  app.post('/admin/tokens', { schema: { body: CreateForm } }, async (request, reply) => {
    const values = {
      name: request.body.name ?? '',
      role: request.body.role ?? '',
      expiresInDays: request.body.expiresInDays?.trim() ?? '',
    };
    let created: Awaited<ReturnType<typeof createApiToken>>;
    try {
      created = await createApiToken(deps, {
        name: values.name,
        role: values.role,
        // Empty means the default, as the CLI's missing flag does; anything else is checked.
        ...(values.expiresInDays ? { expiresInDays: values.expiresInDays } : {}),
        actor: callerActor(request),
      });
    } catch (error) {
      const errors =
        error instanceof ValidationError
          ? errorsByField(error.fields)
          : error instanceof ConflictError && error.code === 'duplicate_token_name'
            ? { name: `${error.message} Choose another name.` }
            : null;
      if (!errors) throw error;
      return showTokens(request, reply, { errors, values }, 400);
    }
    const { ctx } = await consoleContext(deps, request, reply);
    const body = createdBody(created.record, created.token);
    return sendPage(reply, ctx, { title: 'Token created', body, section: 'tokens' }, 201);
  });

  app.post('/admin/tokens/:id/revoke', { schema: { params: IdParams, body: RevokeForm } }, async (request, reply) => {
    const { revoked } = await revokeApiToken(deps, { id: request.params.id, actor: callerActor(request) });
    return reply.redirect(`/admin/tokens?done=${revoked ? 'revoked' : 'unchanged'}`, 303);
  });
};
