// POST /users/{id | userPrincipalName}/sendMail (user-sendmail.md): Exchange Online sends a
// message as the mailbox. What Guestlist relies on, as documented:
//   - 202 Accepted, no body; the message is queued (here: it lands in the emulator's
//     mailbox log, the same outbox the invitation emails go to, for tests and the sandbox);
//   - application permission Mail.Send only; without it Exchange answers 403
//     ErrorAccessDenied "Access is denied. Check credentials and try again." (not Entra's
//     Authorization_RequestDenied);
//   - an Exchange application access policy that does not include the mailbox: 403
//     ErrorAccessDenied "Access to OData is disabled: [RAOP] : Blocked by tenant configured
//     AppOnly AccessPolicy settings." (applicationaccesspolicy, exchange/permissions-entra);
//   - an unknown user: 404 ErrorInvalidUser "The requested user '<id>' is invalid."; a
//     directory user without an Exchange mailbox (a guest, a member without mail): 404
//     MailboxNotEnabledForRESTAPI;
//   - no recipient: 400 ErrorInvalidRecipients.
// The mailbox is also accepted by its SMTP address, as Exchange resolves it.
import { randomUUID } from 'node:crypto';
import { isReplicated } from '../replication.ts';
import { type EmulatedUser, type EmulatorState, findUser, usersWithAddress } from '../state.ts';
import { GraphError } from './errors.ts';
import type { GraphContext, GraphOperation, GraphReply, Route } from './types.ts';

export function mailAccessDenied(): GraphError {
  return new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

function blockedByPolicy(): GraphError {
  return new GraphError(
    403,
    'ErrorAccessDenied',
    'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
  );
}

function findMailbox(state: EmulatorState, id: string): EmulatedUser {
  const user = findUser(state, id) ?? usersWithAddress(state, id)[0];
  if (!user || !isReplicated(state, user.id)) {
    throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${id}' is invalid.`);
  }
  // A shared mailbox's account is disabled and it sends all the same: accountEnabled is not asked.
  if (user.userType !== 'Member' || !user.mail) {
    throw new GraphError(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  return user;
}

interface Recipient {
  emailAddress?: { address?: unknown; name?: unknown };
}

function recipients(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return (value as Recipient[]).map((r) => r?.emailAddress?.address).filter((a): a is string => typeof a === 'string');
}

function sendMail(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const mailbox = findMailbox(ctx.state, params.id ?? '');
  const allowed = ctx.state.mailAccessPolicies.get(ctx.claims.appid);
  if (allowed && !allowed.has(mailbox.mail!.toLowerCase())) throw blockedByPolicy();
  const message = (op.body as { message?: Record<string, unknown> } | undefined)?.message;
  if (!message || typeof message !== 'object') {
    throw new GraphError(400, 'ErrorInvalidRequest', 'The message is missing from the request body.');
  }
  const to = [...recipients(message.toRecipients), ...recipients(message.ccRecipients)];
  if (to.length === 0) {
    throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is required, but none were found.');
  }
  const body = message.body as { contentType?: unknown; content?: unknown } | undefined;
  const content = typeof body?.content === 'string' ? body.content : '';
  const html = typeof body?.contentType === 'string' && body.contentType.toLowerCase() === 'html';
  ctx.state.mailbox.push({
    id: randomUUID(),
    to,
    from: mailbox.mail!,
    subject: typeof message.subject === 'string' ? message.subject : '',
    text: html ? textOf(content) : content,
    ...(html ? { html: content } : {}),
    links: linksIn(content),
    sentAt: ctx.state.clock(),
  });
  return { status: 202 };
}

/** The HTML's text, roughly, as a mail reader's plain view would show it. */
function textOf(html: string): string {
  return html
    .replace(/<(style|title)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|tr|h\d|blockquote)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function linksIn(content: string): string[] {
  const found = content.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  return [...new Set(found.map((link) => link.replace(/&amp;/g, '&').replace(/[.,;:!?)]+$/, '')))];
}

export const sendMailRoutes: Route[] = [
  {
    name: 'sendMail',
    method: 'POST',
    pattern: ['users', ':id', 'sendMail'],
    permission: 'sendMail',
    denied: mailAccessDenied,
    handle: sendMail,
  },
];
