// Mail through a REAL SMTP server (smtp-server), end to end from the job queue: a server
// that refuses (4xx "try later", then 5xx) delays the requester's email and never loses it —
// it is delivered once the server recovers, exactly once, even with maxAttempts lower than
// the refusals — on SQLite and PostgreSQL. And no header can be injected: CR/LF and Unicode
// line separators in a name, an app name or a subject stay inside one header value or the body.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer, mailErrorFromSmtp } from '../../../src/adapters/mail/smtp-mailer.ts';
import { decideRequest } from '../../../src/app/decide-request.ts';
import { requesterEmail } from '../../../src/app/requester-email.ts';
import { submitRequest } from '../../../src/app/submit-request.ts';
import { MailDeliveryError } from '../../../src/domain/mail-error.ts';
import { createDirectoryPause } from '../../../src/jobs/directory-pause.ts';
import { jobHandlers } from '../../../src/jobs/handlers.ts';
import { createWorker } from '../../../src/jobs/worker.ts';
import { fakeDirectory } from '../../fakes/directory.ts';
import { fixedClock } from '../../helpers/clock.ts';
import { databaseFactories } from '../../helpers/databases.ts';
import { testJobDeps } from '../../jobs/job-deps.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** An SMTP server whose answer to each message is the next of `refusals` ("451 …"), then 250. */
async function refusingServer(t: TestContext, refusals: Array<{ at: 'MAIL' | 'DATA'; code: number }>) {
  const received: string[] = [];
  const tries: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      const next = refusals[0];
      if (next?.at === 'MAIL') {
        refusals.shift();
        tries.push(String(next.code));
        return callback(Object.assign(new Error('Service not available, try later'), { responseCode: next.code }));
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const next = refusals[0];
        if (next?.at === 'DATA') {
          refusals.shift();
          tries.push(String(next.code));
          return callback(Object.assign(new Error('Message refused for now'), { responseCode: next.code }));
        }
        tries.push('250');
        received.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, received, tries };
}

for (const factory of databaseFactories) {
  test(`${factory.name}: a refusing mail server delays the rejection email; it is delivered once after, never given up`, async (t) => {
    const { db, close } = await factory.open();
    t.after(close);
    const clock = fixedClock();
    const smtp = await refusingServer(t, [
      { at: 'MAIL', code: 421 },
      { at: 'DATA', code: 451 },
      { at: 'MAIL', code: 452 },
      { at: 'DATA', code: 451 },
      { at: 'DATA', code: 554 },
    ]);
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'Guestlist <gl@contoso.com>' });
    t.after(() => mailer.close());
    const worker = createWorker({
      queue: db.jobs,
      clock,
      logger: silent,
      workerId: 'mail-test',
      random: () => 0.5,
      // Fewer attempts than refusals: only the 554 (a refused message) counts towards giving up.
      maxAttempts: 2,
      handlers: jobHandlers(
        testJobDeps({
          store: db.store,
          clock,
          directory: fakeDirectory(clock),
          logger: silent,
          directoryPause: createDirectoryPause({ store: db.store, clock, logger: silent, random: () => 0 }),
          mailer,
        }),
      ),
    });
    const deps = { store: db.store, clock, ids: { next: randomUUID } };
    const actor = { kind: 'token', name: 'approver' } as const;
    const request = await submitRequest(deps, {
      email: 'pat@fabrikam.com',
      firstName: 'Pat',
      lastName: 'Doe',
      actor,
      verified: true,
    });
    const decided = await decideRequest(deps, {
      id: request.id,
      actor,
      decision: 'reject',
      reason: 'Line one\r\nBcc: everyone@contoso.com',
      shareReason: true,
    });
    assert.equal(decided.status, 'rejected', 'the decision does not wait for the mail server');
    for (let round = 0; round < 50; round++) {
      if (await worker.runOnce()) continue;
      const next = (await db.jobs.listJobs()).map((job) => job.runAt.getTime()).sort((a, b) => a - b)[0];
      if (next === undefined) break;
      clock.set(new Date(Math.max(next, clock.now().getTime())).toISOString());
    }
    assert.deepEqual(smtp.tries, ['421', '451', '452', '451', '554', '250']);
    assert.equal(smtp.received.length, 1, 'delivered exactly once');
    assert.deepEqual(await db.store.listRequesterNotices(request.id), ['reject']);
    assert.ok(
      !(await db.store.listAudit(request.id)).some((entry) => entry.action === 'mail_failed'),
      'never given up',
    );
    const [headers] = smtp.received[0]!.split('\r\n\r\n');
    assert.doesNotMatch(headers!, /^Bcc:/im, 'the reason is body text, never a header');
    assert.match(smtp.received[0]!, /multipart\/alternative/, 'a text and an HTML part');
  });
}

test('an SMTP 4xx or no answer is an outage, a refused login the setup, a 5xx the message', async (t) => {
  const mailer = createSmtpMailer({ url: 'smtp://127.0.0.1:1', from: 'gl@contoso.com', timeoutMs: 2000 });
  t.after(() => mailer.close());
  try {
    await mailer.send({ to: ['a@b.example'], subject: 's', text: 't' });
    assert.fail('nobody listens on port 1');
  } catch (error) {
    assert.ok(error instanceof MailDeliveryError);
    assert.equal(error.kind, 'outage');
  }
  const kind = (e: object) => mailErrorFromSmtp(Object.assign(new Error('x'), e)).kind;
  assert.equal(kind({ code: 'EENVELOPE', responseCode: 451 }), 'outage');
  assert.equal(kind({ code: 'EAUTH', responseCode: 535 }), 'setup');
  assert.equal(kind({ code: 'EENVELOPE', responseCode: 550 }), 'message');
  assert.equal(kind({ code: 'ETIMEDOUT' }), 'outage');
});

test('no header injection through SMTP: CR/LF and U+2028/U+2029/U+0085 in names and subjects stay harmless', async (t) => {
  const smtp = await refusingServer(t, []);
  const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'Guestlist <gl@contoso.com>' });
  t.after(() => mailer.close());
  const hostile = 'Eve\r\nBcc: victim@contoso.com\u2028X-Injected: 1\u2029X-Two: 2\u0085X-Three: 3\nSubject: spoofed';
  // Through the shell: the app name (an admin's, or a catalogue's) and the name in the body.
  await mailer.send(
    requesterEmail({
      to: 'pat@fabrikam.com',
      firstName: hostile,
      branding: { organizationName: `Contoso${hostile}`, appName: `Portal${hostile}` },
      notice: { event: 'approve' },
      statusUrl: 'https://gl.test/status?token=t',
    }),
  );
  // Straight to nodemailer, past the shell: its own header encoding is the second wall.
  await mailer.send({ to: ['pat@fabrikam.com'], subject: `Hello ${hostile}`, text: 'body' });
  assert.equal(smtp.received.length, 2);
  for (const data of smtp.received) {
    const [headers] = data.split('\r\n\r\n');
    const names = headers!
      .split('\r\n')
      .filter((line) => !/^\s/.test(line))
      .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
    for (const injected of ['bcc', 'x-injected', 'x-two', 'x-three']) assert.ok(!names.includes(injected), injected);
    assert.equal(names.filter((name) => name === 'subject').length, 1, 'one subject');
  }
});
