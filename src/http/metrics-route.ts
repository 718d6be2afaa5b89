// GET /metrics on the public port: Prometheus's text format, for a scraper holding
// GUESTLIST_METRICS_TOKEN as a bearer token. Who may call it is the access table's row
// (access.ts, `scraper`): without a token configured the route answers 404 — metrics are
// never served unprotected where the public can reach them; GUESTLIST_METRICS_PORT serves
// them on a port of their own instead (telemetry/metrics-server.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../telemetry/metrics.ts';

export const metricsRoute: FastifyPluginAsync<{ metrics: Metrics | null }> = async (app, { metrics }) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    // Unreachable without a token (the access check answers 404 first); here for safety.
    if (!metrics) return reply.status(404).send();
    const { contentType, body } = await metrics.render();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
};
