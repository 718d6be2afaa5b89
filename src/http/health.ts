// /healthz: the process lives. /readyz: the database answers and is migrated, so a load
// balancer sends traffic only to instances that can take it.
//
// A provisioning pause (jobs/directory-pause.ts) does NOT make /readyz fail: it is the
// tenant's fault, shared by every instance, and a web node can still take submissions and
// decisions, which wait durably for provisioning to resume. A 503 would make the load
// balancer pull every node at once and turn a paused back office into an outage. So
// /readyz stays 200 and says `provisioning: "paused"` with the reason and the fix, one
// line each, for monitoring to alert on.
import type { FastifyPluginAsync } from 'fastify';
import type { DirectoryPause } from '../ports.ts';

export interface HealthDeps {
  isReady: () => Promise<boolean>;
  /** The provisioning pause in force, or null. */
  directoryPause: () => Promise<DirectoryPause | null>;
}

export const healthRoutes: FastifyPluginAsync<HealthDeps> = async (app, deps) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ready = await deps.isReady().catch(() => false);
    if (!ready) return reply.status(503).send({ status: 'not ready' });
    const pause = await deps.directoryPause().catch(() => null);
    if (!pause) return reply.send({ status: 'ready', provisioning: 'running' });
    return reply.send({
      status: 'ready',
      provisioning: 'paused',
      pausedSince: pause.since.toISOString(),
      reason: pause.reason,
      fix: pause.fix,
    });
  });
};
