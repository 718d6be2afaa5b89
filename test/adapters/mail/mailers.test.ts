import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createSandboxMailer, extractLinks } from '../../../src/adapters/mail/sandbox-mailer.ts';
import { createSmtpMailer } from '../../../src/adapters/mail/smtp-mailer.ts';
import { openDatabase } from '../../../src/adapters/store/index.ts';
import { fixedClock } from '../../helpers/clock.ts';

test('SMTP: a message reaches a real SMTP server with sender, recipients, subject and body', async (t) => {
  const received: Array<{ from: string; to: string[]; data: string; user: string | undefined }> = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true, // the test server has no certificate; production uses smtps:// or STARTTLS
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'guestlist' && auth.password === 'pw') return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
          user: session.user,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as AddressInfo;

  const mailer = createSmtpMailer({
    url: `smtp://guestlist:pw@127.0.0.1:${port}`,
    from: 'Guestlist <noreply@contoso.com>',
  });
  t.after(() => mailer.close());
  await mailer.send({
    to: ["o'brien@fabrikam.com"],
    subject: 'Confirm your address',
    text: 'Open https://guestlist.contoso.com/verify?t=abc to confirm.',
  });
  assert.equal(received.length, 1);
  assert.equal(received[0]?.from, 'noreply@contoso.com');
  assert.deepEqual(received[0]?.to, ["o'brien@fabrikam.com"]);
  assert.equal(received[0]?.user, 'guestlist');
  assert.match(received[0]!.data, /^Subject: Confirm your address/m);
  assert.match(received[0]!.data, /https:\/\/guestlist\.contoso\.com\/verify\?t=abc/);

  const wrong = createSmtpMailer({ url: `smtp://guestlist:nope@127.0.0.1:${port}`, from: 'x@contoso.com' });
  t.after(() => wrong.close());
  await assert.rejects(wrong.send({ to: ['a@b.com'], subject: 's', text: 't' }), /Invalid login|auth/i);
  assert.equal(received.length, 1, 'a refused login delivers nothing');
});

test('sandbox outbox: the message is stored with its links', async (t) => {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  t.after(() => db.close());
  const mailer = createSandboxMailer({
    store: db.store,
    clock: fixedClock(),
    ids: { next: randomUUID },
    from: 'gl@localhost',
  });
  await mailer.send({
    to: ['a@fabrikam.com'],
    subject: 'Hello',
    text: 'See https://x.test/a?b=1&c=2.',
    html: '<a href="https://x.test/a?b=1&amp;c=2">go</a>',
  });
  const [message] = await db.store.listSandboxMessages();
  assert.equal(message?.subject, 'Hello');
  assert.equal(message?.source, 'guestlist');
  assert.deepEqual(message?.to, ['a@fabrikam.com']);
  assert.deepEqual(message?.links, ['https://x.test/a?b=1&c=2']);
});

test('links are found in text and HTML, unescaped, once each', () => {
  assert.deepEqual(extractLinks('a https://a.test/x b <a href="https://a.test/x">x</a> http://b.test/?q=1&amp;r=2'), [
    'https://a.test/x',
    'http://b.test/?q=1&r=2',
  ]);
});
