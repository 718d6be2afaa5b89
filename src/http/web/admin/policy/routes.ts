// GET /admin/policy-check: the policy's dry run. An admin types an address (and a reason)
// and reads which rule would decide and why, every rule's verdict in order. A read that
// changes nothing, so a GET form (no CSRF needed; the URL can be shared with a colleague).
// Admins only (http/access.ts): the answer tells what the policy lists.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { checkPolicy, type PolicyCheck } from '../../../../app/check-policy.ts';
import { ValidationError } from '../../../../domain/errors.ts';
import { errorsByField } from '../../components.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';
import { policyCheckBody } from './policy-page.ts';

const CheckQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 320 })),
  justification: Type.Optional(Type.String({ maxLength: 4000 })),
});

export const policyRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  app.get('/admin/policy-check', { schema: { querystring: CheckQuery } }, async (request, reply) => {
    const values = { email: request.query.email ?? '', justification: request.query.justification ?? '' };
    let result: PolicyCheck | null = null;
    let errors: Record<string, string> = {};
    if (values.email.trim() !== '') {
      try {
        result = await checkPolicy({ ...deps, ...deps.policy }, values);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        errors = errorsByField(error.fields);
      }
    }
    const { ctx } = await consoleContext(deps, request, reply);
    const body = policyCheckBody({ values, errors, result });
    const status = Object.keys(errors).length > 0 ? 400 : 200;
    return sendPage(reply, ctx, { title: 'Check the approval policy', body, section: 'policy' }, status);
  });
};
