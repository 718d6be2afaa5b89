// GET /admin/webhooks: the registered webhooks and the form that adds one. POST adds one and
// answers with the page that shows its signing secret, once: never a redirect, whose URL
// would carry it into history and logs (every page is `no-store`, render.ts).
// GET /admin/webhooks/:id: its delivery log. POST /admin/webhooks/:id/delete deletes it,
// 303 back with a flash. Admins only (access.ts); each change in the admin audit (app/webhooks.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { createWebhook, deleteWebhook } from '../../../../app/webhooks.ts';
import { NotFoundError, ValidationError } from '../../../../domain/errors.ts';
import { IdParams } from '../../../api/schemas.ts';
import { callerActor } from '../../../auth.ts';
import { errorsByField } from '../../components.ts';
import { CsrfToken } from '../../forms.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';
import { createdBody, deliveriesBody, type WebhookFormValues, webhooksBody } from './webhooks-page.ts';

const DELIVERIES_SHOWN = 50;
/** The admin audit entries read for the page's history (webhook ones among them are shown). */
const AUDIT_READ = 200;

const DONE = {
  deleted: 'Webhook deleted: nothing more is sent to it, and its signing secret is erased.',
  unchanged: 'That webhook was already deleted; nothing changed.',
} as const;
type Done = keyof typeof DONE;

const PageQuery = Type.Object({ done: Type.Optional(Type.Enum(Object.keys(DONE) as Done[])) });
const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
// Bounds only: the use case checks the values and its messages go beside the fields.
const CreateForm = Type.Object({
  _csrf: CsrfToken,
  url: text(4000),
  description: text(1000),
  // One checkbox ticked arrives as a string, several as an array.
  events: Type.Optional(Type.Union([text(100), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })])),
});
const DeleteForm = Type.Object({ _csrf: CsrfToken });

export const webhookRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  // Plain http://localhost only in sandbox mode, as configuration says (config.ts).
  const webhookDeps = { ...deps, allowLocalHttp: deps.sandbox !== null };

  const showWebhooks = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extras: { flash?: string; errors?: Record<string, string>; values?: WebhookFormValues } = {},
    status = 200,
  ) => {
    const [webhooks, audit, { ctx }] = await Promise.all([
      deps.store.listWebhooks(),
      deps.store.listAdminAudit(AUDIT_READ),
      consoleContext(deps, request, reply),
    ]);
    const body = webhooksBody({
      webhooks,
      history: audit.filter((entry) => entry.action.startsWith('webhook.')),
      csrfToken: ctx.csrfToken,
      allowLocalHttp: webhookDeps.allowLocalHttp,
      ...extras,
    });
    return sendPage(reply, ctx, { title: 'Webhooks', body, section: 'webhooks' }, status);
  };

  app.get('/admin/webhooks', { schema: { querystring: PageQuery } }, async (request, reply) => {
    const { done } = request.query;
    return showWebhooks(request, reply, done ? { flash: DONE[done] } : {});
  });

  app.post('/admin/webhooks', { schema: { body: CreateForm } }, async (request, reply) => {
    const events = [request.body.events ?? []].flat();
    const values = { url: request.body.url ?? '', description: request.body.description ?? '', events };
    let created: Awaited<ReturnType<typeof createWebhook>>;
    try {
      created = await createWebhook(webhookDeps, { ...values, actor: callerActor(request) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return showWebhooks(request, reply, { errors: errorsByField(error.fields), values }, 400);
    }
    const { ctx } = await consoleContext(deps, request, reply);
    const body = createdBody(created.webhook, created.secret);
    return sendPage(reply, ctx, { title: 'Webhook added', body, section: 'webhooks' }, 201);
  });

  app.get('/admin/webhooks/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const webhook = await deps.store.getWebhook(request.params.id);
    if (!webhook) throw new NotFoundError('The webhook');
    const [deliveries, { ctx }] = await Promise.all([
      deps.store.listDeliveries(webhook.id, DELIVERIES_SHOWN),
      consoleContext(deps, request, reply),
    ]);
    const body = deliveriesBody({ webhook, deliveries, csrfToken: ctx.csrfToken, shown: DELIVERIES_SHOWN });
    return sendPage(reply, ctx, { title: 'Webhook deliveries', body, section: 'webhooks' });
  });

  app.post('/admin/webhooks/:id/delete', { schema: { params: IdParams, body: DeleteForm } }, async (request, reply) => {
    let deleted = false;
    try {
      ({ deleted } = await deleteWebhook(deps, { id: request.params.id, actor: callerActor(request) }));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error; // deleted meanwhile (a second click): say so
    }
    return reply.redirect(`/admin/webhooks?done=${deleted ? 'deleted' : 'unchanged'}`, 303);
  });
};
