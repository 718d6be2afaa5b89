// The requester's status link: what the page sees in each state (the reason only when
// shared, the redeem link only while invited), withdrawal from it, and the links refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { changeStatus } from '../../src/app/change-status.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { InvalidStatusLinkError, readRequestStatus } from '../../src/app/read-request-status.ts';
import { STATUS_LINK_LIFETIME_MS } from '../../src/app/status-link.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { verifyEmail } from '../../src/app/verify-email.ts';
import { WithdrawRefusedError, withdrawByRequester } from '../../src/app/withdraw-by-requester.ts';
import type { App } from '../../src/domain/apps.ts';
import type { MailMessage } from '../../src/ports.ts';
import { type Harness, provisioningHarness } from './provisioning-harness.ts';

const APPROVER = { kind: 'token', name: 'approver' } as const;
const branding = { organizationName: 'Contoso', appName: 'Project X' };

function linkIn(message: MailMessage | undefined, path: 'verify' | 'status'): string {
  const match = new RegExp(`/${path}\\?token=(\\S+)`).exec(message?.text ?? '');
  if (!match) throw new Error(`no /${path} link in ${message?.subject}`);
  return decodeURIComponent(match[1]!);
}

describe('the status link', () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    h = await provisioningHarness();
  });
  after(() => h.close());
  const view = (token: string) => readRequestStatus({ ...h.deps, branding }, { token });

  /** An anonymous request, mailed; returns its id and the two links of its email. */
  async function submitted() {
    const email = `person${++n}@fabrikam.com`;
    const request = await submitRequest(h.deps, {
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      actor: { kind: 'requester' },
      verified: false,
    });
    await h.drain({ horizonMs: 0 });
    const message = h.mail.findLast((m) => m.to[0] === email);
    return { id: request.id, status: linkIn(message, 'status'), verify: linkIn(message, 'verify') };
  }
  async function awaitingDecision() {
    const links = await submitted();
    await verifyEmail(h.deps, { token: links.verify });
    return links;
  }

  test('waiting for verification, then for approval: withdrawable, no reason, no redeem link', async () => {
    const links = await submitted();
    const first = await view(links.status);
    assert.deepEqual(
      { ...first, createdAt: undefined, updatedAt: undefined },
      {
        id: links.id,
        status: 'pending_verification',
        stage: 'verification',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: `person${n}@fabrikam.com`,
        appName: 'Project X',
        appUrl: null,
        organizationName: 'Contoso',
        createdAt: undefined,
        updatedAt: undefined,
        sharedReason: null,
        redeemUrl: null,
        canWithdraw: true,
      },
    );
    await verifyEmail(h.deps, { token: links.verify });
    const second = await view(links.status);
    assert.equal(second.stage, 'approval');
    assert.equal(second.canWithdraw, true);
  });

  test("with the catalogue, the view names the request's own app and links to it", async () => {
    const links = await submitted();
    const asked: string[] = [];
    const catalogue = {
      get: async (id: string) => {
        asked.push(id);
        return { name: 'Finance reports', redirectUrl: 'https://finance.contoso.com/' } as App;
      },
    };
    const seen = await readRequestStatus({ ...h.deps, branding, catalogue }, { token: links.status });
    assert.deepEqual(asked, [(await h.deps.store.getRequest(links.id))?.appId]);
    assert.equal(seen.appName, 'Finance reports');
    assert.equal(seen.appUrl, 'https://finance.contoso.com/');
    assert.equal(seen.organizationName, 'Contoso');
  });

  test('rejected: the reason shows only when the approver shared it; the email says the same', async () => {
    const shared = await awaitingDecision();
    await decideRequest(h.deps, {
      id: shared.id,
      actor: APPROVER,
      decision: 'reject',
      reason: 'Only partners may use Project X.',
      shareReason: true,
    });
    const kept = await awaitingDecision();
    await decideRequest(h.deps, { id: kept.id, actor: APPROVER, decision: 'reject', reason: 'Internal note: spam' });
    const sharedView = await view(shared.status);
    assert.equal(sharedView.stage, 'rejected');
    assert.equal(sharedView.sharedReason, 'Only partners may use Project X.');
    assert.equal(sharedView.canWithdraw, false);
    const keptView = await view(kept.status);
    assert.equal(keptView.sharedReason, null, 'an unshared reason stays with the admins');
    assert.equal((await h.db.store.getRequest(kept.id))?.reason, 'Internal note: spam', 'though it is kept');

    await h.drain({ horizonMs: 0 });
    const noticeTo = (id: string) => h.notices.filter((m) => m.to[0] === `person${id}@fabrikam.com`);
    const [sharedMail] = noticeTo(String(n - 1));
    const [keptMail] = noticeTo(String(n));
    assert.match(sharedMail!.text, /The reason given: Only partners may use Project X\./);
    assert.doesNotMatch(keptMail!.text, /spam|reason/i);
    // The email's own status link opens the same request.
    assert.equal((await view(linkIn(keptMail, 'status'))).id, kept.id);
  });

  test('approved, invited (with the redeem link), failed (the organization has been told), expired', async () => {
    const links = await awaitingDecision();
    await decideRequest(h.deps, { id: links.id, actor: APPROVER, decision: 'approve' });
    assert.equal((await view(links.status)).stage, 'approved');
    assert.equal((await view(links.status)).canWithdraw, false);
    await h.drain({ horizonMs: 60_000 });
    const invited = await view(links.status);
    assert.equal(invited.stage, 'invited');
    assert.match(invited.redeemUrl ?? '', /^https:\/\/redeem\.test\//);

    const failing = await awaitingDecision();
    const approved = await decideRequest(h.deps, { id: failing.id, actor: APPROVER, decision: 'approve' });
    await changeStatus(h.deps, { request: approved, event: { type: 'fail', reason: 'Graph: no' }, actor: APPROVER });
    const failed = await view(failing.status);
    assert.equal(failed.stage, 'failed');
    assert.equal(failed.sharedReason, null, "Graph's reason is for admins");
    await h.drain({ horizonMs: 0 });
    assert.match(h.notices.at(-1)!.text, /has been told/);

    const lapsing = await submitted();
    h.clock.advance(2 * 3_600_000); // the links last an hour in the harness
    await h.drain({ horizonMs: 0 });
    const expired = await view(lapsing.status);
    assert.equal(expired.stage, 'expired');
    assert.equal(expired.redeemUrl, null);
    assert.equal(
      h.notices.filter((m) => m.to[0] === `person${n}@fabrikam.com`).length,
      0,
      'an unconfirmed request expires without an email',
    );
  });

  test('withdraw from the link while waiting; refused once decided, changing nothing', async () => {
    const early = await submitted();
    const withdrawn = await withdrawByRequester(h.deps, { token: early.status });
    assert.equal(withdrawn.status, 'withdrawn');
    const audit = await h.db.store.listAudit(early.id);
    assert.equal(audit.at(-1)?.actor, 'requester');
    assert.equal((await view(early.status)).canWithdraw, false);
    await assert.rejects(withdrawByRequester(h.deps, { token: early.status }), WithdrawRefusedError);
    assert.equal(
      (await verifyEmail(h.deps, { token: early.verify })).outcome,
      'closed',
      'its link confirms nothing now',
    );

    const waiting = await awaitingDecision();
    assert.equal((await withdrawByRequester(h.deps, { token: waiting.status })).status, 'withdrawn');

    const decided = await awaitingDecision();
    await decideRequest(h.deps, { id: decided.id, actor: APPROVER, decision: 'reject', reason: 'No.' });
    const before = (await h.db.store.listAudit(decided.id)).length;
    await assert.rejects(withdrawByRequester(h.deps, { token: decided.status }), (error: unknown) => {
      assert.ok(error instanceof WithdrawRefusedError);
      assert.equal(error.status, 409);
      return true;
    });
    assert.equal((await h.db.store.getRequest(decided.id))?.status, 'rejected');
    assert.equal((await h.db.store.listAudit(decided.id)).length, before);
  });

  test('unknown, tampered, verification and expired links are refused', async () => {
    const links = await submitted();
    for (const token of ['', 'gls_nope', `${links.status}x`, links.verify]) {
      await assert.rejects(view(token), InvalidStatusLinkError, token);
      await assert.rejects(withdrawByRequester(h.deps, { token }), InvalidStatusLinkError);
    }
    assert.equal(await h.db.store.findStatusToken(links.status), null, 'only the hash is stored');
    h.clock.advance(STATUS_LINK_LIFETIME_MS - 1000);
    assert.equal((await view(links.status)).id, links.id, 'still works long after the request ended');
    h.clock.advance(1000);
    await assert.rejects(view(links.status), InvalidStatusLinkError);
  });
});
