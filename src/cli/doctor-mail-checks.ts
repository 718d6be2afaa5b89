// The doctor's mail checks: that the SMTP server in SMTP_URL answers, speaks TLS where it
// offers it and takes the login — without sending anything — and, when asked
// (--send-test ADDRESS), one real message through the same transport the app uses.

import { explainSmtpError } from '../adapters/mail/smtp-diagnosis.ts';
import { createSmtpMailer, type SmtpMailer } from '../adapters/mail/smtp-mailer.ts';
import type { Context, Line } from './doctor.ts';

const DEFAULT_TIMEOUT_MS = 15_000;

export async function checkMail(ctx: Context): Promise<Line[]> {
  const { config } = ctx.deps;
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
