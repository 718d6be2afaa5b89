// The invitation email Microsoft sends when sendInvitationMessage is true
// (entra-docs external-id/invitation-email-elements.md): from invites@microsoft.com on
// behalf of the tenant, subject "<org> invited you to access applications within their
// organization", the optional customized message, and an "Accept invitation" link to the
// redeem URL. Only one ccRecipient is supported (invitedUserMessageInfo.md); it gets the
// same message.
import { randomUUID } from 'node:crypto';
import type { EmulatedMail, EmulatorState } from '../state.ts';

export function invitationMail(input: {
  state: EmulatorState;
  to: string;
  cc: string | null;
  customizedMessageBody: string | null;
  redeemUrl: string;
}): EmulatedMail {
  const org = input.state.tenantName;
  const lines = [`${org} invited you to access applications within their organization.`, ''];
  if (input.customizedMessageBody) lines.push(`Message from ${org}:`, input.customizedMessageBody, '');
  lines.push(
    `Accept invitation: ${input.redeemUrl}`,
    '',
    `Organization: ${org} (${input.state.tenantDomain})`,
    `Only accept this invitation if you trust ${org}.`,
  );
  return {
    id: randomUUID(),
    to: input.cc ? [input.to, input.cc] : [input.to],
    from: 'invites@microsoft.com',
    subject: `${org} invited you to access applications within their organization`,
    text: lines.join('\n'),
    links: [input.redeemUrl],
    sentAt: input.state.clock(),
  };
}
