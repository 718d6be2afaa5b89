// `/`: where a person outside the organization starts; and `/welcome`, the page a
// redeemed sandbox invitation lands on (GUESTLIST_APP_URL's stand-in).
import type { FastifyPluginAsync } from 'fastify';
import { html } from '../html.ts';
import { renderPage, type WebSettings } from '../render.ts';

export const homeRoutes: FastifyPluginAsync<{ web: WebSettings }> = async (app, { web }) => {
  app.get('/', async (request, reply) => {
    const org = web.branding.organizationName ?? 'this organization';
    return renderPage(web, request, reply, {
      title: 'Ask for access',
      body: html`<h1>Ask for access to ${web.branding.appName}</h1>
        <p>People outside ${org} ask for access here. Once your request is approved you receive an
        invitation by email, and you sign in with your own work, school or Microsoft account.</p>
        <p><a class="button" href="/request">Ask for access</a></p>
        <p>Staff of ${org}: <a href="/admin">open the approver console</a>.</p>`,
    });
  });

  app.get('/welcome', async (request, reply) =>
    renderPage(web, request, reply, {
      title: 'Welcome',
      body: html`<h1>You're in</h1>
          <p>Your invitation has been redeemed. In production this is where the app opens
          (set <code>GUESTLIST_APP_URL</code> to its address).</p>`,
    }),
  );
};
