// A local SMTP server that accepts every message and remembers its recipients: where a
// `guestlist worker` process (which needs SMTP_URL with Azure credentials) sends its own
// invitation emails during a benchmark, so they can be counted per person.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  /** smtp://127.0.0.1:PORT, plain (no STARTTLS offered, no login). */
  url: string;
  /** One entry per message accepted: its recipients (lower case) and when. */
  messages: Array<{ to: string[]; subject: string; atMs: number }>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const head =
          Buffer.concat(chunks)
            .toString('utf8')
            .split(/\r?\n\r?\n/)[0] ?? '';
        messages.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
          subject: /^Subject: (.*)$/im.exec(head)?.[1] ?? '',
          atMs: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Messages per recipient address. */
export function sinkTally(sink: SmtpSink): Map<string, number> {
  const tally = new Map<string, number>();
  for (const message of sink.messages) for (const to of message.to) tally.set(to, (tally.get(to) ?? 0) + 1);
  return tally;
}
