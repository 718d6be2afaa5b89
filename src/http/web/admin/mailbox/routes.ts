// GET /admin/mailbox, sandbox mode only: the emails the sandbox "sent" (Guestlist's outbox
// and the emulator's invitation emails), newest first, each opened with <details> to read
// its text and follow its links: how a sandbox user verifies an address and redeems an
// invitation. Registered only when the sandbox's hooks exist; admins only (http/access.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxMessage } from '../../../../ports.ts';
import { sandboxMail } from '../../../api/sandbox-messages.ts';
import type { SandboxHooks } from '../../../sandbox-hooks.ts';
import { timeTag } from '../../components.ts';
import { html, type Raw } from '../../html.ts';
import { sendPage } from '../../render.ts';
import { type ConsoleDeps, consoleContext } from '../console.ts';

/** Only web links are made clickable; anything else stays text. */
function link(url: string): Raw {
  return /^https?:\/\//i.test(url) ? html`<a href="${url}">${url}</a>` : html`${url}`;
}

function message(m: Omit<SandboxMessage, 'html'>): Raw {
  const source = m.source === 'graph' ? 'Microsoft (emulated)' : 'Guestlist';
  return html`<details class="mail">
    <summary><strong>${m.subject}</strong> — to ${m.to.join(', ')} — ${timeTag(m.sentAt)} — ${source}</summary>
    <p>From ${m.from}</p>
    <pre class="mail-text">${m.text}</pre>
    ${m.links.length ? html`<p><strong>Links</strong></p><ul>${m.links.map((url) => html`<li>${link(url)}</li>`)}</ul>` : html``}
  </details>`;
}

export const mailboxRoutes: FastifyPluginAsync<ConsoleDeps & { sandbox: SandboxHooks }> = async (app, deps) => {
  app.get('/admin/mailbox', async (request, reply) => {
    const mail = (await sandboxMail(deps)).reverse();
    const { ctx } = await consoleContext(deps, request, reply);
    const body = html`<h1>Sandbox mailbox</h1>
      <p>Every email the sandbox sent, newest first. Nothing here left this machine.</p>
      ${mail.length ? mail.map(message) : html`<p>No email yet.</p>`}`;
    return sendPage(reply, ctx, { title: 'Sandbox mailbox', body, section: 'mailbox' });
  });
};
