// The emails that tell a requester their request was decided or ended, each with the link
// to its status page. Names are escaped in HTML and stripped of bidi controls.
import { escapeHtml, withoutBidiControls } from '../domain/html.ts';
import type { Status } from '../domain/lifecycle.ts';
import type { MailMessage } from '../ports.ts';
import type { InvitationBranding } from './invitation-email.ts';

export type RequesterNotice =
  /** `sharedReason`: only when the approver chose to share it; null otherwise. */
  | { event: 'reject'; sharedReason: string | null }
  | { event: 'fail' }
  /** Approved for someone who already had an account: no invitation, they just sign in there. */
  | { event: 'activate'; appUrl: string }
  /** `from`: the state that expired (an invitation not redeemed, access that ended…). */
  | { event: 'expire'; from: Status | null };

export function requesterEmail(input: {
  to: string;
  firstName: string;
  branding: InvitationBranding;
  notice: RequesterNotice;
  statusUrl: string;
}): MailMessage {
  const app = input.branding.appName;
  const org = input.branding.organizationName ?? 'The organization';
  const { subject, paragraphs } = wording(input.notice, app, org);
  const all = [`Hello ${withoutBidiControls(input.firstName)},`, ...paragraphs];
  const text = [...all, `See your request: ${input.statusUrl}`].join('\n\n');
  const url = escapeHtml(input.statusUrl);
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    ...all.map((t) => `<p>${escapeHtml(t)}</p>`),
    `<p><a href="${url}">See your request</a></p>`,
    '</body></html>',
  ].join('\n');
  return { to: [input.to], subject, text, html };
}

function wording(notice: RequesterNotice, app: string, org: string): { subject: string; paragraphs: string[] } {
  switch (notice.event) {
    case 'reject':
      return {
        subject: `Your request for ${app} was not approved`,
        paragraphs: [
          `${org} did not approve your request for access to ${app}.`,
          ...(notice.sharedReason ? [`The reason given: ${notice.sharedReason}`] : []),
        ],
      };
    case 'activate':
      return {
        subject: `You have access to ${app}`,
        paragraphs: [
          `${org} approved your request for access to ${app}. You already have an account there, so there is no invitation to accept: sign in with this email address at ${notice.appUrl}`,
        ],
      };
    case 'fail':
      return {
        subject: `Your access to ${app} could not be set up`,
        paragraphs: [
          `Your request for access to ${app} was approved, but setting up your access failed.`,
          `${org} has been told and will look into it; you need not do anything now.`,
        ],
      };
    case 'expire':
      return {
        subject: `Your ${notice.from === 'active' ? 'access' : 'request'} for ${app} has expired`,
        paragraphs: [expiryReason(notice.from, app), 'You can ask for access again.'],
      };
  }
}

function expiryReason(from: Status | null, app: string): string {
  if (from === 'invited') return `The invitation to ${app} was not accepted in time, so it has expired.`;
  if (from === 'active') return `Your access to ${app} has reached its end date.`;
  return `Your request for access to ${app} was not decided in time, so it has expired.`;
}
