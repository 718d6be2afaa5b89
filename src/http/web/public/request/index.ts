// /request: the apps people outside the organization may ask for (straight to the form
// when only one is open); /request/{slug}: that app's form; and /request/sent, where a
// submission lands (POST, redirect, GET: reloading the answer sends nothing twice). The
// form goes through the same use case as the anonymous API (submitRequest as the
// requester, unverified) and shares its allowance (http/submission-limit.ts). Works
// without JavaScript: plain links and a plain urlencoded form post. POST /request (the
// form before the catalogue) still asks for the one open app.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Catalogue } from '../../../../app/app-catalogue.ts';
import { submitRequest } from '../../../../app/submit-request.ts';
import { REQUESTER } from '../../../../domain/actor.ts';
import type { App } from '../../../../domain/apps.ts';
import { ValidationError } from '../../../../domain/errors.ts';
import { parseSubmission } from '../../../../domain/justification.ts';
import type { Clock, Ids, Store } from '../../../../ports.ts';
import { nothingHere } from '../../../not-found.ts';
import { toProblem } from '../../../problems.ts';
import type { SubmissionLimit } from '../../../submission-limit.ts';
import { pageContext, renderPage, sendPage, type WebSettings } from '../../render.ts';
import { fieldMessages, HONEYPOT, RequestForm, type RequestValues, typedValues } from './form.ts';
import { appListBody, requestFormBody } from './form-page.ts';
import { sentBody } from './sent-page.ts';

export interface RequestRoutesOptions {
  web: WebSettings;
  store: Store;
  clock: Clock;
  ids: Ids;
  submissionLimit: SubmissionLimit;
  /** How long the emailed confirmation link works (GUESTLIST_VERIFICATION_HOURS). */
  verificationMs: number;
  catalogue: Catalogue;
}

/** Carries the address from the POST to the page after the redirect, for a few minutes. */
const SENT_COOKIE = 'guestlist-request-sent';
const SENT_PATH = '/request/sent';
const SlugParams = Type.Object({ slug: Type.String({ maxLength: 63 }) });

export const requestRoutes: FastifyPluginAsyncTypebox<RequestRoutesOptions> = async (app, deps) => {
  const { web, catalogue } = deps;
  const empty = (form: App): RequestValues => typedValues({}, form.questions);
  /** The open app at this slug; a closed or unknown one is a 404 page, like any missing page. */
  const openApp = async (slug: string, request: FastifyRequest) => {
    const found = await catalogue.bySlug(slug);
    if (!found?.open) throw nothingHere(request);
    return found;
  };

  app.get('/request', async (request, reply) => {
    const open = await catalogue.listOpen();
    const ctx = pageContext(web, request, reply);
    if (open.length === 1) {
      const only = open[0]!;
      return sendPage(reply, ctx, {
        title: 'Ask for access',
        body: requestFormBody(web, {
          csrfToken: ctx.csrfToken,
          app: only,
          values: empty(only),
          errors: {},
          action: '/request',
        }),
      });
    }
    return sendPage(reply, ctx, { title: 'Ask for access', body: appListBody(web, open) });
  });

  app.get('/request/:slug', { schema: { params: SlugParams } }, async (request, reply) => {
    const form = await openApp(request.params.slug, request);
    const ctx = pageContext(web, request, reply);
    return sendPage(reply, ctx, {
      title: `Ask for access to ${form.name}`,
      body: requestFormBody(web, { csrfToken: ctx.csrfToken, app: form, values: empty(form), errors: {} }),
    });
  });

  const submission = { schema: { body: RequestForm }, attachValidation: true, onRequest: deps.submissionLimit };

  app.post(
    '/request/:slug',
    { ...submission, schema: { ...submission.schema, params: SlugParams } },
    async (request, reply) =>
      submit(await openApp(request.params.slug, request), `/request/${request.params.slug}`, request, reply),
  );

  app.post('/request', submission, async (request, reply) => {
    const open = await catalogue.listOpen();
    if (open.length !== 1) return reply.redirect('/request', 303); // several apps: choose one first
    return submit(open[0]!, '/request', request, reply);
  });

  async function submit(
    form: App,
    action: string,
    request: FastifyRequest & { body: unknown; validationError?: Error | undefined },
    reply: FastifyReply,
  ) {
    const values = typedValues(request.body, form.questions);
    const again = (errors: Record<string, string>) => {
      const ctx = pageContext(web, request, reply);
      return sendPage(
        reply,
        ctx,
        {
          title: `Error: Ask for access to ${form.name}`,
          body: requestFormBody(web, { csrfToken: ctx.csrfToken, app: form, values, errors, action }),
        },
        400,
      );
    };
    if (request.validationError) {
      return again(fieldMessages(toProblem(request.validationError).errors ?? [], true, form.questions));
    }
    const submitted = { ...values, answers: values.answers };
    let email: string;
    try {
      // Checked before the honeypot, so a bot gets exactly what a person typing the same gets.
      email = parseSubmission(submitted, form).person.email;
    } catch (error) {
      if (error instanceof ValidationError) return again(fieldMessages(error.fields ?? [], false, form.questions));
      throw error;
    }
    const body = request.body as Record<string, unknown>;
    if ((body[HONEYPOT] ?? '') !== '') {
      // What was typed is not logged: it is a bot's, or a person's data sent by mistake.
      request.log.info('request form: the honeypot field was filled in; nothing stored');
    } else {
      await submitRequest(deps, { ...submitted, app: form, actor: REQUESTER, verified: false });
    }
    return reply
      .setCookie(SENT_COOKIE, email, {
        path: SENT_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: web.secureCookies,
        maxAge: 10 * 60,
      })
      .redirect(SENT_PATH, 303);
  }

  app.get(SENT_PATH, async (request, reply) =>
    renderPage(web, request, reply, {
      title: 'Check your inbox',
      body: sentBody(request.cookies[SENT_COOKIE] ?? null, deps.verificationMs),
    }),
  );
};
