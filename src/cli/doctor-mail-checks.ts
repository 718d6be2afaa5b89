// The doctor's mail checks: that the SMTP server in SMTP_URL answers, speaks TLS where it
// offers it and takes the login — without sending anything — and, when asked
// (--send-test ADDRESS), one real message through the same transport the app uses.
// With GUESTLIST_MAIL_MAILBOX, the Graph checks instead (doctor-graph-mail-checks.ts).

import { explainSmtpError } from '../adapters/mail/smtp-diagnosis.ts';
import { createSmtpMailer, type SmtpMailer } from '../adapters/mail/smtp-mailer.ts';
import type { Context } from './doctor.ts';
import { checkGraphMail, sendGraphTest } from './doctor-graph-mail-checks.ts';
import { type Line, skipped } from './doctor-lines.ts';

const DEFAULT_TIMEOUT_MS = 15_000;

export async function checkMail(ctx: Context): Promise<Line[]> {
  const { config } = ctx.deps;
  if (config.mail.transport === 'graph') return checkGraphMail(ctx);
  if (!config.mail.smtpUrl) {
    // Only the sandbox gets here (loadConfig requires SMTP_URL with Azure credentials).
    return [
      {
        mark: '!',
        text: 'SMTP_URL is not set: verification emails stay in the sandbox outbox (GET /api/v1/sandbox/messages), unsent.',
      },
    ];
  }
  const server = smtpServer(config.mail.smtpUrl);
  const mailer = openMailer(ctx);
  try {
    await mailer.verify();
  } catch (err) {
    const { problem, fix } = explainSmtpError(err, server.where, server.user);
    return [{ mark: '✗', text: `Mail: ${server.hide(problem)}`, fix }];
  } finally {
    mailer.close();
  }
  ctx.mailVerified = true;
  const login = server.user
    ? `accepted the login as "${server.user}"`
    : 'was not asked to log in (SMTP_URL names no user)';
  return [
    {
      mark: '✓',
      text:
        `Mail server ${server.where} answered${server.tls}, and ${login}; nothing was sent. ` +
        `Guestlist's own mail goes out as ${config.mail.from}.`,
    },
  ];
}

export function openMailer({ deps }: Context): SmtpMailer {
  return createSmtpMailer({
    url: deps.config.mail.smtpUrl!,
    from: deps.config.mail.from,
    ca: deps.ca,
    timeoutMs: deps.mailTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
}

/** Where SMTP_URL points, and a way to keep its password out of any text. */
export function smtpServer(smtpUrl: string) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  // nodemailer's defaults (smtp-connection): 465 for smtps://, else 587.
  const where = `${url.hostname}:${url.port || (secure ? 465 : 587)}`;
  const user = url.username ? decodeURIComponent(url.username) : null;
  const password = url.password ? decodeURIComponent(url.password) : '';
  return {
    where,
    user,
    tls: secure ? ' over TLS (smtps://)' : ' (STARTTLS where the server offers it)',
    hide: (text: string) => (password ? text.replaceAll(password, '***').replaceAll(url.password, '***') : text),
  };
}

/** `--send-test ADDRESS`: one real message through the app's own transport, and the server's answer. */
export async function checkSendTest(ctx: Context): Promise<Line[]> {
  const { config, sendTestTo: to } = ctx.deps;
  if (!to) return []; // not asked for
  const what = `Test message to ${to}`;
  // Tried even when Mail.Send is not in the token: RBAC for Applications grants it in Exchange, not in the token.
  if (config.mail.transport === 'graph') return sendGraphTest(ctx, to);
  if (!config.mail.smtpUrl) {
    return [skipped(what, 'SMTP_URL is not set: in the sandbox Guestlist keeps its mail in the outbox, unsent.')];
  }
  if (!ctx.mailVerified) return [skipped(what, 'the mail server check failed (✗ above).')];
  const server = smtpServer(config.mail.smtpUrl);
  const mailer = openMailer(ctx);
  try {
    const receipt = await mailer.deliver({
      to: [to],
      subject: 'Guestlist test message',
      text:
        `This is a test message from \`guestlist doctor --send-test\` at ${config.publicUrl}, ` +
        `sent through ${server.where}. Guestlist's verification emails will reach you the same way.\n`,
    });
    if (receipt.rejected.length > 0 || receipt.accepted.length === 0) {
      return [
        {
          mark: '✗',
          text: `${what}: ${server.where} did not accept it (${receipt.response}).`,
          fix: 'Check the address, and that the SMTP user may send to it.',
        },
      ];
    }
    return [
      {
        mark: '✓',
        text:
          `${what}: ${server.where} accepted it for delivery, answering "${receipt.response}" ` +
          `(message id ${receipt.messageId}). Look for it in that inbox, and its spam folder.`,
      },
    ];
  } catch (err) {
    const { problem, fix } = explainSmtpError(err, server.where, server.user);
    return [{ mark: '✗', text: `${what}: ${server.hide(problem)}`, fix }];
  } finally {
    mailer.close();
  }
}

/**
 * Whether `input` is one bare address (name@domain.tld) a mail server can be given. Looser
 * than the requester rules (domain/person.ts), which refuse characters Entra refuses, such
 * as the `+` of an administrator's alice+test@contoso.com.
 */
export function isMailAddress(input: string): boolean {
  const at = input.lastIndexOf('@');
  if (at <= 0) return false;
  const local = input.slice(0, at);
  const domain = input.slice(at + 1);
  if (local.length > 64 || !/^[^\s@<>()[\]\\,;:"]+$/.test(local)) return false;
  if (!/^[^\s/:?#@[\]\\%]+$/.test(domain)) return false; // a host name, no port, path or user
  let host: string;
  try {
    host = new URL(`http://${domain}/`).hostname; // IDNA: bücher.example → xn--bcher-kva.example
  } catch {
    return false;
  }
  const labels = host.split('.');
  return (
    labels.length >= 2 &&
    labels.every((label) => /^(?!-)[a-z0-9-]{1,63}(?<!-)$/.test(label)) &&
    !/^\d+$/.test(labels.at(-1)!)
  );
}
