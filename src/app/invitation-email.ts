// The invitation email Guestlist sends in `guestlist` mode (Graph is told not to mail).
// It names the organization and the app, carries the redeem URL, and says what the
// Microsoft consent screen will ask, so the person is not surprised by a Microsoft page.
import { escapeHtml, withoutBidiControls } from '../domain/html.ts';
import type { MailMessage } from '../ports.ts';

export interface InvitationBranding {
  /** Who invites, e.g. "Contoso"; null says "an organization using Microsoft Entra". */
  organizationName: string | null;
  /** What they are invited to, e.g. "the Contoso partner portal". */
  appName: string;
}

export function invitationEmail(input: {
  to: string;
  firstName: string;
  redeemUrl: string;
  branding: InvitationBranding;
  /** An admin's extra paragraph (GUESTLIST_INVITATION_MESSAGE). */
  customMessage?: string | undefined;
  /** A resend: say that earlier links may be stale. */
  resend: boolean;
}): MailMessage {
  const org = input.branding.organizationName;
  const inviter = org ?? 'An organization using Microsoft Entra ID';
  const subject = `${org ?? 'You are'}${org ? ' invites you' : ' invited'} to ${input.branding.appName}`;
  const paragraphs = [
    `Hello ${withoutBidiControls(input.firstName)},`,
    `${inviter} has approved your request for access to ${input.branding.appName}.${input.resend ? ' This is a new invitation link; use it rather than any earlier one.' : ''}`,
    ...(input.customMessage ? [input.customMessage] : []),
    'To accept, open this link and sign in with this email address:',
  ];
  const after = [
    `Microsoft will show a consent page: it asks you to let ${org ?? 'the organization'} sign you in and read your name and email address. If you do not have a Microsoft account for this address, Microsoft sends you a one-time code instead of a password. After that you land on ${input.branding.appName}.`,
    'If you did not ask for this, ignore this email: nothing is shared until you accept.',
  ];
  const text = [...paragraphs, input.redeemUrl, ...after].join('\n\n');
  const p = (t: string) => `<p>${escapeHtml(t)}</p>`;
  const url = escapeHtml(input.redeemUrl);
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs.map(p),
    `<p><a href="${url}" style="font-weight: bold">Accept the invitation</a></p>`,
    `<p style="font-size: small">Or copy this address into your browser: ${url}</p>`,
    ...after.map(p),
    '</body></html>',
  ].join('\n');
  return { to: [input.to], subject, text, html };
}
