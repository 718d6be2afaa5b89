// Test helpers: SMTP servers (smtp-server) that offer STARTTLS or speak TLS from the
// start, with a certificate from a test CA (tls-fixtures.ts), and accept or refuse the
// login; and a port that accepts connections but never greets.
import net from 'node:net';
import type { TestContext } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export const USER = 'guestlist';
export const PASSWORD = 'hunter2-Secret!';

export interface TestSmtp {
  port: number;
  /** What the server saw: logins tried, whether the session was over TLS, messages received. */
  logins: Array<{ user: string; secure: boolean }>;
  messages: Array<{ from: string; to: string[]; data: string }>;
}

/** A server on 127.0.0.1 that takes USER/PASSWORD and answers "250 queued as TEST1" to data. */
export async function startSmtp(
  t: TestContext,
  options: {
    tls?: { key: string; cert: string };
    secure?: boolean;
    refuseLogin?: boolean;
    /** Answer RCPT TO with "550 5.1.1 <address>: Recipient address rejected: User unknown". */
    refuseRecipient?: boolean;
  } = {},
): Promise<TestSmtp> {
  const seen: TestSmtp = { port: 0, logins: [], messages: [] };
  const serverOptions: SMTPServerOptions = {
    logger: false,
    secure: options.secure ?? false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    allowInsecureAuth: !options.tls,
    onAuth(auth, session, callback) {
      seen.logins.push({ user: auth.username ?? '', secure: session.secure });
      if (!options.refuseLogin && auth.username === USER && auth.password === PASSWORD) {
        callback(null, { user: USER });
        return;
      }
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (!options.refuseRecipient) {
        callback();
        return;
      }
      const message = `5.1.1 <${address.address}>: Recipient address rejected: User unknown`;
      callback(Object.assign(new Error(message), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => {
        data += chunk.toString();
      });
      stream.on('end', () => {
        seen.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback(null, 'queued as TEST1');
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {}); // a client that gives up mid-handshake is the point of some tests
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  seen.port = (server.server.address() as net.AddressInfo).port;
  return seen;
}

/** A port that accepts TCP connections and says nothing (no SMTP greeting). */
export async function startSilentPort(t: TestContext): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as net.AddressInfo).port;
}

/** A port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
