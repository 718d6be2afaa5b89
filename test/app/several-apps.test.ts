// One person, several apps: "one open request per address" is per address and app, while
// one request per address may be provisioning at a time (migrations/0013), so a second
// app's approval waits for the first's provisioning instead of failing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { provisionGuest, WAIT_FOR_OTHER_PROVISIONING_MS } from '../../src/app/provision-guest.ts';
import { sendVerification } from '../../src/app/send-verification.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { verifyEmail } from '../../src/app/verify-email.ts';
import { ConflictError } from '../../src/domain/errors.ts';
import type { MailMessage } from '../../src/ports.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { fixedClock } from '../helpers/clock.ts';
import { provisioningHarness, silent } from './provisioning-harness.ts';

const ADMIN = { kind: 'token', name: 'admin' } as const;
const person = (appId: string, verified: boolean, email = 'ada@fabrikam.com') => ({
  email,
  firstName: 'Ada',
  lastName: 'Lovelace',
  app: anApp({ id: appId, questions: [] }),
  actor: verified ? ADMIN : ({ kind: 'requester' } as const),
  verified,
});

describe('a person asking for several apps', () => {
  let db: Database;
  let sent: MailMessage[];
  const clock = fixedClock();
  beforeEach(async () => {
    db = await openDatabase('sqlite::memory:');
    await db.migrate();
    sent = [];
  });
  afterEach(() => db.close());
  const deps = () => ({
    store: db.store,
    clock,
    ids: { next: randomUUID },
    mailer: { send: async (message: MailMessage) => void sent.push(message) },
    settings: { publicUrl: 'https://guestlist.contoso.com', validForMs: 24 * 3_600_000 },
    branding: { organizationName: 'Contoso', appName: 'Project X' },
  });
  const tokenIn = (message: MailMessage | undefined, nth: number) =>
    decodeURIComponent([...(message?.text ?? '').matchAll(/\/verify\?token=([^\s]+)/g)][nth]?.[1] ?? '');

  test('an admin may file one open request per app for an address, not two for one app', async () => {
    const wiki = await submitRequest(deps(), person('wiki', true));
    const portal = await submitRequest(deps(), person('portal', true));
    assert.deepEqual(
      [wiki.status, portal.status, wiki.appId, portal.appId],
      ['pending_approval', 'pending_approval', 'wiki', 'portal'],
    );
    await assert.rejects(
      submitRequest(deps(), person('wiki', true)),
      (error: unknown) => error instanceof ConflictError && error.code === 'duplicate_request',
    );
    const fallback = await submitRequest(deps(), { ...person('ignored', true), app: undefined });
    assert.equal(fallback.appId, 'default', 'no app given: the default app');
  });

  test("confirming one app's request leaves another app's request standing", async () => {
    const underway = await submitRequest(deps(), person('wiki', true));
    clock.advance(1000);
    const portal = await submitRequest(deps(), person('portal', false));
    clock.advance(1000);
    const wikiAgain = await submitRequest(deps(), person('wiki', false));
    clock.advance(1000);
    const otherPortal = await submitRequest(deps(), person('portal', false));
    await sendVerification(deps(), portal.id);
    // One email carries every unmailed link, oldest first: portal, wiki again, other portal.
    const confirmed = await verifyEmail(deps(), { token: tokenIn(sent[0], 0) });
    assert.equal(confirmed.outcome, 'verified', 'a portal request is no duplicate of the wiki request');
    assert.equal((await db.store.getRequest(otherPortal.id))?.status, 'withdrawn', 'same app: superseded');
    assert.equal((await db.store.getRequest(wikiAgain.id))?.status, 'pending_verification', 'other app: kept');
    const duplicate = await verifyEmail(deps(), { token: tokenIn(sent[0], 1) });
    assert.equal(duplicate.outcome, 'duplicate', `the wiki already has ${underway.id}`);
  });
});

describe("a second app's approval while the first provisions", () => {
  test('is accepted; its provisioning waits, then runs, and each request gets its one invitation', async (t) => {
    const h = await provisioningHarness();
    t.after(() => h.close());
    const email = 'twice@fabrikam.com';
    const first = await h.approved(email);
    assert.equal(await h.worker.runOnce(), true, 'the first provision job ran');
    assert.equal(await h.status(first), 'provisioning', 'its grants are still to come');

    const wiki = await submitRequest(h.deps, person('wiki', true, email));
    const approved = await decideRequest(h.deps, { id: wiki.id, actor: ADMIN, decision: 'approve' });
    assert.equal(approved.status, 'approved', 'approving does not fail');

    const settings = {
      redirectUrl: 'https://app.contoso.com',
      invitationEmail: 'guestlist' as const,
      groupIds: [],
      redemptionCheckFirstMs: 300_000,
      notFoundWindowMs: 900_000,
    };
    const outcome = await provisionGuest({ ...h.deps, directory: h.directory, settings, logger: silent }, wiki.id);
    assert.deepEqual(outcome, {
      again: new Date(h.clock.now().getTime() + WAIT_FOR_OTHER_PROVISIONING_MS),
      note: 'Waiting: another request for this address is being provisioned.',
    });
    assert.equal(await h.status(wiki.id), 'approved', 'still approved, not failed');
    assert.equal(h.directory.invites.length, 1, 'only the first was invited so far');

    await h.drain();
    assert.equal(await h.status(first), 'invited');
    assert.equal(await h.status(wiki.id), 'invited', 'the second went through once the first was done');
    assert.deepEqual(
      h.mail.map((message) => message.to[0]),
      [email, email],
      'one invitation email per approved request',
    );
    const audit = await h.db.store.listAudit(wiki.id);
    assert.ok(!audit.some((entry) => entry.action === 'fail'));
  });
});
