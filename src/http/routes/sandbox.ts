// Sandbox mode only: the mail the sandbox "sent" (Guestlist's outbox and the emulator's
// invitation emails), and the redeem link that stands in for Microsoft's.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../domain/errors.ts';
import type { SandboxMessage, Store } from '../../ports.ts';
import { API_PREFIX } from '../api-prefix.ts';
import { problemResponses, SandboxMessages } from '../schemas.ts';
import { messageView } from '../views.ts';

export interface SandboxHooks {
  /** Invitation emails the emulator "sent". */
  graphMail(): Omit<SandboxMessage, 'html'>[];
  /** Marks the guest Accepted; returns where to send the browser, or null for an unknown link. */
  redeem(url: string): { redirectUrl: string } | null;
}

export const sandboxRoutes: FastifyPluginAsyncTypebox<{ store: Store; sandbox: SandboxHooks }> = async (app, deps) => {
  app.get(
    `${API_PREFIX}/sandbox/messages`,
    {
      schema: {
        summary: 'Every email the sandbox sent (sandbox mode only)',
        response: { 200: SandboxMessages, ...problemResponses(401, 403) },
      },
    },
    async () => {
      const own = await deps.store.listSandboxMessages();
      const items = [...own, ...deps.sandbox.graphMail()].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
      return { items: items.map(messageView) };
    },
  );

  app.get(
    '/sandbox/redeem',
    { schema: { hide: true, querystring: Type.Object({ ticket: Type.Optional(Type.String({ maxLength: 500 })) }) } },
    async (request, reply) => {
      const result = deps.sandbox.redeem(`${request.protocol}://${request.host}${request.url}`);
      if (!result) throw new NotFoundError('This invitation link');
      return reply.redirect(result.redirectUrl, 302);
    },
  );
};
