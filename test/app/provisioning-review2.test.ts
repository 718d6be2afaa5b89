// Defects a second review found in the provisioning chain (resends and resetRedemption,
// microsoft mode under clock skew, proxyAddresses matches, rows from before the steps,
// concurrent runs), each a scenario that failed before its fix.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { transientError } from '../fakes/directory.ts';
import { GROUP_A, type Harness, provisioningHarness } from './provisioning-harness.ts';

/**
 * Graph's documented semantics of resetRedemption (invitation-post.md: "reset the redemption
 * status for a guest user who already redeemed"; entra-docs reset-redemption-status.md: the
 * user must redeem the new invitation, and their sign-in name becomes the invited address),
 * as the project's own emulator plays them (src/emulator/graph/invitations.ts: resetRedemption
 * "puts a redeemed guest back to PendingAcceptance"). The fake directory ignores the flag.
 */
function playResetRedemption(h: Harness): void {
  const original = h.directory.invite.bind(h.directory);
  h.directory.invite = async (input) => {
    const result = await original(input);
    // graph-directory.ts sends resetRedemption: true whenever InviteInput.userId is set.
    const user = input.userId ? h.directory.users.get(input.userId) : undefined;
    if (user) user.externalUserState = 'PendingAcceptance';
    return result;
  };
}

describe('review 2: a resend resets the redemption of a guest who has already redeemed', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ groupIds: [GROUP_A] });
    playResetRedemption(h);
  });
  afterEach(() => h.close());

  test('the guest redeemed after the last redemption check; the admin resends: the guest keeps their redemption', async () => {
    const id = await h.approved();
    await h.drain();
    const request = (await h.db.store.getRequest(id))!;
    assert.equal(request.status, 'invited');
    // The person accepts the first invitation; the next redemption check is minutes or hours away.
    const guest = h.directory.users.get(request.directoryUserId!)!;
    guest.externalUserState = 'Accepted';
    // The admin, not yet seeing it, resends (the request is still `invited`).
    const { resendInvitation } = await import('../../src/app/resend-invitation.ts');
    await resendInvitation(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    await h.drain({ includeRedemption: true, horizonMs: 3_600_000 });
    const posted = h.directory.invites.at(-1);
    assert.equal(
      guest.externalUserState,
      'Accepted',
      `the resend posted resetRedemption for ${posted?.userId}: a guest who had redeemed is PendingAcceptance again ` +
        `and must redeem once more (request now ${await h.status(id)})`,
    );
  });
});

describe('review 2: microsoft-mode resend throttled (429)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ invitationEmail: 'microsoft' });
  });
  afterEach(() => h.close());

  test('a 429 took no effect and is retried: the retry asks Microsoft to mail (the resend is not lost)', async () => {
    const id = await h.invitedThenResent();
    assert.equal(h.directory.emails.length, 1, 'the first invitation, by Microsoft');
    h.directory.failNext(
      'invite',
      new DirectoryError({
        message: 'Please retry again later.',
        transient: true,
        graphCode: 'TooManyRequests',
        httpStatus: 429,
        retryAfterMs: 5_000,
      }),
    );
    await h.drain();
    const last = (await h.db.store.listAudit(id)).at(-1);
    assert.equal(
      h.directory.emails.length,
      2,
      `after the 429 Graph was asked to mail ${h.directory.emails.length - 1} times; the history says: "${last?.reason}"`,
    );
  });
});

describe('review 2: microsoft-mode resend that meets a tenant-wide fault (provisioning pauses)', () => {
  test('the resend job is held back, then runs once the pause ends: it asks Microsoft to mail (the resend is not lost)', async () => {
    const h = await provisioningHarness({ invitationEmail: 'microsoft' });
    try {
      const id = await h.approved();
      await h.drain();
      const { resendInvitation } = await import('../../src/app/resend-invitation.ts');
      await resendInvitation(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
      // Admin consent revoked: Graph refuses before doing anything (403, scope tenant).
      h.directory.failNext(
        'invite',
        new DirectoryError({
          message: 'Insufficient privileges to complete the operation.',
          transient: false,
          graphCode: 'Authorization_RequestDenied',
          httpStatus: 403,
          scope: 'tenant',
          fix: 'Grant admin consent for User.Invite.All.',
        }),
      );
      await h.drain();
      const last = (await h.db.store.listAudit(id)).at(-1);
      assert.equal(
        h.directory.emails.length,
        2,
        `after the pause Graph was asked to mail ${h.directory.emails.length - 1} times; the history says: "${last?.reason}"`,
      );
    } finally {
      await h.close();
    }
  });
});

/** Entra's clock `skewMs` ahead of this server (negative: behind), as createdDateTime shows. */
function skewEntraClock(h: Harness, skewMs: number): void {
  const original = h.directory.invite.bind(h.directory);
  h.directory.invite = async (input) => {
    const known = new Set(h.directory.users.keys());
    try {
      return await original(input);
    } finally {
      for (const [id, user] of h.directory.users) {
        if (!known.has(id) && user.createdAt) user.createdAt = new Date(user.createdAt.getTime() + skewMs);
      }
    }
  };
}

describe('review 2: microsoft mode within the 2 min of clock skew the fix claims (CREATED_SKEW_MS)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await provisioningHarness({ invitationEmail: 'microsoft' });
  });
  afterEach(() => h.close());

  test("Entra's clock 90 s behind; the mailing POST failed before it took effect (503): the guest still gets one email", async () => {
    skewEntraClock(h, -90_000);
    const id = await h.approved();
    h.directory.failNext('invite', transientError(503)); // before effect: nobody created, nobody mailed
    await h.drain();
    const note = (await h.db.store.listAudit(id)).find((e) => e.action === 'invite')?.reason;
    assert.equal(await h.status(id), 'invited');
    assert.equal(
      h.directory.emails.length,
      1,
      `Graph was asked to mail ${h.directory.emails.length} times (POSTs: ${h.directory.invites.map((i) => i.sendInvitationMessage).join(', ')}); history: "${note}"`,
    );
  });

  test("Entra's clock 90 s ahead, replication lag of 3 min; the lost mailing POST created the guest: one email, not two", async () => {
    skewEntraClock(h, 90_000);
    h.directory.lagMs = 180_000;
    const id = await h.approved();
    h.directory.failNext('invite', transientError(504), { afterEffect: true });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(
      h.directory.emails.length,
      1,
      `Graph was asked to mail ${h.directory.emails.length} times (POSTs: ${h.directory.invites.map((i) => i.sendInvitationMessage).join(', ')})`,
    );
  });
});

describe('review 2: a single sure match that POST /invitations does not resolve by address', () => {
  for (const mode of ['guestlist', 'microsoft'] as const) {
    test(`${mode} mode: a pending guest found by proxyAddresses is invited by id, not failed after Graph creates a second guest`, async () => {
      const h = await provisioningHarness({ invitationEmail: mode });
      try {
        // judgeMatches takes a single proxyAddresses match as the person (no admin asked);
        // the invitation service does not match an address there (the project's own fake,
        // and provisioning.test.ts "an admin may instead invite the address as a new guest").
        h.directory.addUser({
          id: 'px',
          mail: 'other@fabrikam.com',
          proxyAddresses: ['SMTP:other@fabrikam.com', 'smtp:alias@fabrikam.com'],
          externalUserState: 'PendingAcceptance',
        });
        const id = await h.approved('alias@fabrikam.com');
        await h.drain();
        const request = await h.db.store.getRequest(id);
        const created = [...h.directory.users.keys()].filter((u) => u !== 'px');
        assert.deepEqual(
          {
            status: request?.status,
            user: request?.directoryUserId,
            created,
            microsoftEmails: h.directory.emails.length,
          },
          { status: 'invited', user: 'px', created: [], microsoftEmails: mode === 'microsoft' ? 1 : 0 },
          `reason: ${request?.reason}`,
        );
      } finally {
        await h.close();
      }
    });
  }
});

describe('review 2: a row from before the steps, on a deployment that kept the old default', () => {
  let h: Harness;
  beforeEach(async () => {
    // Before 7744791 GUESTLIST_SEND_INVITATION_MESSAGE defaulted to true: Graph mailed the
    // first invitation. Unset, the upgraded deployment runs in the new default, guestlist mode.
    h = await provisioningHarness({ groupIds: [GROUP_A] });
  });
  afterEach(() => h.close());

  test('a legacy failed request (Microsoft mailed, then a grant failed) retried by an admin: no second invitation email', async () => {
    // The old provision-guest.ts: POST /invitations with sendInvitationMessage true (Microsoft
    // mails the person), recordDirectoryUser, then grantGroups threw for good → failed.
    const legacy = await h.legacyProvisioningRow();
    const id = legacy.id;
    h.directory.emails.push("o'brien@fabrikam.com");
    const { changeStatus } = await import('../../src/app/change-status.ts');
    await changeStatus(h.deps, {
      request: legacy,
      event: { type: 'fail', reason: 'Insufficient privileges to complete the operation.' },
      actor: { kind: 'worker' },
    });
    // Upgraded; the admin fixes the permission and retries.
    const { retryRequest } = await import('../../src/app/retry-request.ts');
    await retryRequest(h.deps, { id, actor: { kind: 'token', name: 'admin' } });
    await h.drain();
    assert.equal(await h.status(id), 'invited');
    assert.equal(
      h.directory.emails.length + h.mail.length,
      1,
      `the person got Microsoft's invitation before the upgrade and ${h.mail.length} more from Guestlist after it`,
    );
  });
});

describe('review 2: the marks recordUser clears, against a second run of the same provision job', () => {
  test('microsoft mode: a run that read the request before another run recorded the guest, and the progress after, does not ask Microsoft to mail again', async () => {
    const h = await provisioningHarness({ invitationEmail: 'microsoft' });
    try {
      const id = await h.approved();
      const { provisionGuest } = await import('../../src/app/provision-guest.ts');
      const settings = {
        redirectUrl: 'https://app.contoso.com',
        invitationEmail: 'microsoft' as const,
        customMessage: 'Welcome to Project X',
        messageLanguage: undefined,
        groupIds: [GROUP_A],
        redemptionCheckFirstMs: 300_000,
        notFoundWindowMs: 900_000,
      };
      const logger = { debug() {}, info() {}, warn() {}, error() {} };
      const deps = { ...h.deps, directory: h.directory, settings, logger };
      // Run A is the job's first delivery; run B a second one (a lease that ran out while A
      // was still working). B reads the request, then A records the guest (clearing the
      // POST marks), then B reads the progress.
      const interleaved = Object.create(h.db.store) as typeof h.db.store;
      let once = true;
      interleaved.getProgress = async (requestId) => {
        if (once) {
          once = false;
          await provisionGuest(deps, id); // run A, start to end
        }
        return h.db.store.getProgress(requestId);
      };
      // B finds the request already in provisioning (A moved it there first in real life).
      const { changeStatus } = await import('../../src/app/change-status.ts');
      await changeStatus(h.deps, {
        request: (await h.db.store.getRequest(id))!,
        event: { type: 'start_provisioning' },
        actor: { kind: 'worker' },
      });
      await provisionGuest({ ...deps, store: interleaved }, id); // run B
      assert.equal(
        h.directory.emails.length,
        1,
        `Microsoft was asked to mail ${h.directory.emails.length} times (POSTs: ${h.directory.invites.map((i) => i.sendInvitationMessage).join(', ')})`,
      );
    } finally {
      await h.close();
    }
  });
});
