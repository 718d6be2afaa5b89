// The email that asks the owner of an address to confirm it. It names the organization and
// the app, and lists each request made with the address — the names submitted, a link that
// confirms that request and nothing else, and a private link to its status page — so the
// owner knows exactly what they confirm, and can withdraw a request that is not theirs.
// Names come from whoever filled in the form: the shell (email-shell.ts) escapes them in
// HTML and removes bidi controls.
import type { MailMessage } from '../ports.ts';
import { brandedEmail, type EmailBlock } from './email-shell.ts';
import type { InvitationBranding } from './invitation-email.ts';

export interface VerificationEntry {
  firstName: string;
  lastName: string;
  confirmUrl: string;
  statusUrl: string;
  /** The app this request asks for, when the email carries requests for several apps. */
  appName?: string | undefined;
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
  const entry = (e: VerificationEntry): EmailBlock => ({
    kind: 'item',
    title: `Request for: ${e.firstName} ${e.lastName}${e.appName ? ` (access to ${e.appName})` : ''}`,
    links: [
      { label: 'Confirm this request', url: e.confirmUrl },
      { label: 'See or withdraw this request', url: e.statusUrl },
    ],
  });
  return brandedEmail({
    to: [input.to],
    subject: `Confirm your email address for ${app}`,
    branding: input.branding,
    blocks: [
      { kind: 'paragraph', text: 'Hello,' },
      {
        kind: 'paragraph',
        text:
          `Someone (we hope you) asked ${org} for access to ${app} using this email address. ` +
          (several
            ? `${input.entries.length} requests were made with it; each link below confirms only the request it is listed with.`
            : 'Confirm the request only if the name below is yours.'),
      },
      ...input.entries.map(entry),
      {
        kind: 'small',
        text: `The confirmation links work for ${hours} hours. If you did not ask, ignore this email: nothing happens without your confirmation. A request whose name is not yours: do not confirm it; you can withdraw it from its page.`,
      },
    ],
  });
}
