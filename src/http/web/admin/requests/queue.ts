// GET /admin: the queue. Newest first, a page at a time (the read side's keyset cursor),
// filtered by state (by default what waits for the signed-in person) and searched.
// POST /admin/requests/bulk: approve or reject the ticked requests, each through
// decideRequest; those someone else decided first are skipped and listed as such.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decideRequest } from '../../../../app/decide-request.ts';
import { type StageView, viewStage } from '../../../../app/stage-authority.ts';
import { AppError, InvalidTransitionError, NotFoundError } from '../../../../domain/errors.ts';
import { STATUSES } from '../../../../domain/lifecycle.ts';
import { callerActor, callerAuthority } from '../../../auth.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext, waitingStatuses } from '../console.ts';
import { type BulkOutcome, bulkResultBody } from './bulk-page.ts';
import { BulkForm, bulkInput, type FieldErrors } from './forms.ts';
import { lostRace } from './lost-race.ts';
import { type QueueFilter, queueBody, queueHref } from './queue-page.ts';

const PAGE_SIZE = 50;

const QueueQuery = Type.Object({
  status: Type.Optional(Type.Enum([...STATUSES, 'waiting', 'all'])),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  app: Type.Optional(Type.String({ maxLength: 63 })),
  after: Type.Optional(Type.String({ maxLength: 200 })),
});

export const queueRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  const showQueue = async (
    request: Parameters<typeof callerActor>[0],
    reply: Parameters<typeof sendPage>[0],
    query: { filter: QueueFilter; search: string; app?: string | undefined; after?: string | undefined },
    form?: { errors: FieldErrors; selected: string[]; reason: string; share: boolean },
  ) => {
    const { ctx, counts } = await consoleContext(deps, request, reply, true);
    const { filter, search, after } = query;
    const apps = await deps.catalogue.listAll();
    const app = apps.find((each) => each.slug === query.app);
    const slug = app?.slug ?? '';
    const page = await deps.queries.listRequests({
      ...(app ? { appId: app.id } : {}),
      limit: PAGE_SIZE,
      ...(filter === 'waiting' ? { statuses: waitingStatuses(request) } : filter === 'all' ? {} : { status: filter }),
      ...(search ? { search } : {}),
      ...(after ? { after } : {}),
    });
    // Each pending request's stage as the viewer sees it: "waiting for you" only where they may decide.
    const authority = callerAuthority(request);
    const stages = new Map<string, StageView>();
    for (const item of page.items) {
      if (item.status !== 'pending_approval') continue;
      const state = await deps.store.getApprovalState(item.id);
      if (state) stages.set(item.id, await viewStage(deps, item, state, authority));
    }
    const body = queueBody({
      stages,
      filter,
      search,
      app: slug,
      apps,
      items: page.items,
      olderHref: page.next ? queueHref(filter, search, page.next, slug) : null,
      newestHref: after ? queueHref(filter, search, undefined, slug) : null,
      counts,
      waiting: ctx.waiting ?? 0,
      now: deps.clock.now(),
      csrfToken: ctx.csrfToken,
      ...(form ?? {}),
    });
    return sendPage(reply, ctx, { title: 'Access requests', body, section: 'queue' }, form ? 400 : 200);
  };

  app.get('/admin', { schema: { querystring: QueueQuery } }, async (request, reply) => {
    const search = request.query.search?.trim() ?? '';
    return showQueue(request, reply, {
      filter: request.query.status ?? 'waiting',
      search,
      app: request.query.app,
      after: request.query.after,
    });
  });

  app.post('/admin/requests/bulk', { schema: { body: BulkForm } }, async (request, reply) => {
    const form = bulkInput(request.body);
    if (Object.keys(form.errors).length > 0 || !form.action) {
      const { errors, ids, reason, share } = form;
      return showQueue(request, reply, { filter: 'waiting', search: '' }, { errors, selected: ids, reason, share });
    }
    const action = form.action;
    const actor = callerActor(request);
    const authority = callerAuthority(request);
    const outcomes: BulkOutcome[] = [];
    // One at a time, each its own decision: one that lost its race changes nothing else.
    for (const id of form.ids) {
      const found = await deps.store.getRequest(id);
      const name = found ? `${found.firstName} ${found.lastName}` : id;
      try {
        if (!found) throw new NotFoundError('The access request');
        await decideRequest(
          deps,
          action === 'approve'
            ? { id, actor, authority, decision: 'approve', at: form.seen.get(id) }
            : {
                id,
                actor,
                authority,
                decision: 'reject',
                reason: form.reason,
                shareReason: form.share,
                at: form.seen.get(id),
              },
        );
        outcomes.push({ id, name, decided: true, note: '' });
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        const note =
          error instanceof InvalidTransitionError
            ? await lostRace(deps, id)
            : error instanceof NotFoundError
              ? 'Nothing was changed: this request does not exist.'
              : error.message;
        outcomes.push({ id, name, decided: false, note });
      }
    }
    const { ctx } = await consoleContext(deps, request, reply);
    const body = bulkResultBody(action, outcomes);
    return sendPage(reply, ctx, { title: 'Decisions made', body, section: 'queue' });
  });
};
