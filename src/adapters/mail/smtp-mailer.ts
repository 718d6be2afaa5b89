// Mail over SMTP through nodemailer (SMTP_URL such as smtps://user:pass@smtp.example.com).
// Called only after the database transaction that decided to send has committed.
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from '../../ports.ts';

export interface SmtpMailer extends Mailer {
  close(): void;
}

export function createSmtpMailer(input: { url: string; from: string }): SmtpMailer {
  const transport = nodemailer.createTransport(input.url);
  return {
    async send(message: MailMessage): Promise<void> {
      await transport.sendMail({
        from: input.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
      });
    },
    close: () => transport.close(),
  };
}
