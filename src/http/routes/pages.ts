// The few pages this release serves: a home page pointing at the API, and the page a
// redeemed sandbox invitation lands on (GUESTLIST_APP_URL's stand-in).

import type { FastifyPluginAsync } from 'fastify';
import { API_PREFIX } from '../api-prefix.ts';
import { html, page } from '../pages/layout.ts';

export const pageRoutes: FastifyPluginAsync<{ sandbox: boolean }> = async (app, { sandbox }) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(
      page({
        title: 'Guestlist',
        sandbox,
        body: html`<h1>Guestlist</h1>
          <p>People outside your organization ask for access to an app here; approved requests become
          Microsoft Entra B2B guests.</p>
          <p>The JSON API is described at <a href="${API_PREFIX}/openapi.json">${API_PREFIX}/openapi.json</a>.</p>`,
      }),
    ),
  );

  app.get('/welcome', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(
      page({
        title: 'Welcome',
        sandbox,
        body: html`<h1>You're in</h1>
          <p>Your invitation has been redeemed. In production this is where the app opens
          (set <code>GUESTLIST_APP_URL</code> to its address).</p>`,
      }),
    ),
  );
};
