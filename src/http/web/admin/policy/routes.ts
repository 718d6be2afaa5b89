// GET /admin/policy-check: the policy's dry run. An admin types an address (and a reason)
// and reads which rule would decide and why, every rule's verdict in order. A read that
// changes nothing, so a GET form (no CSRF needed; the URL can be shared with a colleague).
// With the catalogue, the admin picks the app whose policy to try (`?app=<id>`).
// Admins only (http/access.ts): the answer tells what the policy lists.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { checkPolicy, type PolicyCheck } from '../../../../app/check-policy.ts';
import { DEFAULT_APP_ID } from '../../../../domain/apps.ts';
import { ValidationError } from '../../../../domain/errors.ts';
import { errorsByField } from '../../components.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';
import { policyCheckBody } from './policy-page.ts';

const CheckQuery = Type.Object({
  app: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  justification: Type.Optional(Type.String({ maxLength: 4000 })),
});

export const policyRoutes: FastifyPluginAsyncTypebox<ConsoleDeps> = async (app, deps) => {
  app.get('/admin/policy-check', { schema: { querystring: CheckQuery } }, async (request, reply) => {
    const apps = (await deps.policy?.apps?.listAll()) ?? [];
    const values = {
      email: request.query.email ?? '',
      justification: request.query.justification ?? '',
      app: request.query.app ?? apps[0]?.id ?? DEFAULT_APP_ID,
    };
    let result: PolicyCheck | null = null;
    let errors: Record<string, string> = {};
    if (apps.length > 0 && !apps.some((app) => app.id === values.app)) {
      errors = { app: 'Choose one of the apps listed.' };
    } else if (values.email.trim() !== '') {
      try {
        result = await checkPolicy({ ...deps, ...deps.policy }, { ...values, appId: values.app });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        errors = errorsByField(error.fields);
      }
    }
    const { ctx } = await consoleContext(deps, request, reply);
    const body = policyCheckBody({ values, errors, result, apps: apps.map(({ id, name }) => ({ id, name })) });
    const status = Object.keys(errors).length > 0 ? 400 : 200;
    return sendPage(reply, ctx, { title: 'Check the approval policy', body, section: 'policy' }, status);
  });
};
