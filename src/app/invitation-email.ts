// The invitation email Guestlist sends in `guestlist` mode (Graph is told not to mail).
// It names the organization and the app, carries the redeem URL, and says what the
// Microsoft consent screen will ask, so the person is not surprised by a Microsoft page.
import type { MailMessage } from '../ports.ts';
import { brandedEmail, type EmailBranding } from './email-shell.ts';

/** The branding every email carries (email-shell.ts); the name is kept for its many users. */
export type InvitationBranding = EmailBranding;

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
  const app = input.branding.appName;
  const inviter = org ?? 'An organization using Microsoft Entra ID';
  return brandedEmail({
    to: [input.to],
    subject: `${org ?? 'You are'}${org ? ' invites you' : ' invited'} to ${app}`,
    branding: input.branding,
    blocks: [
      { kind: 'paragraph', text: `Hello ${input.firstName},` },
      {
        kind: 'paragraph',
        text: `${inviter} has approved your request for access to ${app}.${input.resend ? ' This is a new invitation link; use it rather than any earlier one.' : ''}`,
      },
      ...(input.customMessage ? [{ kind: 'paragraph' as const, text: input.customMessage }] : []),
      { kind: 'paragraph', text: 'To accept, open this link and sign in with this email address:' },
      { kind: 'button', label: 'Accept the invitation', url: input.redeemUrl },
      {
        kind: 'paragraph',
        text: `Microsoft will show a consent page: it asks you to let ${org ?? 'the organization'} sign you in and read your name and email address. If you do not have a Microsoft account for this address, Microsoft sends you a one-time code instead of a password. After that you land on ${app}.`,
      },
      { kind: 'small', text: 'If you did not ask for this, ignore this email: nothing is shared until you accept.' },
    ],
  });
}
