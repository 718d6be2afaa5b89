// The link in the verification email. GET only shows a button; the POST confirms. Mail
// scanners and link previews fetch GET links on their own, and must not confirm an
// address for its owner.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { PolicySources } from '../../../app/apply-policy.ts';
import { InvalidVerificationLinkError, type VerifyOutcome, verifyEmail } from '../../../app/verify-email.ts';
import type { AccessRequest } from '../../../domain/lifecycle.ts';
import type { Clock, Ids, Store } from '../../../ports.ts';
import { csrfField } from '../components.ts';
import { LinkToken, LinkTokenForm } from '../forms.ts';
import { html } from '../html.ts';
import { pageContext, renderPage, sendPage, type WebSettings } from '../render.ts';

const OUTCOMES: Record<VerifyOutcome, string> = {
  verified: 'Your address is confirmed. Your request is with the approvers; you will hear from us by email.',
  under_way: 'Your address was already confirmed, and your request is under way; you will hear from us by email.',
  duplicate:
    'Your address is confirmed, and you already have a request under way (or access): there is nothing more to do.',
  closed: 'This request is closed. If you still need access, ask again.',
};

/** The policy may decide at once (app/apply-policy.ts); the page then says so. */
const DECIDED: Partial<Record<AccessRequest['status'], string>> = {
  approved: 'Your address is confirmed and your request is approved. Your invitation will arrive by email shortly.',
  rejected: 'Your address is confirmed, but your request could not be approved. We have sent you an email about it.',
};

const TokenQuery = Type.Object({ token: LinkToken });

export const verifyRoutes: FastifyPluginAsyncTypebox<
  {
    web: WebSettings;
    store: Store;
    clock: Clock;
    ids: Ids;
  } & PolicySources
> = async (app, deps) => {
  const { web } = deps;

  app.get('/verify', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    const ctx = pageContext(web, request, reply);
    return sendPage(reply, ctx, {
      title: 'Confirm your email address',
      body: html`<h1>Confirm your email address</h1>
        <p>Confirm that this address is yours to send your request for access to the approvers.</p>
        <form method="post" action="/verify">
          ${csrfField(ctx.csrfToken)}
          <input type="hidden" name="token" value="${token}">
          <button type="submit">Confirm my address</button>
        </form>`,
    });
  });

  app.post('/verify', { schema: { body: LinkTokenForm } }, async (request, reply) => {
    try {
      const { outcome, request: verified } = await verifyEmail(deps, { token: request.body.token ?? '' });
      return renderPage(web, request, reply, {
        title: 'Address confirmed',
        body: html`<h1>Thank you</h1>
          <p>${outcome === 'verified' ? (DECIDED[verified.status] ?? OUTCOMES.verified) : OUTCOMES[outcome]}</p>`,
      });
    } catch (error) {
      if (!(error instanceof InvalidVerificationLinkError)) throw error;
      return renderPage(
        web,
        request,
        reply,
        { title: 'Link not valid', body: html`<h1>This link does not work</h1><p>${error.message}</p>` },
        400,
      );
    }
  });
};
