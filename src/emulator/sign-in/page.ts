// The emulator's sign-in pages, as plain HTML that works without JavaScript: no inline
// script or style (served under a CSP without 'unsafe-inline'), a lang attribute, one h1,
// every control a real button whose text is its label, so axe finds nothing to flag.
// No form-action directive: Chromium applies it to the redirect that follows the POST,
// which goes to the app's redirect URI on another origin.
import type { StaffMember } from './staff.ts';

export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function pickAccountPage(input: {
  tenantName: string;
  action: string;
  flow: string;
  staff: StaffMember[];
}): string {
  const accounts =
    input.staff.length === 0
      ? '<p>No staff are set up in this emulated tenant.</p>'
      : `<ul>
${input.staff
  .map(
    (person) =>
      `<li><button type="submit" name="account" value="${escapeHtml(person.id)}">${escapeHtml(person.name)} (${escapeHtml(person.userPrincipalName)})</button></li>`,
  )
  .join('\n')}
</ul>`;
  return layout(
    'Sign in to your account',
    `<h1>Pick an account</h1>
<p>${escapeHtml(input.tenantName)}, an emulated Microsoft Entra tenant: nothing here reaches Microsoft, and no password is asked.</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="flow" value="${escapeHtml(input.flow)}">
${accounts}
<p><button type="submit" name="cancel" value="1">Cancel</button></p>
</form>`,
  );
}

/** Entra's error page: shown, not redirected, when the request cannot be trusted with a redirect. */
export function errorPage(code: number, description: string): string {
  return layout(
    'Sign in to your account',
    `<h1>Sorry, but we're having trouble signing you in.</h1>
<p>AADSTS${code}: ${escapeHtml(description)}</p>`,
  );
}

export function signedOutPage(): string {
  return layout(
    'Sign out',
    `<h1>You signed out of your account</h1>
<p>It's a good idea to close all browser windows.</p>`,
  );
}
