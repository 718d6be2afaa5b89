// The console at /admin, for approvers and admins (who may call what: http/access.ts).
//   requests/  the queue, a request's page, decisions (one and in bulk), admin actions
//   audit/     the audit trail across requests, and its CSV export
//   policy/    the approval policy's dry run: which rule would decide for an address
//   apps/      the app catalogue: list, create, edit, open and close (file apps read-only)
//   tokens/    API tokens: list, create (the secret shown once), revoke, and their admin audit
//   webhooks/  outbound webhooks: list, add (the signing secret shown once), delete, delivery log
//   mailbox/   sandbox mode only: the emails the sandbox "sent"
import type { FastifyPluginAsync } from 'fastify';
import { appRoutes } from './apps/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import type { ConsoleDeps } from './console.ts';
import { mailboxRoutes } from './mailbox/routes.ts';
import { policyRoutes } from './policy/routes.ts';
import { requestRoutes } from './requests/routes.ts';
import { tokenRoutes } from './tokens/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export const consoleRoutes: FastifyPluginAsync<ConsoleDeps> = async (app, deps) => {
  await app.register(requestRoutes, deps);
  await app.register(auditRoutes, deps);
  await app.register(policyRoutes, deps);
  await app.register(tokenRoutes, deps);
  await app.register(appRoutes, deps);
  await app.register(webhookRoutes, deps);
  if (deps.sandbox) await app.register(mailboxRoutes, { ...deps, sandbox: deps.sandbox });
};
