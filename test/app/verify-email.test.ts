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
    mailer: {
      send: async (m: MailMessage) => {
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('Connection refused'), { code: 'ECONNECTION' });
        }
        sent.push(m);
      },
    },
    settings,
    branding: { organizationName: 'Contoso', appName: 'Project X' },
  });
  let failNext = false;
  const tokenIn = (message: MailMessage | undefined, nth = 0) =>
    decodeURIComponent([...(message?.text ?? '').matchAll(/\/verify\?token=([^\s]+)/g)][nth]?.[1] ?? '');

  async function anonymous(email = 'ada@fabrikam.com') {
    return submitRequest(deps(), {
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      actor: { kind: 'requester' },
      verified: false,
    });
  }

  test('an anonymous submission queues the email; the link confirms the address once', async () => {
    const request = await anonymous();
    assert.deepEqual((await db.jobs.listJobs(request.id)).map((job) => job.kind).sort(), [
      'expire_verification',
      'send_verification',
    ]);
    assert.equal(await sendVerification(deps(), request.id), null, 'sent: nothing to run again');
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0]?.to, ['ada@fabrikam.com']);
    assert.match(sent[0]!.text, /^Hello,\n/);
    // The owner sees what they would confirm: who asks, for what, with which names.
    assert.match(sent[0]!.text, /asked Contoso for access to Project X/);
    assert.match(sent[0]!.text, /Request for: Ada Lovelace\n/);
    assert.match(sent[0]!.text, /https:\/\/guestlist\.contoso\.com\/verify\?token=glv_/);
    assert.match(sent[0]!.text, /See or withdraw this request: https:\/\/guestlist\.contoso\.com\/status\?token=gls_/);
    assert.match(sent[0]!.html ?? '', /Ada Lovelace/);
    assert.match(sent[0]!.text, /24 hours/);
    const token = tokenIn(sent[0]);

    const first = await verifyEmail(deps(), { token });
    assert.equal(first.outcome, 'verified');
    assert.equal(first.request.status, 'pending_approval');
    const again = await verifyEmail(deps(), { token });
    assert.equal(again.outcome, 'under_way');
    const audit = await db.store.listAudit(request.id);
    assert.deepEqual(
      audit.map((entry) => `${entry.actor}:${entry.action}:${entry.toStatus}`),
      // Confirming begins the first approval stage (app/begin-approval.ts), once.
      [
        'requester:submit:pending_verification',
        'requester:verify:pending_approval',
        'policy:stages:stage_begun:pending_approval',
      ],
    );
  });

  test('a send the mail server refused uses up no slot: the retry goes at once, and a repeated job mails nobody', async () => {
    const request = await anonymous();
    failNext = true;
    await assert.rejects(sendVerification(deps(), request.id), /Connection refused/);
    assert.equal(await sendVerification(deps(), request.id), null);
    assert.equal(sent.length, 1, 'the retry sent the email');
    assert.equal(await sendVerification(deps(), request.id), null);
    assert.equal(sent.length, 1, 'the job run again finds the request mailed');
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
    const admins = await submitRequest(deps(), {
      email: 'grace@fabrikam.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      actor: { kind: 'token', name: 'admin' },
      verified: true,
    });
    assert.equal(admins.status, 'pending_approval');
    assert.equal(admins.firstName, 'Grace', "the admin's names, not the anonymous submitter's");
    assert.equal((await db.store.getRequest(request.id))?.status, 'withdrawn', "superseded by the admin's request");
    await sendVerification(deps(), request.id);
    assert.equal(sent.length, 0);
  });

  test('asking twice: one email carries both, each link its own request, and the confirmed one supersedes the other', async () => {
    const first = await anonymous('twice@fabrikam.com');
    clock.advance(1000);
    const second = await anonymous('twice@fabrikam.com');
    await sendVerification(deps(), first.id);
    assert.equal(await sendVerification(deps(), second.id), null, "the first email carried the second request's link");
    assert.equal(sent.length, 1, 'one email for both');
    assert.equal(
      (await verifyEmail(deps(), { token: tokenIn(sent[0], 1) })).request.id,
      second.id,
      'the second link confirms the second request',
    );
    assert.equal((await db.store.getRequest(first.id))?.status, 'withdrawn');
  });

  test('the first request confirmed supersedes the other', async () => {
    const first = await anonymous('twice@fabrikam.com');
    clock.advance(1000);
    const second = await anonymous('twice@fabrikam.com');
    await sendVerification(deps(), first.id);
    assert.equal((await verifyEmail(deps(), { token: tokenIn(sent[0]) })).outcome, 'verified');
    assert.equal((await db.store.getRequest(second.id))?.status, 'withdrawn');
    const [, withdrawal] = await db.store.listAudit(second.id);
    assert.match(withdrawal?.reason ?? '', new RegExp(`Superseded by request ${first.id}`));

    clock.advance(16 * 60_000);
    const later = await anonymous('twice@fabrikam.com');
    await sendVerification(deps(), later.id);
    const duplicate = await verifyEmail(deps(), { token: tokenIn(sent[1]) });
    assert.equal(duplicate.outcome, 'duplicate', 'the first request is already waiting for a decision');
    assert.equal(duplicate.request.status, 'withdrawn');
    assert.equal((await db.store.getRequest(first.id))?.status, 'pending_approval');
  });

  test('a link to a closed request says so', async () => {
    const request = await anonymous('closed@fabrikam.com');
    await sendVerification(deps(), request.id);
    await submitRequest(deps(), {
      email: 'closed@fabrikam.com',
      firstName: 'C',
      lastName: 'D',
      actor: { kind: 'token', name: 'admin' },
      verified: true,
    });
    assert.equal((await verifyEmail(deps(), { token: tokenIn(sent[0]) })).outcome, 'closed');
  });

  test('a failed request is still open: its link says it is under way, and a new request for the address is the duplicate', async () => {
    const { changeStatus } = await import('../../src/app/change-status.ts');
    const request = await anonymous('failed@fabrikam.com');
    await sendVerification(deps(), request.id);
    const verified = await verifyEmail(deps(), { token: tokenIn(sent[0]) });
    let current = verified.request;
    for (const event of [
      { type: 'approve' },
      { type: 'start_provisioning' },
      { type: 'fail', reason: 'Graph said no' },
    ] as const) {
      current = await changeStatus(deps(), { request: current, event, actor: { kind: 'token', name: 'test' } });
    }
    assert.equal(current.status, 'failed');
    // The old link: not "closed, ask again" (the organization has been told; an admin retries).
    assert.equal((await verifyEmail(deps(), { token: tokenIn(sent[0]) })).outcome, 'under_way');
    // Asking again anyway: the new request gives way to the failed one, and says so.
    clock.advance(15 * 60_000);
    const again = await anonymous('failed@fabrikam.com');
    await sendVerification(deps(), again.id);
    const second = await verifyEmail(deps(), { token: tokenIn(sent[1]) });
    assert.equal(second.outcome, 'duplicate');
    assert.equal((await db.store.getRequest(request.id))?.status, 'failed');
  });

  test('the stored token is a hash: the database never holds the link', async () => {
    const request = await anonymous();
    await sendVerification(deps(), request.id);
    const token = tokenIn(sent[0]);
    assert.equal(await db.store.findVerificationToken(token), null);
  });
});
