// /status?token=…: the requester's private status page, opened from the link in every
// email about their request; and POST /status/withdraw, its "Withdraw my request" form.
// The token is the only credential: it travels in the query (request logs drop query
// strings, src/logger.ts; Referrer-Policy: no-referrer keeps it from other sites) and in
// the form's hidden field, never in a cookie. GET changes nothing; the POST needs the
// page's CSRF token, then redirects back to the page (reloading it withdraws nothing twice).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Catalogue } from '../../../../app/app-catalogue.ts';
import {
  InvalidStatusLinkError,
  type RequestStatusView,
  readRequestStatus,
} from '../../../../app/read-request-status.ts';
import { WithdrawRefusedError, withdrawByRequester } from '../../../../app/withdraw-by-requester.ts';
import type { Clock, Ids, Store } from '../../../../ports.ts';
import { LinkToken, LinkTokenForm } from '../../forms.ts';
import { pageContext, renderPage, sendPage, type WebSettings } from '../../render.ts';
import { invalidLinkBody, statusBody, withdrawRefusedBody } from './status-page.ts';

const StatusQuery = Type.Object({ token: LinkToken, done: Type.Optional(Type.Literal('withdrawn')) });

export const statusRoutes: FastifyPluginAsyncTypebox<{
  web: WebSettings;
  store: Store;
  clock: Clock;
  ids: Ids;
  /** The request's own app, named on the page and linked once access is active. */
  catalogue?: Catalogue | undefined;
}> = async (app, deps) => {
  const { web } = deps;
  const branding = { organizationName: web.branding.organizationName, appName: web.branding.appName };

  /** A link that opens nothing gets its own friendly 404 page, not the generic one. */
  const invalidLink = (request: FastifyRequest, reply: FastifyReply, error: InvalidStatusLinkError) =>
    renderPage(web, request, reply, { title: 'Link not valid', body: invalidLinkBody(error.message) }, 404);

  app.get('/status', { schema: { querystring: StatusQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    let view: RequestStatusView;
    try {
      view = await readRequestStatus(
        { store: deps.store, clock: deps.clock, branding, catalogue: deps.catalogue },
        { token },
      );
    } catch (error) {
      if (error instanceof InvalidStatusLinkError) return invalidLink(request, reply, error);
      throw error;
    }
    const ctx = pageContext(web, request, reply);
    return sendPage(reply, ctx, {
      title: 'Your request',
      body: statusBody({
        view,
        token,
        csrfToken: ctx.csrfToken,
        appUrl: view.appUrl ?? web.appUrl,
        justWithdrew: request.query.done === 'withdrawn' && view.stage === 'withdrawn',
      }),
    });
  });

  app.post('/status/withdraw', { schema: { body: LinkTokenForm } }, async (request, reply) => {
    const token = request.body.token ?? '';
    try {
      await withdrawByRequester(deps, { token });
    } catch (error) {
      if (error instanceof InvalidStatusLinkError) return invalidLink(request, reply, error);
      if (!(error instanceof WithdrawRefusedError)) throw error;
      return renderPage(web, request, reply, { title: 'Cannot withdraw', body: withdrawRefusedBody(token) }, 409);
    }
    return reply.redirect(`/status?token=${encodeURIComponent(token)}&done=withdrawn`, 303);
  });
};
