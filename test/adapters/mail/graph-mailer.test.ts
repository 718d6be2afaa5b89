// Mail through Microsoft Graph sendMail, end to end against the emulator with the real
// credential and Graph client: 202 lands in the outbox; 403 without Mail.Send or outside an
// application access policy, 404 for an unknown mailbox (the setup's: retried, never lost);
// 429 honoured then sent; a hostile subject stays one header value (JSON), flattened.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGraphClient } from '../../../src/adapters/directory/graph-client.ts';
import { createGraphMailer } from '../../../src/adapters/mail/graph-mailer.ts';
import { brandedEmail } from '../../../src/app/email-shell.ts';
import { MailDeliveryError } from '../../../src/domain/mail-error.ts';
import { classifyJobError } from '../../../src/jobs/classify-error.ts';
import { appConfig, type Emulator, startTenant } from '../directory/emulated-tenant.ts';

const MAILBOX = 'guestlist@contoso.com';

async function mailerFor(em: Emulator, roles: string[], mailbox = MAILBOX) {
  const entra = await appConfig(em, roles);
  return { mailer: createGraphMailer({ graph: createGraphClient({ entra, ca: em.caPem }), mailbox }), entra };
}

const message = () =>
  brandedEmail({
    to: ['pat@fabrikam.com'],
    subject: 'Welcome <Pat>\r\nBcc: everyone@contoso.com\u2028X-Evil: 1',
    branding: { organizationName: 'Contoso', appName: 'Portal', accentColor: '#ffdd00' },
    blocks: [{ kind: 'paragraph', text: 'Hello <b>Pat</b>' }],
  });

async function refusal(promise: Promise<unknown>): Promise<MailDeliveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MailDeliveryError, `expected a MailDeliveryError, got ${error}`);
    return error;
  }
  assert.fail('expected a refusal');
}

test('sendMail: 202, the message lands in the outbox from the mailbox, HTML body, one flat subject', async (t) => {
  const em = await startTenant(t);
  em.addUser({ mail: MAILBOX, userType: 'Member', userPrincipalName: MAILBOX });
  const { mailer } = await mailerFor(em, ['User.Read.All', 'Mail.Send']);
  await mailer.send(message());
  const [sent, ...more] = em.mailbox.list();
  assert.equal(more.length, 0);
  assert.deepEqual(sent!.to, ['pat@fabrikam.com']);
  assert.equal(sent!.from, MAILBOX);
  assert.equal(sent!.subject, 'Welcome <Pat> Bcc: everyone@contoso.com X-Evil: 1');
  assert.match(sent!.html ?? '', /Hello &lt;b&gt;Pat&lt;\/b&gt;/);
  assert.match(sent!.text, /Hello <b>Pat<\/b>/, 'the plain view of the HTML');
});

test('sendMail without Mail.Send: 403 ErrorAccessDenied with its request-id, a setup fault the job keeps retrying', async (t) => {
  const em = await startTenant(t);
  em.addUser({ mail: MAILBOX, userType: 'Member' });
  const { mailer } = await mailerFor(em, ['User.Read.All']);
  const error = await refusal(mailer.send(message()));
  assert.equal(error.kind, 'setup');
  assert.equal(error.mailCode, 'ErrorAccessDenied');
  assert.equal(error.responseCode, 403);
  assert.match(error.message, /request-id [0-9a-f-]{36}/);
  const failure = classifyJobError(error);
  assert.deepEqual(
    [failure.permanent, failure.canExhaust, failure.retryAfterMs],
    [false, false, 300_000],
    'waits for an administrator, tried every five minutes, never lost',
  );
  assert.equal(em.mailbox.list().length, 0);
});

test('an application access policy that leaves the mailbox out: 403 [RAOP]; the mailbox it names sends', async (t) => {
  const em = await startTenant(t);
  em.addUser({ mail: MAILBOX, userType: 'Member' });
  em.addUser({ mail: 'ceo@contoso.com', userType: 'Member' });
  const { mailer, entra } = await mailerFor(em, ['Mail.Send'], 'ceo@contoso.com');
  em.setMailAccessPolicy(entra.clientId!, [MAILBOX]);
  const error = await refusal(mailer.send(message()));
  assert.equal(error.mailCode, 'ErrorAccessDenied');
  assert.match(error.message, /RAOP/);
  const scoped = createGraphMailer({ graph: createGraphClient({ entra, ca: em.caPem }), mailbox: MAILBOX });
  await scoped.send(message());
  assert.equal(em.mailbox.list().length, 1);
});

test('an unknown mailbox: 404 ErrorInvalidUser; a guest has no mailbox: 404 MailboxNotEnabledForRESTAPI', async (t) => {
  const em = await startTenant(t);
  em.addUser({ mail: 'guest@fabrikam.com', userType: 'Guest' });
  const unknown = await refusal((await mailerFor(em, ['Mail.Send'], 'nobody@contoso.com')).mailer.send(message()));
  assert.deepEqual([unknown.mailCode, unknown.responseCode, unknown.kind], ['ErrorInvalidUser', 404, 'setup']);
  const guest = await refusal((await mailerFor(em, ['Mail.Send'], 'guest@fabrikam.com')).mailer.send(message()));
  assert.equal(guest.mailCode, 'MailboxNotEnabledForRESTAPI');
});

test('429 with Retry-After: an outage, not counted, the wait honoured; the next try sends it once', async (t) => {
  const em = await startTenant(t);
  em.addUser({ mail: MAILBOX, userType: 'Member' });
  const { mailer } = await mailerFor(em, ['Mail.Send']);
  em.setFaults({ rate: 1, statuses: [429], retryAfterSeconds: 7, operations: ['sendMail'] });
  const error = await refusal(mailer.send(message()));
  const failure = classifyJobError(error);
  assert.deepEqual(
    {
      kind: error.kind,
      countsAttempt: failure.countsAttempt,
      canExhaust: failure.canExhaust,
      wait: failure.retryAfterMs,
    },
    { kind: 'outage', countsAttempt: false, canExhaust: false, wait: 7000 },
  );
  assert.equal(em.mailbox.list().length, 0);
  em.setFaults(null);
  await mailer.send(message());
  assert.equal(em.mailbox.list().length, 1);
});
