// Provisioning as a chain of jobs against an Entra that behaves like Entra: replication
// lag, lost answers, throttling. Each scenario checks the one-invitation-email rule and
// that no recorded invitation is ever posted again.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { transientError } from '../fakes/directory.ts';
import { testJobDeps } from '../jobs/job-deps.ts';
import { GROUP_A, GROUP_B, type Harness, provisioningHarness } from './provisioning-harness.ts';

const throttled = () =>
  new DirectoryError({
    message: 'slow down',
    transient: true,
    graphCode: 'TooManyRequests',
    httpStatus: 429,
    retryAfterMs: 2000,
  });

describe('provisioning (guestlist mode)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ groupIds: [GROUP_A, GROUP_B] });
  });
  afterEach(() => h.close());

  test('a new person: one silent POST, both groups, invited, then exactly one email from Guestlist', async () => {
    const id = await h.approved();
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'invited');
    assert.equal(h.directory.invites.length, 1);
    assert.equal(h.directory.invites[0]?.sendInvitationMessage, false, 'Graph never mails in guestlist mode');
    assert.deepEqual(h.directory.emails, []);
    for (const group of [GROUP_A, GROUP_B]) assert.ok(h.directory.groups.get(group)?.has(request!.directoryUserId!));
    assert.equal(h.mail.length, 1);
    const [email] = h.mail;
    assert.deepEqual(email?.to, ["o'brien@fabrikam.com"]);
    assert.match(email!.subject, /Contoso invites you to Project X/);
    assert.ok(email!.text.includes(request!.redeemUrl!), 'the redeem URL is in the text part');
    assert.match(email!.text, /consent/);
    assert.match(email!.text, /Welcome to Project X/);
    assert.ok(email!.html?.includes('href="https://redeem.test/'), 'and a link in the HTML part');
    const progress = await h.db.store.getProgress(id);
    assert.equal(progress.invitationEmailsSent, 1);
    assert.deepEqual(progress.grantedGroupIds, [GROUP_A, GROUP_B]);
    const jobs = await h.db.jobs.listJobs(id);
    assert.deepEqual(
      jobs.map((job) => job.kind),
      ['check_redemption'],
    );
  });

  test('8 s of replication lag: the group add 404s, is retried, and the request is invited (not failed)', async () => {
    h.directory.lagMs = 8000;
    const ids = [await h.approved('a@fabrikam.com'), await h.approved('b@fabrikam.com')];
    await h.drain();
    for (const id of ids) assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.invites.length, 2, 'one POST per person: a failed grant never re-invites');
    assert.ok(h.directory.groupAdds.length > 4, 'the adds were retried while Entra answered 404');
    assert.equal(h.mail.length, 2);
  });

  test('a 404 that outlasts the not-found window fails the request with what Entra answered', async () => {
    h.directory.lagMs = 60 * 60_000; // an hour: longer than the 15-minute window
    const id = await h.approved();
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'failed');
    assert.match(request?.reason ?? '', /404 Request_ResourceNotFound .*does not exist.*15 min/);
    assert.equal(h.directory.invites.length, 1);
    assert.equal(h.mail.length, 0, 'no invitation email for a request that failed');
  });

  test('an admin retry after a grant failed for good goes back to the grants, without inviting again', async () => {
    h.directory.lagMs = 60 * 60_000;
    const id = await h.approved();
    await h.drain();
    assert.equal(await h.status(id), 'failed');
    h.directory.lagMs = 0; // replicated at last
    const { retryRequest } = await import('../../src/app/retry-request.ts');
    await retryRequest(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.invites.length, 1, 'the recorded guest is not invited again');
    assert.equal(h.mail.length, 1);
  });

  test('a grant job delivered twice makes one transition and one email', async () => {
    const id = await h.approved();
    await h.worker.runOnce(); // provision: records the user with the grant job
    await h.db.store.recordProgress({
      requestId: id,
      expectedStatus: ['provisioning'],
      at: h.clock.now(),
      jobs: [{ kind: 'grant_access', requestId: id, runAt: h.clock.now() }],
    });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.mail.length, 1);
    const invites = (await h.db.store.listAudit(id)).filter((entry) => entry.action === 'invite');
    assert.equal(invites.length, 1);
  });

  test('a 404 that names the group (a deleted or mistyped group id) fails at once, saying so: no lag wait', async () => {
    const id = await h.approved();
    h.directory.failNext(
      'addToGroup',
      new DirectoryError({
        message: `Resource '${GROUP_A}' does not exist or one of its queried reference-property objects are not present.`,
        transient: false,
        graphCode: 'Request_ResourceNotFound',
        httpStatus: 404,
      }),
    );
    const start = h.clock.now().getTime();
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'failed');
    assert.match(request?.reason ?? '', new RegExp(`group ${GROUP_A} \\(GUESTLIST_GROUP_IDS\\) does not exist`));
    assert.equal(h.clock.now().getTime(), start, 'no back-off: it was never lag');
  });

  test('a failed group grant retries the grant, never the invitation; the granted group is not added twice', async () => {
    const id = await h.approved();
    h.directory.failNext('addToGroup', transientError(503), { times: 3 });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.invites.length, 1);
    const addsB = h.directory.groupAdds.filter((add) => add.groupId === GROUP_B).length;
    const addsA = h.directory.groupAdds.filter((add) => add.groupId === GROUP_A).length;
    assert.equal(addsA, 4, 'group A: three failures, then success');
    assert.equal(addsB, 1, 'group B once');
  });

  test('a lost answer under 45 s of lag: one silent POST more recovers the redeem URL; still one email', async () => {
    h.directory.lagMs = 45_000;
    const id = await h.approved();
    const start = h.clock.now().getTime();
    h.directory.failNext('invite', transientError(503), { afterEffect: true });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.deepEqual(
      h.directory.invites.map((invite) => invite.sendInvitationMessage),
      [false, false],
    );
    assert.equal(h.directory.users.size, 1);
    assert.equal(h.mail.length, 1);
    const grantedAt = (await h.db.store.listAudit(id)).find((entry) => entry.action === 'invite')!.at.getTime();
    assert.ok(grantedAt - start >= 45_000, 'the group add waited out the lag');
  });

  test('a POST that did nothing (503 before effect) is posted again', async () => {
    const id = await h.approved();
    h.directory.failNext('invite', transientError(503));
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.invites.length, 1, 'the failed POST is not counted by the fake: it never acted');
    assert.equal(h.mail.length, 1);
  });

  test('while Graph holds invitations back, provisioning waits before looking anyone up', async () => {
    const id = await h.approved();
    let heldFor = 3000;
    h.directory.invitationsHeldForMs = () => heldFor;
    await h.worker.runOnce();
    assert.equal(await h.status(id), 'approved', 'nothing written');
    const [job] = await h.db.jobs.listJobs(id);
    assert.equal(job?.attempts, 0);
    assert.ok(job!.runAt.getTime() >= h.clock.now().getTime() + 3000);
    heldFor = 0;
    await h.drain();
    assert.equal(await h.status(id), 'invited');
  });

  test('a 429 on POST /invitations is retried after Retry-After', async () => {
    const id = await h.approved();
    const start = h.clock.now().getTime();
    h.directory.failNext('invite', throttled());
    await h.drain({ horizonMs: 60_000 });
    assert.equal(await h.status(id), 'invited');
    assert.ok(h.clock.now().getTime() - start >= 2000, 'not before Retry-After');
    assert.ok(h.clock.now().getTime() - start < 10_000, 'and soon after it');
  });

  test('an email job delivered again after its email was recorded mails no one', async () => {
    const id = await h.approved();
    await h.drain();
    assert.equal(h.mail.length, 1);
    // The job ran again (at-least-once delivery): it finds the email recorded.
    await h.db.store.recordProgress({
      requestId: id,
      expectedStatus: ['invited'],
      at: h.clock.now(),
      jobs: [{ kind: 'send_invitation', requestId: id, runAt: h.clock.now() }],
    });
    await h.drain();
    assert.equal(h.mail.length, 1);
  });

  test('an invitation email that cannot be sent is retried, then shows on the request', async () => {
    const id = await h.approved();
    h.failMail(100);
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    const progress = await h.db.store.getProgress(id);
    // The approval notice failed too; whichever gave up last is the request's mailError.
    assert.match(progress.mailError ?? '', /could not be sent: ECONNECTION/);
    const audit = await h.db.store.listAudit(id);
    assert.ok(
      audit.some(
        (entry) =>
          entry.action === 'mail_failed' &&
          /The invitation email could not be sent: ECONNECTION/.test(entry.reason ?? ''),
      ),
    );
  });

  test('an existing guest who has not redeemed gets an invitation email for this request', async () => {
    h.directory.addUser({
      id: 'g1',
      mail: 'pending@fabrikam.com',
      displayName: 'P',
      externalUserState: 'PendingAcceptance',
    });
    const id = await h.approved('pending@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal((await h.db.store.getRequest(id))?.directoryUserId, 'g1');
    assert.equal(h.directory.invites[0]?.sendInvitationMessage, false);
    assert.equal(h.mail.length, 1, 'today they would never receive a link');
  });

  test('a redeemed guest (Accepted, or null on a guest) and a member are granted and active, with no invitation', async () => {
    h.directory.addUser({ id: 'g2', mail: 'done@fabrikam.com', externalUserState: 'Accepted' });
    h.directory.addUser({ id: 'g3', mail: 'old@fabrikam.com', externalUserState: null });
    h.directory.addUser({
      id: 'm1',
      userType: 'Member',
      mail: null,
      userPrincipalName: 'staff@contoso.com',
      externalUserState: null,
    });
    for (const [email, userId] of [
      ['done@fabrikam.com', 'g2'],
      ['old@fabrikam.com', 'g3'],
      ['staff@contoso.com', 'm1'],
    ] as const) {
      const id = await h.approved(email);
      await h.drain();
      const request = await h.db.store.getRequest(id);
      assert.equal(request?.status, 'active', email);
      assert.equal(request?.directoryUserId, userId);
      assert.ok(h.directory.groups.get(GROUP_A)?.has(userId));
    }
    assert.equal(h.directory.invites.length, 0);
    assert.equal(h.mail.length, 0);
  });

  test('a B2B member still PendingAcceptance is invited, not activated', async () => {
    h.directory.addUser({
      id: 'b2b',
      userType: 'Member',
      mail: 'b2b@fabrikam.com',
      externalUserState: 'PendingAcceptance',
    });
    const id = await h.approved('b2b@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'invited');
  });

  test('an address found only in proxyAddresses is the person (Microsoft documents that query)', async () => {
    h.directory.addUser({
      id: 'px',
      mail: 'other@fabrikam.com',
      proxyAddresses: ['SMTP:other@fabrikam.com', 'smtp:alias@fabrikam.com'],
      externalUserState: 'Accepted',
    });
    const id = await h.approved('alias@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'active');
    assert.equal((await h.db.store.getRequest(id))?.directoryUserId, 'px');
  });

  for (const [name, setup, why] of [
    [
      'only through otherMails',
      (h: Harness) => h.directory.addUser({ id: 'om', mail: 'x@other.com', otherMails: ['pat@fabrikam.com'] }),
      /otherMails/,
    ],
    [
      'through several users',
      (h: Harness) => {
        h.directory.addUser({ id: 'u1', mail: 'pat@fabrikam.com' });
        h.directory.addUser({ id: 'u2', mail: 'y@other.com', otherMails: ['pat@fabrikam.com'] });
      },
      /2 directory users/,
    ],
    [
      'on a disabled account',
      (h: Harness) => h.directory.addUser({ id: 'off', mail: 'pat@fabrikam.com', accountEnabled: false }),
      /disabled/,
    ],
  ] as const) {
    test(`a match ${name} waits for an admin, who confirms it`, async () => {
      setup(h);
      const id = await h.approved('pat@fabrikam.com');
      await h.drain();
      const request = await h.db.store.getRequest(id);
      assert.equal(request?.status, 'needs_confirmation');
      assert.match(request?.reason ?? '', why);
      assert.equal(h.directory.invites.length, 0);
      assert.equal(h.directory.groupAdds.length, 0, 'nothing granted automatically');
      const candidates = (await h.db.store.getProgress(id)).matchCandidates ?? [];
      assert.ok(candidates.length >= 1);
      const { confirmMatch } = await import('../../src/app/confirm-match.ts');
      await assert.rejects(
        confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'admin' }, choice: { userId: 'not-a-candidate' } }),
        /not one of the users/,
      );
      await confirmMatch(h.deps, {
        id,
        actor: { kind: 'token', name: 'admin' },
        choice: { userId: candidates[0]!.user.id },
      });
      await h.drain();
      const done = await h.db.store.getRequest(id);
      assert.equal(done?.directoryUserId, candidates[0]!.user.id);
      assert.equal(done?.status, 'invited');
    });
  }

  test('a confirmed user deleted before provisioning: failed, saying so, and a retry looks the person up again', async () => {
    h.directory.addUser({ id: 'u1', mail: 'pat@fabrikam.com' });
    h.directory.addUser({ id: 'u2', mail: 'y@other.com', otherMails: ['pat@fabrikam.com'] });
    const id = await h.approved('pat@fabrikam.com');
    await h.drain();
    const { confirmMatch } = await import('../../src/app/confirm-match.ts');
    await confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'admin' }, choice: { userId: 'u2' } });
    h.directory.users.delete('u2');
    await h.drain();
    const failed = await h.db.store.getRequest(id);
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.reason ?? '', /confirmed \(u2\) no longer exists; retry to look the person up again/);
    const { retryRequest } = await import('../../src/app/retry-request.ts');
    await retryRequest(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    await h.drain();
    assert.equal((await h.db.store.getRequest(id))?.directoryUserId, 'u1', 'the one holder left, found by mail');
    assert.equal(await h.status(id), 'invited');
  });

  test('an admin may instead invite the address as a new guest', async () => {
    // A disabled account holds the address as a proxy address (the invitation service does not
    // match it there, so a new guest is created).
    h.directory.addUser({
      id: 'off',
      mail: 'old@fabrikam.com',
      proxyAddresses: ['smtp:pat@fabrikam.com'],
      accountEnabled: false,
    });
    const id = await h.approved('pat@fabrikam.com');
    await h.drain();
    assert.equal(await h.status(id), 'needs_confirmation');
    const { confirmMatch } = await import('../../src/app/confirm-match.ts');
    await confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'admin' }, choice: { inviteAsNewGuest: true } });
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'invited');
    assert.notEqual(request?.directoryUserId, 'off');
    assert.equal(h.directory.invites.length, 1);
  });

  test('invite-as-new when Graph still returns the declined user: failed, saying why, and nobody granted', async () => {
    h.directory.addUser({ id: 'om', mail: 'x@other.com', otherMails: ['pat@fabrikam.com'] });
    const id = await h.approved('pat@fabrikam.com');
    await h.drain();
    const { confirmMatch } = await import('../../src/app/confirm-match.ts');
    await confirmMatch(h.deps, { id, actor: { kind: 'token', name: 'admin' }, choice: { inviteAsNewGuest: true } });
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'failed');
    assert.match(request?.reason ?? '', /returned user om, whom an admin declined/);
    assert.equal(h.directory.groupAdds.length, 0);
  });

  test("an address on the tenant's verified domain is never invited, and the reason says why", async () => {
    const id = await h.approved('newhire@contoso.com');
    await h.drain();
    const request = await h.db.store.getRequest(id);
    assert.equal(request?.status, 'failed');
    assert.match(request?.reason ?? '', /contoso\.com, a verified domain of this tenant/);
    assert.equal(h.directory.invites.length, 0);
  });

  test('a run told it may have lost its job starts no invitation', async () => {
    const { provisionGuest } = await import('../../src/app/provision-guest.ts');
    const id = await h.approved();
    const lost = new AbortController();
    lost.abort(new Error('lease lost'));
    const deps = { ...h.deps, directory: h.directory, logger: { debug() {}, info() {}, warn() {}, error() {} } };
    await assert.rejects(
      provisionGuest(
        {
          ...deps,
          settings: {
            redirectUrl: 'https://x',
            invitationEmail: 'guestlist',
            groupIds: [],
            redemptionCheckFirstMs: 1,
            notFoundWindowMs: 1,
          },
        },
        id,
        lost.signal,
      ),
      /lease lost/,
    );
    assert.equal(h.directory.invites.length, 0);
  });

  test('a permanent refusal fails the request with Graph code and request-id; an admin retry provisions again', async () => {
    const id = await h.approved();
    h.directory.failNext(
      'invite',
      new DirectoryError({
        message: 'The invited user email address is invalid.',
        transient: false,
        graphCode: 'Request_BadRequest',
        httpStatus: 400,
        requestId: 'req-123',
      }),
    );
    await h.drain();
    const failed = await h.db.store.getRequest(id);
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.reason ?? '', /Request_BadRequest.*HTTP 400.*request-id req-123/);
    const { retryRequest } = await import('../../src/app/retry-request.ts');
    await retryRequest(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(h.directory.invites.length, 1, 'the refused POST did nothing; one POST after the retry');
  });

  test('a revoked request stops the chain: no grant, no email', async () => {
    const id = await h.approved();
    h.directory.failNext('addToGroup', transientError(503));
    await h.worker.runOnce(); // provision
    await h.worker.runOnce(); // grant fails once
    const { changeStatus } = await import('../../src/app/change-status.ts');
    const request = (await h.db.store.getRequest(id))!;
    // provisioning → (no revoke from provisioning) so fail it as an admin would see it
    assert.equal(request.status, 'provisioning');
    await changeStatus(h.deps, {
      request,
      event: { type: 'fail', reason: 'stopped by test' },
      actor: { kind: 'token', name: 'admin' },
    });
    await changeStatus(h.deps, {
      request: (await h.db.store.getRequest(id))!,
      event: { type: 'revoke' },
      actor: { kind: 'token', name: 'admin' },
    });
    await h.drain();
    assert.equal(await h.status(id), 'revoked');
    assert.equal(h.directory.groups.get(GROUP_A)?.size ?? 0, 0);
    assert.equal(h.mail.length, 0);
  });

  test('the job wiring: the worker hands provisioning its held signal, and a give-up fails the request', async () => {
    const { jobHandlers } = await import('../../src/jobs/handlers.ts');
    const { createDirectoryPause } = await import('../../src/jobs/directory-pause.ts');
    const silentLog = { debug() {}, info() {}, warn() {}, error() {} };
    const handlers = jobHandlers(
      testJobDeps({
        store: h.db.store,
        clock: h.clock,
        directory: h.directory,
        logger: silentLog,
        directoryPause: createDirectoryPause({ store: h.db.store, clock: h.clock, logger: silentLog }),
      }),
    );
    const id = await h.approved();
    const [job] = await h.db.jobs.listJobs(id);
    const lost = new AbortController();
    lost.abort(new Error('lease lost'));
    await assert.rejects(handlers.provision.run(job!, lost.signal), /lease lost/);
    assert.equal(h.directory.invites.length, 0, 'the held signal reached provisioning');
    await handlers.provision.giveUp(
      job!,
      new DirectoryError({ message: 'nope', transient: false, graphCode: 'X', httpStatus: 400 }),
    );
    assert.equal(await h.status(id), 'failed');
    await handlers.grant_access.giveUp(job!, new Error('x'));
    assert.equal(
      await h.status(id),
      'failed',
      'a grant give-up fails a provisioning request too (already failed here)',
    );
  });

  test('a verification email that cannot be sent shows in the history and on the request', async () => {
    const { submitRequest } = await import('../../src/app/submit-request.ts');
    const request = await submitRequest(h.deps, {
      email: 'visitor@tailspin.test',
      firstName: 'Vi',
      lastName: 'Sitor',
      actor: { kind: 'requester' },
      verified: false,
    });
    h.failMail(100);
    // Within the link's lifetime (an hour here): later the unconfirmed request expires.
    await h.drain({ horizonMs: 30 * 60_000 });
    assert.equal(await h.status(request.id), 'pending_verification');
    const progress = await h.db.store.getProgress(request.id);
    assert.match(progress.mailError ?? '', /The verification email could not be sent: ECONNECTION/);
    const failed = (await h.db.store.listAudit(request.id)).filter((entry) => entry.action === 'mail_failed');
    assert.equal(failed.length, 1);
  });
});
