// The link in the verification email. GET only shows a button; the POST confirms. Mail
// scanners and link previews fetch GET links on their own, and must not confirm an
// address for its owner.
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { InvalidVerificationLinkError, type VerifyOutcome, verifyEmail } from '../../app/verify-email.ts';
import type { Clock, Ids, Store } from '../../ports.ts';
import { html, page } from '../pages/layout.ts';

const OUTCOMES: Record<VerifyOutcome, string> = {
  verified: 'Your address is confirmed. Your request is with the approvers; you will hear from us by email.',
  under_way: 'Your address was already confirmed, and your request is under way; you will hear from us by email.',
  duplicate:
    'Your address is confirmed, and you already have a request under way (or access): there is nothing more to do.',
  closed: 'This request is closed. If you still need access, ask again.',
};

const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });

export const verifyRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  clock: Clock;
  ids: Ids;
  sandbox: boolean;
}> = async (app, deps) => {
  // Forms post urlencoded bodies; the parser is registered in this scope only, so the
  // JSON API keeps answering 415 to them.
  await app.register(formbody);
  const { sandbox } = deps;

  app.get('/verify', { schema: { hide: true, querystring: TokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    reply.type('text/html; charset=utf-8');
    // Never cached or leaked through Referer: the URL holds the secret.
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    return page({
      title: 'Confirm your email address',
      sandbox,
      body: html`<h1>Confirm your email address</h1>
        <p>Confirm that this address is yours to send your request for access to the approvers.</p>
        <form method="post" action="verify">
          <input type="hidden" name="token" value="${token}">
          <button type="submit">Confirm my address</button>
        </form>`,
    });
  });

  app.post('/verify', { schema: { hide: true, body: TokenQuery } }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    try {
      const { outcome } = await verifyEmail(deps, { token: request.body.token ?? '' });
      return page({
        title: 'Address confirmed',
        sandbox,
        body: html`<h1>Thank you</h1>
          <p>${OUTCOMES[outcome]}</p>`,
      });
    } catch (error) {
      if (!(error instanceof InvalidVerificationLinkError)) throw error;
      reply.status(400);
      return page({
        title: 'Link not valid',
        sandbox,
        body: html`<h1>This link does not work</h1><p>${error.message}</p>`,
      });
    }
  });
};
