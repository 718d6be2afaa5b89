// The email that asks the owner of an address to confirm it. It names the organization and
// the app, and lists each request made with the address — the names submitted, a link that
// confirms that request and nothing else, and a private link to its status page — so the
// owner knows exactly what they confirm, and can withdraw a request that is not theirs.
// Names come from whoever filled in the form: escaped in HTML, bidi controls removed.
import { escapeHtml, withoutBidiControls } from '../domain/html.ts';
import type { MailMessage } from '../ports.ts';
import type { InvitationBranding } from './invitation-email.ts';

export interface VerificationEntry {
  firstName: string;
  lastName: string;
  confirmUrl: string;
  statusUrl: string;
}

export function verificationEmail(input: {
  to: string;
  branding: InvitationBranding;
  entries: VerificationEntry[];
  validForMs: number;
}): MailMessage {
  const org = input.branding.organizationName ?? 'an organization using Microsoft Entra ID';
  const app = input.branding.appName;
  const hours = Math.round(input.validForMs / 3_600_000);
  const several = input.entries.length > 1;
  const intro = [
    'Hello,',
    `Someone (we hope you) asked ${org} for access to ${app} using this email address. ` +
      (several
        ? `${input.entries.length} requests were made with it; each link below confirms only the request it is listed with.`
        : 'Confirm the request only if the name below is yours.'),
  ];
  const outro = [
    `The confirmation links work for ${hours} hours. If you did not ask, ignore this email: nothing happens without your confirmation. A request whose name is not yours: do not confirm it; you can withdraw it from its page.`,
  ];
  const name = (entry: VerificationEntry) => withoutBidiControls(`${entry.firstName} ${entry.lastName}`);
  const text = [
    ...intro,
    ...input.entries.map((entry) =>
      [
        `Request for: ${name(entry)}`,
        `Confirm this request: ${entry.confirmUrl}`,
        `See or withdraw this request: ${entry.statusUrl}`,
      ].join('\n'),
    ),
    ...outro,
  ].join('\n\n');
  const p = (t: string) => `<p>${escapeHtml(t)}</p>`;
  const link = (url: string, label: string) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    ...intro.map(p),
    ...input.entries.map(
      (entry) =>
        `<p>Request for: <strong>${escapeHtml(name(entry))}</strong><br>` +
        `${link(entry.confirmUrl, 'Confirm this request')}<br>` +
        `${link(entry.statusUrl, 'See or withdraw this request')}</p>`,
    ),
    ...outro.map(p),
    '</body></html>',
  ].join('\n');
  return { to: [input.to], subject: `Confirm your email address for ${app}`, text, html };
}
