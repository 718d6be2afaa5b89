// /request: the form people outside the organization ask for access with, and
// /request/sent, where a submission lands (POST, redirect, GET: reloading the answer sends
// nothing twice). The form goes through the same use case as the anonymous API
// (submitRequest as the requester, unverified) and shares its allowance
// (http/submission-limit.ts). Works without JavaScript: a plain urlencoded form post.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { defaultPolicyResolver, type PolicySources } from '../../../../app/apply-policy.ts';
import { submitRequest } from '../../../../app/submit-request.ts';
import { REQUESTER } from '../../../../domain/actor.ts';
import { ValidationError } from '../../../../domain/errors.ts';
import { parseSubmission } from '../../../../domain/justification.ts';
import type { Clock, Ids, Store } from '../../../../ports.ts';
import { toProblem } from '../../../problems.ts';
import type { SubmissionLimit } from '../../../submission-limit.ts';
import { pageContext, renderPage, sendPage, type WebSettings } from '../../render.ts';
import { fieldMessages, HONEYPOT, RequestForm, typedValues } from './form.ts';
import { requestFormBody } from './form-page.ts';
import { sentBody } from './sent-page.ts';

export interface RequestRoutesOptions extends PolicySources {
  web: WebSettings;
  store: Store;
  clock: Clock;
  ids: Ids;
  submissionLimit: SubmissionLimit;
  /** How long the emailed confirmation link works (GUESTLIST_VERIFICATION_HOURS). */
  verificationMs: number;
}

/** Carries the address from the POST to the page after the redirect, for a few minutes. */
const SENT_COOKIE = 'guestlist-request-sent';
const SENT_PATH = '/request/sent';

export const requestRoutes: FastifyPluginAsyncTypebox<RequestRoutesOptions> = async (app, deps) => {
  const { web } = deps;
  const EMPTY = { email: '', firstName: '', lastName: '', justification: '' };

  app.get('/request', async (request, reply) => {
    const ctx = pageContext(web, request, reply);
    return sendPage(reply, ctx, {
      title: 'Ask for access',
      body: requestFormBody(web, { csrfToken: ctx.csrfToken, values: EMPTY, errors: {} }),
    });
  });

  app.post(
    '/request',
    { schema: { body: RequestForm }, attachValidation: true, onRequest: deps.submissionLimit },
    async (request, reply) => {
      const values = typedValues(request.body);
      const again = (errors: ReturnType<typeof fieldMessages>) => {
        const ctx = pageContext(web, request, reply);
        return sendPage(
          reply,
          ctx,
          { title: 'Error: Ask for access', body: requestFormBody(web, { csrfToken: ctx.csrfToken, values, errors }) },
          400,
        );
      };
      if (request.validationError) return again(fieldMessages(toProblem(request.validationError).errors ?? [], true));
      let email: string;
      try {
        // Checked before the honeypot, so a bot gets exactly what a person typing the same gets.
        // The app's policy may require a reason (submit-request.ts checks it the same way).
        const policy = await (deps.policyFor ?? defaultPolicyResolver)(values);
        email = parseSubmission(values, { requireJustification: policy.requireJustification }).person.email;
      } catch (error) {
        if (error instanceof ValidationError) return again(fieldMessages(error.fields ?? [], false));
        throw error;
      }
      if ((request.body[HONEYPOT] ?? '') !== '') {
        // What was typed is not logged: it is a bot's, or a person's data sent by mistake.
        request.log.info('request form: the honeypot field was filled in; nothing stored');
      } else {
        await submitRequest(deps, { ...values, actor: REQUESTER, verified: false });
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
    },
  );

  app.get(SENT_PATH, async (request, reply) =>
    renderPage(web, request, reply, {
      title: 'Check your inbox',
      body: sentBody(request.cookies[SENT_COOKIE] ?? null, deps.verificationMs),
    }),
  );
};
