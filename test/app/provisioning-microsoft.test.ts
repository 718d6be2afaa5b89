// `microsoft` mode: Graph sends the invitation email, so the one-email rule rests on
// never asking Graph to mail twice — a retry after a lost answer reads createdDateTime.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { transientError } from '../fakes/directory.ts';
import { type Harness, provisioningHarness } from './provisioning-harness.ts';

describe('provisioning (microsoft mode)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ invitationEmail: 'microsoft' });
  });
  afterEach(() => h.close());

  test('a new person: one POST that asks Graph to mail, with the custom message; Guestlist sends nothing', async () => {
    const id = await h.approved();
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.invites.length, 1);
    assert.equal(h.directory.invites[0]?.sendInvitationMessage, true);
    assert.equal(h.directory.invites[0]?.customMessage, 'Welcome to Project X');
    assert.deepEqual(h.directory.emails, ["o'brien@fabrikam.com"]);
    assert.equal(h.mail.length, 0);
  });

  for (const lagMs of [0, 45_000]) {
    test(`a lost answer (lag ${lagMs / 1000} s): the guest's createdDateTime shows Graph mailed them; no second email`, async () => {
      h.directory.lagMs = lagMs;
      const id = await h.approved();
      h.directory.failNext('invite', transientError(503), { afterEffect: true });
      await h.drain();
      assert.equal(await h.status(id), 'invited');
      assert.equal(h.directory.emails.length, 1, 'Graph mailed once');
      assert.ok(
        h.directory.invites.slice(1).every((invite) => !invite.sendInvitationMessage),
        'every later POST was silent',
      );
    });
  }

  test('a POST that failed before acting: the guest was created by our silent POST, so Graph is asked to mail', async () => {
    const id = await h.approved();
    h.directory.failNext('invite', transientError(503)); // no effect: nobody created, nobody mailed
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.deepEqual(h.directory.emails, ["o'brien@fabrikam.com"], 'exactly one email, not zero');
  });

  test('an existing guest who has not redeemed is mailed by Graph for this request', async () => {
    h.directory.addUser({ id: 'g1', mail: 'pending@fabrikam.com', createdAt: new Date('2025-01-01T00:00:00Z') });
    const id = await h.approved('pending@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.deepEqual(h.directory.emails, ['pending@fabrikam.com']);
  });

  for (const afterEffect of [true, false]) {
    test(`an existing guest whose mailing POST went unanswered (${afterEffect ? 'it mailed' : 'it did nothing'}): Graph is not asked again, and the history says so`, async () => {
      h.directory.addUser({ id: 'g1', mail: 'pending@fabrikam.com', createdAt: new Date('2025-01-01T00:00:00Z') });
      const id = await h.approved('pending@fabrikam.com');
      h.directory.failNext('invite', transientError(503), { afterEffect });
      await h.drain();
      assert.equal(await h.status(id), 'invited');
      assert.equal(h.directory.emails.length, afterEffect ? 1 : 0, 'at most one email: never two');
      const note = (await h.db.store.listAudit(id)).find((entry) => entry.action === 'invitation_email_uncertain');
      assert.match(note?.reason ?? '', /not known whether the email went.*Resend/);
    });
  }
});
