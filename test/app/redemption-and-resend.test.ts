// After the invitation: the redemption check (externalUserState first, lag, expiry) and an
// admin's resend (a new redeem URL and exactly one new email).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { checkRedemption } from '../../src/app/check-redemption.ts';
import { resendInvitation } from '../../src/app/resend-invitation.ts';
import { transientError } from '../fakes/directory.ts';
import { type Harness, provisioningHarness, silent } from './provisioning-harness.ts';

describe('redemption check', () => {
  let h: Harness;
  let check: Parameters<typeof checkRedemption>[0];
  beforeEach(async () => {
    h = await provisioningHarness();
    check = {
      ...h.deps,
      directory: h.directory,
      logger: silent,
      schedule: { firstMs: 300_000, maxMs: 6 * 3_600_000 },
      expiryMs: 30 * 86_400_000,
      notFoundWindowMs: 15 * 60_000,
    };
  });
  afterEach(() => h.close());

  async function invited() {
    const id = await h.approved();
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    const request = (await h.db.store.getRequest(id))!;
    return { id, user: h.directory.users.get(request.directoryUserId!)! };
  }

  test('pending: look again, backing off with age; an error means later; Accepted activates', async () => {
    const { id, user } = await invited();
    assert.equal((await checkRedemption(check, id))?.getTime(), h.clock.now().getTime() + 300_000);
    h.clock.advance(4 * 3_600_000);
    assert.equal((await checkRedemption(check, id))?.getTime(), h.clock.now().getTime() + 3_600_000);
    h.directory.failNext('getUser', transientError(429));
    assert.ok(await checkRedemption(check, id));
    user.externalUserState = 'Accepted';
    assert.equal(await checkRedemption(check, id), null);
    assert.equal(await h.status(id), 'active');
  });

  test('externalUserState null on a guest counts as redeemed; PendingAcceptance on a member does not', async () => {
    const { id, user } = await invited();
    user.userType = 'Member';
    assert.ok(await checkRedemption(check, id), 'a B2B member can be pending');
    assert.equal(await h.status(id), 'invited');
    user.userType = 'Guest';
    user.externalUserState = null;
    assert.equal(await checkRedemption(check, id), null);
    assert.equal(await h.status(id), 'active');
  });

  test('a 404 within the not-found window is replication lag, not a deleted guest; after it, revoked', async () => {
    const { id, user } = await invited();
    h.directory.users.delete(user.id);
    assert.ok(await checkRedemption(check, id));
    assert.equal(await h.status(id), 'invited');
    h.clock.advance(16 * 60_000);
    assert.equal(await checkRedemption(check, id), null);
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'revoked');
    assert.match(request?.reason ?? '', /no longer exists/);
  });

  test('not redeemed within 30 days: expired, and says the person can ask again', async () => {
    const { id } = await invited();
    const invitedAt = h.clock.now().getTime();
    h.clock.advance(29 * 86_400_000);
    const seen: number[] = [];
    for (let again = await checkRedemption(check, id); again; again = await checkRedemption(check, id)) {
      seen.push(again.getTime());
      assert.ok(seen.length < 20, 'the checks end');
      h.clock.set(again.toISOString());
    }
    assert.equal(seen.at(-1), invitedAt + 30 * 86_400_000, 'the last check lands on the deadline, not after it');
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'expired');
    assert.match(request?.reason ?? '', /not redeemed within 30 days.*ask for access again/);
  });
});

describe('resend invitation', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness();
  });
  afterEach(() => h.close());

  test('a new redeem URL and exactly one new email, both in the history; repeated jobs add nothing', async () => {
    const id = await h.approved();
    await h.drain();
    const first = (await h.db.store.getRequest(id))!.redeemUrl;
    await resendInvitation(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    await h.drain();
    await h.drain();
    const request = (await h.db.store.getRequest(id))!;
    assert.notEqual(request.redeemUrl, first);
    assert.equal(h.mail.length, 2);
    assert.ok(h.mail[1]!.text.includes(request.redeemUrl!));
    assert.match(h.mail[1]!.text, /new invitation link/);
    assert.equal(h.directory.invites.length, 2);
    assert.equal(h.directory.emails.length, 0);
    const actions = (await h.db.store.listAudit(id)).map((entry) => entry.action);
    assert.deepEqual(actions.slice(-2), ['resend_requested', 'resend_invitation']);
    // The job delivered again (at-least-once): it finds its ask answered.
    await h.db.store.recordProgress({
      requestId: id,
      expectedStatus: ['invited'],
      at: h.clock.now(),
      jobs: [{ kind: 'resend_invitation', requestId: id, runAt: h.clock.now() }],
    });
    await h.drain();
    assert.equal(h.directory.invites.length, 2);
    assert.equal(h.mail.length, 2);
  });

  test('a guest who redeemed before the resend ran is activated, not reset to redeem again', async () => {
    const id = await h.approved();
    await h.drain();
    await resendInvitation(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    h.directory.users.get((await h.db.store.getRequest(id))!.directoryUserId!)!.externalUserState = 'Accepted';
    await h.drain();
    assert.equal(await h.status(id), 'active');
    assert.equal(h.directory.invites.length, 1, 'no resetRedemption POST for a redeemed guest');
    assert.equal(h.mail.length, 1);
  });

  test('only an invited request can be resent (409), and an unknown id is a 404', async () => {
    const id = await h.approved();
    await assert.rejects(resendInvitation(h.deps, { id, actor: { kind: 'token', name: 'admin' } }), {
      code: 'not_invited',
    });
    await assert.rejects(
      resendInvitation(h.deps, { id: crypto.randomUUID(), actor: { kind: 'token', name: 'admin' } }),
      {
        code: 'not_found',
      },
    );
  });

  test('microsoft mode: the resend asks Graph to mail once; a lost answer is not repeated blindly', async () => {
    await h.close();
    h = await provisioningHarness({ invitationEmail: 'microsoft' });
    const id = await h.approved();
    await h.drain();
    await resendInvitation(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    h.directory.failNext('invite', transientError(503), { afterEffect: true });
    await h.drain();
    assert.equal(h.directory.emails.length, 2, 'the first invitation and the one resend');
    const last = (await h.db.store.listAudit(id)).at(-1);
    assert.match(last?.reason ?? '', /may or may not have been sent/);
  });
});
