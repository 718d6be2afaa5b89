// POST /invitations → 201 (invitation-post.md; response shape as graph-examples.json
// `invitation_post`). Rules, from the docs and reference/microsoft-graph.md:
//  - invitedUserEmailAddress and inviteRedirectUrl are required;
//  - these characters are not allowed in the address: ~ ! # $ % ^ & * ( ) + = [ ] { } \ / | ; : " < > ? ,
//  - an address held by an internal (non-external) member is refused;
//  - an address held by a guest returns that same user, with a new redeem URL each time;
//  - sendInvitationMessage defaults to false: no email unless asked;
//  - resetRedemption (with invitedUser.id) puts a redeemed guest back to PendingAcceptance;
//  - the tenant's invitation policy may refuse the call first (invitation-policy.ts);
//  - an address on one of the tenant's verified domains belongs to a member-to-be, and
//    cannot be invited (entra-docs customize-invitation-api.md rules those addresses out
//    before inviting): 400. The message is not documented; ours is a guess.
import { randomUUID } from 'node:crypto';
import { startReplication } from '../replication.ts';
import { type EmulatedUser, graphDate, insertUser, newTicket, usersWithAddress } from '../state.ts';
import { badRequest, resourceNotFound } from './errors.ts';
import { invitationMail } from './invitation-mail.ts';
import { invitationRefusal } from './invitation-policy.ts';
import type { GraphContext, GraphOperation, GraphReply, Route } from './types.ts';

const FORBIDDEN_CHARACTERS = /[~!#$%^&*()+=[\]{}\\/|;:"<>?,\s]/;

interface MessageInfo {
  messageLanguage?: unknown;
  customizedMessageBody?: unknown;
  ccRecipients?: Array<{ emailAddress?: { name?: unknown; address?: unknown } }>;
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(`The request is missing the required property '${name}'.`);
  }
  return value.trim();
}

function checkAddress(address: string): void {
  const at = address.indexOf('@');
  const valid =
    !FORBIDDEN_CHARACTERS.test(address) &&
    at > 0 &&
    at === address.lastIndexOf('@') &&
    address.slice(at + 1).includes('.') &&
    !address.endsWith('.');
  if (!valid) throw badRequest(`The invited user email address '${address}' is not valid.`);
}

function createInvitation(op: GraphOperation, _params: Record<string, string>, ctx: GraphContext): GraphReply {
  const { state } = ctx;
  if (typeof op.body !== 'object' || op.body === null || Array.isArray(op.body)) {
    throw badRequest('Empty Payload. JSON content expected.');
  }
  const body = op.body as Record<string, unknown>;
  const address = requiredString(body, 'invitedUserEmailAddress');
  const redirectUrl = requiredString(body, 'inviteRedirectUrl');
  checkAddress(address);
  if (!URL.canParse(redirectUrl) || !/^https?:$/.test(new URL(redirectUrl).protocol)) {
    throw badRequest(`The inviteRedirectUrl '${redirectUrl}' is not a valid absolute URL.`);
  }
  const userType = body.invitedUserType ?? 'Guest';
  if (userType !== 'Guest' && userType !== 'Member') throw badRequest("invitedUserType must be 'Guest' or 'Member'.");
  const send = body.sendInvitationMessage ?? false;
  if (typeof send !== 'boolean') throw badRequest('sendInvitationMessage must be a boolean.');
  const displayName = typeof body.invitedUserDisplayName === 'string' ? body.invitedUserDisplayName : null;
  const info = (body.invitedUserMessageInfo ?? {}) as MessageInfo;
  const ccRecipients = Array.isArray(info.ccRecipients) ? info.ccRecipients : [];
  if (ccRecipients.length > 1) throw badRequest('Only one ccRecipient is supported.');
  const cc = ccRecipients[0]?.emailAddress?.address;
  const customizedMessageBody = typeof info.customizedMessageBody === 'string' ? info.customizedMessageBody : null;

  const refusal = invitationRefusal(state.invitationPolicy, address);
  if (refusal) throw refusal;
  const user = invitedUser(ctx, body, address, displayName, userType);
  const ticket = newTicket();
  state.tickets.set(ticket, { userId: user.id, inviteRedirectUrl: redirectUrl });
  const redeemUrl = new URL(ctx.redeemBaseUrl);
  redeemUrl.searchParams.set('tenant', state.tenantId);
  redeemUrl.searchParams.set('user', user.id);
  redeemUrl.searchParams.set('ticket', ticket);
  redeemUrl.searchParams.set('ver', '2.0');

  if (send) {
    state.mailbox.push(
      invitationMail({
        state,
        to: address,
        cc: typeof cc === 'string' ? cc : null,
        customizedMessageBody,
        redeemUrl: redeemUrl.href,
      }),
    );
  }
  return {
    status: 201,
    body: {
      '@odata.context': `${ctx.origin}/v1.0/$metadata#invitations/$entity`,
      id: randomUUID(),
      inviteRedeemUrl: redeemUrl.href,
      invitedUserDisplayName: displayName,
      invitedUserType: userType,
      invitedUserEmailAddress: address,
      sendInvitationMessage: send,
      resetRedemption: body.resetRedemption === true,
      inviteRedirectUrl: redirectUrl,
      status: user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
      invitedUserMessageInfo: {
        messageLanguage: typeof info.messageLanguage === 'string' ? info.messageLanguage : null,
        customizedMessageBody,
        ccRecipients:
          ccRecipients.length > 0
            ? ccRecipients.map((r) => ({
                emailAddress: { name: r.emailAddress?.name ?? null, address: r.emailAddress?.address ?? null },
              }))
            : [{ emailAddress: { name: null, address: null } }],
      },
      invitedUser: { id: user.id },
    },
  };
}

function invitedUser(
  ctx: GraphContext,
  body: Record<string, unknown>,
  address: string,
  displayName: string | null,
  userType: 'Guest' | 'Member',
): EmulatedUser {
  const { state } = ctx;
  if (body.resetRedemption === true) {
    const id = (body.invitedUser as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') throw badRequest('resetRedemption requires invitedUser.id.');
    const user = state.users.get(id);
    if (!user) throw resourceNotFound(id);
    user.externalUserState = 'PendingAcceptance';
    user.externalUserStateChangeDateTime = graphDate(state.clock());
    return user;
  }
  const existing = usersWithAddress(state, address);
  if (existing.some((user) => user.userType === 'Member' && user.externalUserState === null)) {
    throw badRequest('Non-external user already exists with the given mail address');
  }
  // The invitation service reads the primary: a guest still replicating is found and
  // returned, never created twice (replication.ts).
  const external = existing[0];
  if (external) return external;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (domain === state.tenantDomain || state.verifiedDomains.includes(domain)) {
    throw badRequest(
      `The invited user email address '${address}' is on the verified domain '${domain}' of this directory; users on a verified domain cannot be invited as external users.`,
    );
  }
  const created = insertUser(state, {
    mail: address,
    displayName,
    userType,
    externalUserState: 'PendingAcceptance',
    creationType: 'Invitation',
  });
  startReplication(state, created.id);
  return created;
}

export const invitationRoutes: Route[] = [
  {
    name: 'invite',
    method: 'POST',
    pattern: ['invitations'],
    permission: 'createInvitation',
    throttled: true,
    handle: createInvitation,
  },
];
