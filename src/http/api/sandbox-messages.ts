// Sandbox mode only: the mail the sandbox "sent" (Guestlist's outbox and the emulator's
// invitation emails), for scripts and tests. The console shows the same as a page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../../ports.ts';
import type { SandboxHooks } from '../sandbox-hooks.ts';
import { problemResponses, SandboxMessages } from './schemas.ts';
import { messageView } from './views.ts';

export const sandboxMessageRoutes: FastifyPluginAsyncTypebox<{ store: Store; sandbox: SandboxHooks }> = async (
  app,
  deps,
) => {
  app.get(
    '/sandbox/messages',
    {
      schema: {
        summary: 'Every email the sandbox sent (sandbox mode only)',
        operationId: 'listSandboxMessages',
        tags: ['sandbox'],
        response: { 200: SandboxMessages, ...problemResponses(401, 403) },
      },
    },
    async () => ({ items: (await sandboxMail(deps)).map(messageView) }),
  );
};

/** Guestlist's outbox and the emulator's invitation emails, oldest first. */
export async function sandboxMail(deps: { store: Store; sandbox: SandboxHooks }) {
  const own = await deps.store.listSandboxMessages();
  return [...own, ...deps.sandbox.graphMail()].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
}
