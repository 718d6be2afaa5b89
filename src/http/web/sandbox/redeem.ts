// Sandbox mode only: the redeem link that stands in for Microsoft's. Following it marks
// the emulated guest Accepted and lands on the app (or the sandbox welcome page).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../../domain/errors.ts';
import type { SandboxHooks } from '../../sandbox-hooks.ts';

export const sandboxRedeemRoutes: FastifyPluginAsyncTypebox<{ sandbox: SandboxHooks }> = async (app, deps) => {
  app.get(
    '/sandbox/redeem',
    { schema: { querystring: Type.Object({ ticket: Type.Optional(Type.String({ maxLength: 500 })) }) } },
    async (request, reply) => {
      const result = deps.sandbox.redeem(`${request.protocol}://${request.host}${request.url}`);
      if (!result) throw new NotFoundError('This invitation link');
      return reply.redirect(result.redirectUrl, 302);
    },
  );
};
