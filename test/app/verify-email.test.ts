import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { sendVerification } from '../../src/app/send-verification.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { InvalidVerificationLinkError, verifyEmail } from '../../src/app/verify-email.ts';
import type { MailMessage } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';

describe('email verification', () => {
  let db: Database;
  let sent: MailMessage[];
  const clock = fixedClock();
  const ids = { next: randomUUID };
  const settings = { publicUrl: 'https://guestlist.contoso.com', validForMs: 24 * 3_600_000 };

  beforeEach(async () => {
    db = await openDatabase('sqlite::memory:');
    await db.migrate();
    sent = [];
  });
  afterEach(() => db.close());

  const deps = () => ({
    store: db.store,
    clock,
    ids,
    mailer: { send: async (m: MailMessage) => void sent.push(m) },
    settings,
  });
  const tokenIn = (message: MailMessage | undefined) =>
    decodeURIComponent(/\/verify\?token=([^\s]+)/.exec(message?.text ?? '')?.[1] ?? '');

  async function anonymous(email = 'ada@fabrikam.com') {
    return submitRequest(deps(), {
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      actor: 'requester',
      verified: false,
    });
  }

  test('an anonymous submission queues the email; the link confirms the address once', async () => {
    const request = await anonymous();
    assert.deepEqual(
      (await db.jobs.listJobs(request.id)).map((job) => job.kind),
      ['send_verification'],
    );
    await sendVerification(deps(), request.id);
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]?.to, ['ada@fabrikam.com']);
    assert.match(sent[0]!.text, /^Hello Ada,/);
    assert.match(sent[0]!.text, /https:\/\/guestlist\.contoso\.com\/verify\?token=glv_/);
    assert.match(sent[0]!.text, /24 hours/);
    const token = tokenIn(sent[0]);

    const first = await verifyEmail(deps(), { token });
    assert.equal(first.outcome, 'verified');
    assert.equal(first.request.status, 'pending_approval');
    const again = await verifyEmail(deps(), { token });
    assert.equal(again.outcome, 'already_verified');
    const audit = await db.store.listAudit(request.id);
    assert.deepEqual(
      audit.map((entry) => `${entry.actor}:${entry.action}:${entry.toStatus}`),
      ['requester:submit:pending_verification', 'requester:verify:pending_approval'],
    );
  });

  test('a second email (a retried send) leaves the first link working', async () => {
    const request = await anonymous();
    await sendVerification(deps(), request.id);
    await sendVerification(deps(), request.id);
    assert.notEqual(tokenIn(sent[0]), tokenIn(sent[1]));
    assert.equal((await verifyEmail(deps(), { token: tokenIn(sent[0]) })).outcome, 'verified');
  });

  test('unknown, tampered and expired links are refused and change nothing', async () => {
    const request = await anonymous();
    await sendVerification(deps(), request.id);
    const token = tokenIn(sent[0]);
    await assert.rejects(verifyEmail(deps(), { token: 'glv_nope' }), InvalidVerificationLinkError);
    await assert.rejects(verifyEmail(deps(), { token: `${token}x` }), InvalidVerificationLinkError);
    clock.advance(24 * 3_600_000);
    await assert.rejects(verifyEmail(deps(), { token }), InvalidVerificationLinkError);
    assert.equal((await db.store.getRequest(request.id))?.status, 'pending_verification');
  });

  test('no email once the request no longer waits for verification', async () => {
    const request = await anonymous('grace@fabrikam.com');
    await submitRequest(deps(), {
      email: 'grace@fabrikam.com',
      firstName: 'G',
      lastName: 'H',
      actor: 'token:admin',
      verified: true,
    });
    assert.equal((await db.store.getRequest(request.id))?.status, 'pending_approval', 'the admin vouched for it');
    await sendVerification(deps(), request.id);
    assert.equal(sent.length, 0);
  });

  test('asking twice: the second confirmation withdraws the duplicate instead of queuing it for approval', async () => {
    const first = await anonymous('twice@fabrikam.com');
    const second = await anonymous('twice@fabrikam.com');
    await sendVerification(deps(), first.id);
    await sendVerification(deps(), second.id);
    assert.equal((await verifyEmail(deps(), { token: tokenIn(sent[0]) })).outcome, 'verified');
    const duplicate = await verifyEmail(deps(), { token: tokenIn(sent[1]) });
    assert.equal(duplicate.outcome, 'duplicate');
    assert.equal(duplicate.request.status, 'withdrawn');
    assert.equal((await db.store.getRequest(first.id))?.status, 'pending_approval');
    const [, withdrawal] = await db.store.listAudit(second.id);
    assert.match(withdrawal?.reason ?? '', new RegExp(`Duplicate of request ${first.id}`));
  });

  test('the stored token is a hash: the database never holds the link', async () => {
    const request = await anonymous();
    await sendVerification(deps(), request.id);
    const token = tokenIn(sent[0]);
    assert.equal(await db.store.findVerificationToken(token), null);
  });
});
