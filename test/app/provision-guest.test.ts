// Provisioning is repeated after any failure (crash, timeout, 5xx), so each scenario
// here fails one step, runs the job again, and checks the one-invitation-email rule.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { checkRedemption } from '../../src/app/check-redemption.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { failRequest } from '../../src/app/fail-request.ts';
import { type ProvisionDeps, provisionGuest } from '../../src/app/provision-guest.ts';
import { retryRequest } from '../../src/app/retry-request.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { type FakeDirectory, fakeDirectory, transientError } from '../fakes/directory.ts';
import { fixedClock } from '../helpers/clock.ts';

const GROUP = '0a4b2c5d-1111-4222-8333-944444444444';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('provisionGuest', () => {
  let db: Database;
  let directory: FakeDirectory;
  let deps: ProvisionDeps;
  const clock = fixedClock();

  beforeEach(async () => {
    db = await openDatabase('sqlite::memory:');
    await db.migrate();
    directory = fakeDirectory();
    deps = {
      store: db.store,
      clock,
      ids: { next: randomUUID },
      directory,
      logger: silent,
      settings: {
        redirectUrl: 'https://app.contoso.com',
        sendInvitationMessage: true,
        customMessage: 'Welcome to Project X',
        messageLanguage: undefined,
        groupIds: [GROUP],
        redemptionCheckFirstMs: 300_000,
      },
    };
  });
  afterEach(() => db.close());

  async function approved(email = "o'brien@contoso.com") {
    const request = await submitRequest(deps, {
      email,
      firstName: 'Pat',
      lastName: "O'Brien",
      actor: 'token:t',
      verified: true,
    });
    await decideRequest(deps, { id: request.id, actor: 'token:t', decision: 'approve' });
    return request.id;
  }
  const status = async (id: string) => (await db.store.getRequest(id))?.status;

  test('a new person is invited once, granted the group, and a redemption check is scheduled', async () => {
    const id = await approved();
    await provisionGuest(deps, id);
    const request = await db.store.getRequest(id);
    assert.equal(request?.status, 'invited');
    assert.equal(directory.invites.length, 1);
    assert.deepEqual(directory.invites[0], {
      email: "o'brien@contoso.com",
      displayName: "Pat O'Brien",
      redirectUrl: 'https://app.contoso.com',
      sendInvitationMessage: true,
      customMessage: 'Welcome to Project X',
      messageLanguage: undefined,
    });
    assert.deepEqual(directory.emails, ["o'brien@contoso.com"]);
    assert.ok(directory.groups.get(GROUP)?.has(request!.directoryUserId!));
    assert.ok(request?.redeemUrl?.startsWith('https://redeem.test/'));
    const jobs = await db.jobs.listJobs(id);
    assert.ok(
      jobs.some((job) => job.kind === 'check_redemption' && job.runAt.getTime() === clock.now().getTime() + 300_000),
    );
  });

  for (const step of ['findUserByEmail', 'invite', 'addToGroup'] as const) {
    for (const afterEffect of step === 'invite' ? [false, true] : [false]) {
      test(`a failure ${afterEffect ? 'after' : 'at'} ${step} and a second run: still exactly one invitation email`, async () => {
        const id = await approved();
        directory.failNext(step, transientError(), { afterEffect });
        await assert.rejects(provisionGuest(deps, id), DirectoryError);
        assert.equal(await status(id), 'provisioning');
        await provisionGuest(deps, id);
        assert.equal(await status(id), 'invited');
        assert.equal(directory.emails.length, 1, 'one email, whatever failed');
        assert.equal(directory.users.size, 1);
      });
    }
  }

  test('a retry after granting failed mails no one, even while the lookup does not show the new guest yet', async () => {
    const id = await approved();
    directory.failNext('addToGroup', transientError());
    await assert.rejects(provisionGuest(deps, id), DirectoryError);
    const lagging = directory.findUserByEmail;
    directory.findUserByEmail = async () => null; // Entra's eventual consistency
    try {
      await provisionGuest(deps, id);
    } finally {
      directory.findUserByEmail = lagging;
    }
    assert.equal(await status(id), 'invited');
    assert.deepEqual(
      directory.invites.map((invite) => invite.sendInvitationMessage),
      [true, false],
    );
    assert.equal(directory.emails.length, 1);
  });

  test('a run told it may have lost its job starts no invitation', async () => {
    const id = await approved();
    const lost = new AbortController();
    lost.abort(new Error('lease lost'));
    await assert.rejects(provisionGuest(deps, id, lost.signal), /lease lost/);
    assert.equal(directory.invites.length, 0);
  });

  test('an existing guest who has not redeemed gets a fresh redeem URL and no email', async () => {
    directory.users.set('g1', {
      id: 'g1',
      userType: 'Guest',
      mail: 'pending@contoso.com',
      displayName: 'P',
      externalUserState: 'PendingAcceptance',
      accountEnabled: true,
    });
    const id = await approved('pending@contoso.com');
    await provisionGuest(deps, id);
    assert.equal(await status(id), 'invited');
    assert.equal(directory.invites[0]?.sendInvitationMessage, false);
    assert.deepEqual(directory.emails, []);
    assert.equal((await db.store.getRequest(id))?.directoryUserId, 'g1');
  });

  test('a guest who already redeemed, or a member, is granted and active without an invitation', async () => {
    directory.users.set('g2', {
      id: 'g2',
      userType: 'Guest',
      mail: 'done@contoso.com',
      displayName: 'D',
      externalUserState: 'Accepted',
      accountEnabled: true,
    });
    directory.users.set('m1', {
      id: 'm1',
      userType: 'Member',
      mail: 'staff@contoso.com',
      displayName: 'S',
      externalUserState: null,
      accountEnabled: true,
    });
    for (const [email, userId] of [
      ['done@contoso.com', 'g2'],
      ['staff@contoso.com', 'm1'],
    ] as const) {
      const id = await approved(email);
      await provisionGuest(deps, id);
      const request = await db.store.getRequest(id);
      assert.equal(request?.status, 'active');
      assert.equal(request?.directoryUserId, userId);
      assert.ok(directory.groups.get(GROUP)?.has(userId));
    }
    assert.equal(directory.invites.length, 0);
  });

  test('an invitation with an unknown outcome is retried only after 30 s; a 429 keeps its Retry-After', async () => {
    const id = await approved();
    directory.failNext('invite', transientError(503), { afterEffect: true });
    const uncertain = await provisionGuest(deps, id).catch((e: unknown) => e);
    assert.ok(uncertain instanceof DirectoryError && uncertain.transient);
    assert.equal(uncertain.retryAfterMs, 30_000, 'time for the directory to show the new guest');
    directory.failNext(
      'invite',
      new DirectoryError({
        message: 'slow down',
        transient: true,
        graphCode: 'TooManyRequests',
        httpStatus: 429,
        retryAfterMs: 2000,
      }),
    );
    const throttled = await provisionGuest(deps, id).catch((e: unknown) => e);
    assert.ok(throttled instanceof DirectoryError);
    assert.equal(throttled.retryAfterMs, 2000);
  });

  test('a run that finds the request moved on mid-way stops without failing it', async () => {
    const id = await approved();
    const { changeStatus } = await import('../../src/app/change-status.ts');
    const realInvite = directory.invite.bind(directory);
    directory.invite = async (input) => {
      const current = (await db.store.getRequest(id))!;
      await changeStatus(deps, {
        request: current,
        // Another run (one that outlived its lease) finishes first.
        event: { type: 'invite', directoryUserId: 'user-other', redeemUrl: null },
        actor: 'worker',
      });
      return realInvite(input);
    };
    await provisionGuest(deps, id);
    assert.equal(await status(id), 'invited', 'not failed: the other run finished the work');
  });

  test('a stale job (request revoked meanwhile) does nothing', async () => {
    const id = await approved();
    const request = (await db.store.getRequest(id))!;
    const { changeStatus } = await import('../../src/app/change-status.ts');
    await changeStatus(deps, { request, event: { type: 'revoke' }, actor: 'token:t' });
    await provisionGuest(deps, id);
    assert.equal(directory.invites.length, 0);
    assert.equal(await status(id), 'revoked');
  });

  test("giving up keeps Graph's code and request-id; an admin retry provisions again", async () => {
    const id = await approved();
    directory.failNext(
      'invite',
      new DirectoryError({
        message: 'Insufficient privileges to complete the operation.',
        transient: false,
        graphCode: 'Authorization_RequestDenied',
        httpStatus: 403,
        requestId: 'req-123',
      }),
    );
    const error = await provisionGuest(deps, id).catch((e: unknown) => e);
    await failRequest(deps, { id, error });
    const failed = await db.store.getRequest(id);
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.reason ?? '', /Authorization_RequestDenied.*HTTP 403.*request-id req-123/);
    await retryRequest(deps, { id, actor: 'token:admin' });
    assert.equal(await status(id), 'approved');
    await provisionGuest(deps, id);
    assert.equal(await status(id), 'invited');
    const actions = (await db.store.listAudit(id)).map((entry) => `${entry.action}:${entry.toStatus}`);
    assert.deepEqual(actions, [
      'submit:pending_approval',
      'approve:approved',
      'start_provisioning:provisioning',
      'fail:failed',
      'retry:approved',
      'start_provisioning:provisioning',
      'invite:invited',
    ]);
  });

  test('the redemption check activates a redeemed guest and backs off otherwise', async () => {
    const id = await approved();
    await provisionGuest(deps, id);
    const schedule = { firstMs: 300_000, maxMs: 6 * 3_600_000 };
    const check = { ...deps, schedule };
    const again = await checkRedemption(check, id);
    assert.equal(again?.getTime(), clock.now().getTime() + 300_000);
    clock.advance(4 * 3_600_000); // four hours later, still not redeemed: look again in an hour
    assert.equal((await checkRedemption(check, id))?.getTime(), clock.now().getTime() + 3_600_000);
    directory.failNext('getUser', transientError(429));
    assert.ok(await checkRedemption(check, id), 'an error means "look again later"');
    const user = directory.users.get((await db.store.getRequest(id))!.directoryUserId!)!;
    user.externalUserState = 'Accepted';
    assert.equal(await checkRedemption(check, id), null);
    assert.equal(await status(id), 'active');
  });
});
