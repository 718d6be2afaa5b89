// Defects an independent review found in the provisioning chain, each a scenario that
// failed before its fix: an admin retry after a failed grant, a row from before the change,
// microsoft mode under clock skew and slow calls, confirmed matches, resends.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { GROUP_A, GROUP_B, type Harness, provisioningHarness } from './provisioning-harness.ts';

describe('review: admin retry after a failed grant', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ groupIds: [GROUP_A, GROUP_B] });
  });
  afterEach(() => h.close());

  test('a grant refused for good fails the request; an admin retry resumes the chain (grant, invited, one email)', async () => {
    const id = await h.approved();
    // Group B refuses (e.g. a dynamic group, or a missing permission the admin then grants).
    h.directory.failNext(
      'addToGroup',
      new DirectoryError({
        message: 'Insufficient privileges to complete the operation.',
        transient: false,
        graphCode: 'Request_BadRequest',
        httpStatus: 400,
      }),
      { times: 1 },
    );
    await h.drain();
    assert.equal(await h.status(id), 'failed');
    assert.equal(h.directory.invites.length, 1);
    const { retryRequest } = await import('../../src/app/retry-request.ts');
    await retryRequest(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    await h.drain();
    const jobs = (await h.db.jobs.listJobs(id)).map((j) => j.kind);
    assert.equal(await h.status(id), 'invited', `stuck; jobs left: ${JSON.stringify(jobs)}`);
    assert.equal(h.directory.invites.length, 1, 'no second POST');
    assert.equal(h.mail.length, 1, 'exactly one invitation email');
  });
});

describe('review: a request from before the change (provisioning, directoryUserId set, no progress row)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ groupIds: [GROUP_A] });
  });
  afterEach(() => h.close());

  test('carries on to invited keeping the redeem URL the old code recorded, without a second email (Microsoft mailed it)', async () => {
    const { id } = await h.legacyProvisioningRow();
    assert.equal((await h.db.store.getProgress(id)).directoryUserState, null, 'no progress row');
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'invited');
    const note = (await h.db.store.listAudit(id)).find((e) => e.action === 'invite')?.reason;
    assert.equal(
      request?.redeemUrl,
      'https://redeem.test/legacy-user/old',
      `the recorded redeem URL was wiped; history says: ${note}; emails sent: ${h.mail.length}`,
    );
    assert.equal(h.mail.length, 0, 'the old default had Microsoft mail it; Guestlist does not mail again');
  });
});

describe('review: microsoft mode, deciding from createdDateTime whether the lost call mailed', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ invitationEmail: 'microsoft' });
  });
  afterEach(() => h.close());

  test("Entra's clock 6 s behind this server: a lost answer still gets one Microsoft email, not two", async () => {
    const original = h.directory.invite.bind(h.directory);
    h.directory.invite = async (input) => {
      const known = new Set(h.directory.users.keys());
      try {
        return await original(input);
      } finally {
        for (const [id, user] of h.directory.users) {
          if (!known.has(id) && user.createdAt) user.createdAt = new Date(user.createdAt.getTime() - 6000);
        }
      }
    };
    const id = await h.approved();
    const { transientError } = await import('../fakes/directory.ts');
    h.directory.failNext('invite', transientError(503), { afterEffect: true });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.emails.length, 1, `Graph was asked to mail ${h.directory.emails.length} times`);
  });

  test('a slow POST that created the guest just before its 30 s timeout: one Microsoft email, not two', async () => {
    h.directory.lagMs = 10_000;
    const original = h.directory.invite.bind(h.directory);
    let first = true;
    h.directory.invite = async (input) => {
      if (first) {
        first = false;
        h.clock.advance(29_900); // Graph took its time; the guest is created at the end of the call
      }
      return original(input);
    };
    const id = await h.approved();
    const { transientError } = await import('../fakes/directory.ts');
    h.directory.failNext('invite', transientError(504), { afterEffect: true });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.emails.length, 1, `Graph was asked to mail ${h.directory.emails.length} times`);
  });
});

describe('review: the admin-confirmed match is the user provisioned', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ groupIds: [GROUP_A] });
  });
  afterEach(() => h.close());

  test('confirming the second of two pending guests grants that guest, not whichever one POST /invitations returns', async () => {
    h.directory.addUser({ id: 'by-mail', mail: 'pat@fabrikam.com' });
    h.directory.addUser({ id: 'chosen', mail: 'pat.other@other.com', otherMails: ['pat@fabrikam.com'] });
    const id = await h.approved('pat@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'needs_confirmation');
    const { confirmMatch } = await import('../../src/app/confirm-match.ts');
    await confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'admin' }, choice: { userId: 'chosen' } });
    await h.drain();
    const done = await h.db.store.getRequest(id);
    assert.equal(done?.status, 'invited');
    assert.equal(done?.directoryUserId, 'chosen', 'the admin chose "chosen"; the request recorded another user');
    assert.ok(!h.directory.groups.get(GROUP_A)?.has('by-mail'), 'the user the admin did not choose got the group');
  });

  test('"invite as new guest" does not grant the otherMails user the admin declined', async () => {
    h.directory.addUser({ id: 'om', mail: 'x@other.com', otherMails: ['pat@fabrikam.com'] });
    const id = await h.approved('pat@fabrikam.com');
    await h.drain();
    const { confirmMatch } = await import('../../src/app/confirm-match.ts');
    await confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'admin' }, choice: { inviteAsNewGuest: true } });
    await h.drain();
    const done = await h.db.store.getRequest(id);
    // Graph (here, the fake) answers the invitation with the declined user: the request stops.
    assert.notEqual(done?.directoryUserId, 'om', 'the declined otherMails user was recorded');
    assert.ok(!h.directory.groups.get(GROUP_A)?.has('om'), 'the declined otherMails user was granted');
    assert.equal(done?.status, 'failed');
  });
});

describe('review: two admins confirming a match at once', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ groupIds: [GROUP_A] });
  });
  afterEach(() => h.close());

  test('the choice provisioned is the one the history records as the decision (the loser gets 409 and changes nothing)', async () => {
    h.directory.addUser({ id: 'x', mail: 'pat@fabrikam.com', externalUserState: 'Accepted' });
    h.directory.addUser({
      id: 'y',
      mail: 'y@other.com',
      otherMails: ['pat@fabrikam.com'],
      externalUserState: 'Accepted',
    });
    const id = await h.approved('pat@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'needs_confirmation');
    const { confirmMatch } = await import('../../src/app/confirm-match.ts');
    const results = await Promise.allSettled([
      confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'alice' }, choice: { userId: 'x' } }),
      confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'bob' }, choice: { userId: 'y' } }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], 'one decision, one 409');
    const decision = (await h.db.store.listAudit(id)).find((e) => e.action === 'confirm_match');
    const winner = decision?.actor === 'token:alice' ? 'x' : 'y';
    await h.drain();
    const done = await h.db.store.getRequest(id);
    assert.equal(
      done?.directoryUserId,
      winner,
      `history: ${decision?.actor} "${decision?.reason}"; provisioned ${done?.directoryUserId}`,
    );
  });
});

describe('review: resend in microsoft mode under at-least-once delivery', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ invitationEmail: 'microsoft' });
  });
  afterEach(() => h.close());

  test('the resend POST succeeded but recording it failed (database hiccup / crash): the retried job does not ask Microsoft to mail again', async () => {
    await h.invitedThenResent();
    assert.equal(h.directory.emails.length, 1, 'the first invitation, by Microsoft');
    const store = h.db.store as { recordProgress: typeof h.db.store.recordProgress };
    const original = store.recordProgress.bind(store);
    let failOnce = true;
    store.recordProgress = async (input) => {
      if (failOnce && input.audit?.action === 'resend_invitation') {
        failOnce = false;
        throw new Error('connection terminated'); // or the worker died right here
      }
      return original(input);
    };
    await h.drain();
    assert.equal(
      h.directory.emails.length,
      2,
      `one resend asked Microsoft to mail ${h.directory.emails.length - 1} times`,
    );
  });
});

describe('review: a resend racing the original invitation email (guestlist mode)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness();
  });
  afterEach(() => h.close());

  test('the email that answers the resend carries the new redeem URL', async () => {
    const id = await h.approved();
    // Run provision and grant, leaving the original send_invitation job unrun.
    await h.worker.runOnce();
    await h.worker.runOnce();
    assert.equal(await h.status(id), 'invited');
    const oldUrl = (await h.db.store.getRequest(id))!.redeemUrl;
    const { resendInvitation, resendInvitationJob } = await import('../../src/app/resend-invitation.ts');
    const { sendInvitation } = await import('../../src/app/send-invitation.ts');
    // The original email job reads the request; the admin's resend commits before it reads the history.
    const racing = Object.create(h.db.store) as typeof h.db.store;
    let once = true;
    racing.listAudit = async (requestId) => {
      if (once) {
        once = false;
        await resendInvitation(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
        await resendInvitationJob(
          {
            ...h.deps,
            directory: h.directory,
            logger: { debug() {}, info() {}, warn() {}, error() {} },
            settings: {
              redirectUrl: 'https://app.contoso.com',
              invitationEmail: 'guestlist',
              groupIds: [],
              redemptionCheckFirstMs: 300_000,
              notFoundWindowMs: 900_000,
            },
          },
          id,
        );
      }
      return h.db.store.listAudit(requestId);
    };
    await sendInvitation(
      {
        ...h.deps,
        store: racing,
        mailer: { send: async (m) => void h.mail.push(m) },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        branding: { organizationName: 'Contoso', appName: 'Project X' },
      },
      id,
    );
    await h.drain();
    const newUrl = (await h.db.store.getRequest(id))!.redeemUrl!;
    assert.notEqual(newUrl, oldUrl);
    const last = h.mail.at(-1)!;
    assert.ok(
      last.text.includes(newUrl),
      `${h.mail.length} email(s); the last says "use this new link rather than any earlier one" but carries the superseded ${oldUrl}`,
    );
  });
});
