// The one layout every page uses. No inline script or style anywhere (the CSP forbids
// both): looks come from /assets/guestlist.css and the brand's colour from /brand.css.
// Every page says when it is a sandbox, so nobody mistakes the emulator for their tenant.
import type { Principal } from '../auth.ts';
import { html, type Raw } from './html.ts';

export interface Branding {
  organizationName: string | null;
  logoUrl: string | null;
}

/** What the layout needs to know about the request being answered. */
export interface PageContext {
  sandbox: boolean;
  branding: Branding;
  principal: Principal | null;
  /** A CSRF token for this response's forms (the sign-out button needs one). */
  csrfToken: string;
  /** Console pages: how many requests wait for the signed-in person (admin/console.ts). */
  waiting?: number | undefined;
}

export interface PageInput {
  title: string;
  body: Raw;
  /** Which console section to mark as current in the navigation. */
  section?: 'queue' | 'audit' | 'policy' | 'tokens' | 'apps' | 'webhooks' | 'mailbox';
}

const CONSOLE_LINKS = [
  { section: 'queue', href: '/admin', label: 'Requests', admin: false, sandboxOnly: false },
  { section: 'audit', href: '/admin/audit', label: 'Audit trail', admin: true, sandboxOnly: false },
  { section: 'policy', href: '/admin/policy-check', label: 'Policy check', admin: true, sandboxOnly: false },
  { section: 'tokens', href: '/admin/tokens', label: 'API tokens', admin: true, sandboxOnly: false },
  { section: 'apps', href: '/admin/apps', label: 'Apps', admin: true, sandboxOnly: false },
  { section: 'webhooks', href: '/admin/webhooks', label: 'Webhooks', admin: true, sandboxOnly: false },
  { section: 'mailbox', href: '/admin/mailbox', label: 'Sandbox mailbox', admin: true, sandboxOnly: true },
] as const;

function consoleNav(ctx: PageContext, current: PageInput['section']): Raw {
  const { principal } = ctx;
  if (!principal) return html``;
  const links = principal.role
    ? CONSOLE_LINKS.filter((l) => (!l.admin || principal.role === 'admin') && (!l.sandboxOnly || ctx.sandbox))
    : [];
  return html`<nav class="console-nav" aria-label="Console">
    <ul>${links.map(
      (l) =>
        html`<li><a href="${l.href}"${l.section === current ? html` aria-current="page"` : html``}>${l.label}</a></li>`,
    )}</ul>
    ${
      ctx.waiting === undefined
        ? html``
        : html`<p class="waiting"><a href="/admin">Waiting for you: <strong>${ctx.waiting}</strong></a></p>`
    }
    <form method="post" action="/auth/signout" class="signout">
      <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
      <span>${principal.name}${principal.role ? html` <span class="role">(${principal.role})</span>` : html``}</span>
      <button type="submit" class="link-button">Sign out</button>
    </form>
  </nav>`;
}

export function page(ctx: PageContext, input: PageInput): string {
  const banner = ctx.sandbox
    ? html`<div class="sandbox" role="note"><strong>Sandbox.</strong> Microsoft Entra is emulated here: no real
        invitation is sent and no real tenant is touched.</div>`
    : html``;
  const org = ctx.branding.organizationName;
  const brand = ctx.branding.logoUrl
    ? html`<img src="${ctx.branding.logoUrl}" alt="${org ?? 'Guestlist'}" class="logo">`
    : html`<span>${org ?? 'Guestlist'}</span>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · ${org ?? 'Guestlist'}</title>
<link rel="stylesheet" href="/assets/guestlist.css">
<link rel="stylesheet" href="/brand.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
${banner}
<div class="bar"><a class="brand" href="/">${brand}</a>${consoleNav(ctx, input.section)}</div>
</header>
<main id="main" tabindex="-1">
${input.body}
</main>
<footer><p>Access requests by Guestlist</p></footer>
</body>
</html>`.html;
}
