// Mail over SMTP through nodemailer (SMTP_URL such as smtps://user:pass@smtp.example.com).
// Called only after the database transaction that decided to send has committed.
// `guestlist doctor` builds the same transport to check the server (verify) and to send
// a test message (deliver), so what it checks is what the app uses.
import tls from 'node:tls';
import nodemailer from 'nodemailer';
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
      await deliver(message);
    },
    deliver,
    async verify(): Promise<void> {
      await transport.verify();
    },
    close: () => transport.close(),
  };
}

function address(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

function defaultCas(): readonly string[] {
  return typeof tls.getCACertificates === 'function' ? tls.getCACertificates('default') : tls.rootCertificates;
}
