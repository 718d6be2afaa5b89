// Mail over SMTP through nodemailer (SMTP_URL such as smtps://user:pass@smtp.example.com).
// Called only after the database transaction that decided to send has committed.
// `guestlist doctor` builds the same transport to check the server (verify) and to send
// a test message (deliver), so what it checks is what the app uses.
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { MailDeliveryError } from '../../domain/mail-error.ts';
import type { Mailer, MailMessage } from '../../ports.ts';

/** What the server answered to a message: its id and the recipients it took or refused. */
export interface SmtpReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's final reply, e.g. "250 2.0.0 Ok: queued as 4F1A2". */
  response: string;
}

export interface SmtpMailer extends Mailer {
  /** Connects, EHLO, STARTTLS where offered, logs in when SMTP_URL names a user; sends nothing. */
  verify(): Promise<void>;
  deliver(message: MailMessage): Promise<SmtpReceipt>;
  close(): void;
}

export function createSmtpMailer(input: {
  url: string;
  from: string;
  /** A PEM to trust besides Node's default CAs (tests). */
  ca?: string | undefined;
  /** Gives up on connecting or on the greeting after this long, on an idle socket after twice that (else nodemailer's defaults). */
  timeoutMs?: number | undefined;
}): SmtpMailer {
  const transport = nodemailer.createTransport({
    url: input.url,
    // Node's `ca` replaces the default list, so the defaults come along (getCACertificates: Node 22.15+).
    ...(input.ca ? { tls: { ca: [...defaultCas(), input.ca] } } : {}),
    // The idle-socket timeout comes last, so a silent server is reported as "Greeting never received".
    ...(input.timeoutMs
      ? { connectionTimeout: input.timeoutMs, greetingTimeout: input.timeoutMs, socketTimeout: 2 * input.timeoutMs }
      : {}),
  });
  const deliver = async (message: MailMessage): Promise<SmtpReceipt> => {
    const info = await transport.sendMail({
      from: input.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    });
    return {
      messageId: info.messageId,
      accepted: info.accepted.map(address),
      rejected: info.rejected.map(address),
      response: info.response,
    };
  };
  return {
    async send(message: MailMessage): Promise<void> {
      try {
        await deliver(message);
      } catch (error) {
        throw mailErrorFromSmtp(error);
      }
    },
    deliver,
    async verify(): Promise<void> {
      await transport.verify();
    },
    close: () => transport.close(),
  };
}

// nodemailer's codes for a login the server refused (nodemailer/lib/errors.js).
const LOGIN_REFUSED = new Set(['EAUTH', 'ENOAUTH']);

/**
 * A nodemailer failure as a mail failure (domain/mail-error.ts). SMTP says it in the reply
 * code (RFC 5321 §4.2.1): 4xx is "try again later", 5xx is "not this". No reply at all
 * (refused connection, DNS, TLS, a timeout) is an outage; a refused login is the setup's.
 * The message is nodemailer's and may quote the SMTP dialogue: it goes to the log only.
 */
export function mailErrorFromSmtp(error: unknown): MailDeliveryError {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'ESMTP';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const kind =
    responseCode !== null && responseCode >= 400 && responseCode < 500
      ? 'outage'
      : LOGIN_REFUSED.has(code)
        ? 'setup'
        : responseCode !== null && responseCode >= 500
          ? 'message'
          : 'outage';
  return new MailDeliveryError({
    kind,
    via: 'smtp',
    code,
    message: typeof e.message === 'string' ? e.message : String(error),
    responseCode,
    cause: error,
  });
}

function address(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

function defaultCas(): readonly string[] {
  return typeof tls.getCACertificates === 'function' ? tls.getCACertificates('default') : tls.rootCertificates;
}
