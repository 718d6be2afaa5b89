// The emails that tell a requester their request was decided, ended or is about to end,
// each with the link to its status page, in the branded shell (email-shell.ts: names and
// the shared reason escaped in HTML, bidi controls removed).
import type { Status } from '../domain/lifecycle.ts';
import type { MailMessage } from '../ports.ts';
import { brandedEmail, type EmailBlock } from './email-shell.ts';
import type { InvitationBranding } from './invitation-email.ts';

export type RequesterNotice =
  /** Approved: access is being set up; the invitation (or the activation notice) follows. */
  | { event: 'approve' }
  /** `sharedReason`: only when the approver chose to share it; null otherwise. */
  | { event: 'reject'; sharedReason: string | null }
  | { event: 'fail' }
  /** Approved for someone who already had an account: no invitation, they just sign in there. */
  | { event: 'activate'; appUrl: string }
  /** `from`: the state that expired (an invitation not redeemed, access that ended…). */
  | { event: 'expire'; from: Status | null }
  /** Access ends at `endsAt` (a few days from now). */
  | { event: 'remind_expiry'; endsAt: Date };

export function requesterEmail(input: {
  to: string;
  firstName: string;
  branding: InvitationBranding;
  notice: RequesterNotice;
  statusUrl: string;
}): MailMessage {
  const app = input.branding.appName;
  const org = input.branding.organizationName ?? 'The organization';
  const { subject, blocks } = wording(input.notice, app, org);
  return brandedEmail({
    to: [input.to],
    subject,
    branding: input.branding,
    blocks: [
      { kind: 'paragraph', text: `Hello ${input.firstName},` },
      ...blocks,
      { kind: 'link', label: 'See your request', url: input.statusUrl },
    ],
  });
}

const p = (text: string): EmailBlock => ({ kind: 'paragraph', text });

function wording(notice: RequesterNotice, app: string, org: string): { subject: string; blocks: EmailBlock[] } {
  switch (notice.event) {
    case 'approve':
      return {
        subject: `Your request for ${app} was approved`,
        blocks: [
          p(`${org} approved your request for access to ${app}.`),
          p(
            'Your access is being set up now. You will get one more email when it is ready: an invitation to accept, or, if you already have an account there, a note saying you can sign in.',
          ),
        ],
      };
    case 'reject':
      return {
        subject: `Your request for ${app} was not approved`,
        blocks: [
          p(`${org} did not approve your request for access to ${app}.`),
          ...(notice.sharedReason
            ? [{ kind: 'quote' as const, label: 'The reason given:', text: notice.sharedReason }]
            : []),
        ],
      };
    case 'activate':
      return {
        subject: `You have access to ${app}`,
        blocks: [
          p(
            `${org} approved your request for access to ${app}. You already have an account there, so there is no invitation to accept: sign in with this email address at ${notice.appUrl}`,
          ),
        ],
      };
    case 'fail':
      return {
        subject: `Your access to ${app} could not be set up`,
        blocks: [
          p(`Your request for access to ${app} was approved, but setting up your access failed.`),
          p(`${org} has been told and will look into it; you need not do anything now.`),
        ],
      };
    case 'expire':
      return {
        subject: `Your ${notice.from === 'active' ? 'access' : 'request'} for ${app} has expired`,
        blocks: [p(expiryReason(notice.from, app)), p('You can ask for access again.')],
      };
    case 'remind_expiry':
      return {
        subject: `Your access to ${app} ends on ${day(notice.endsAt)}`,
        blocks: [
          p(`Your access to ${app} ends on ${day(notice.endsAt)} (${time(notice.endsAt)} UTC).`),
          p(
            `After that you can no longer sign in to ${app}. If you still need it, ask ${org} for access again before then.`,
          ),
        ],
      };
  }
}

function day(at: Date): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(at);
}

function time(at: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'UTC' }).format(at);
}

function expiryReason(from: Status | null, app: string): string {
  if (from === 'invited') return `The invitation to ${app} was not accepted in time, so it has expired.`;
  if (from === 'active') return `Your access to ${app} has reached its end date.`;
  return `Your request for access to ${app} was not decided in time, so it has expired.`;
}
