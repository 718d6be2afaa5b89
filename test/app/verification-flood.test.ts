// Someone keeps submitting another person's address. The 15-minute rule counts emails sent,
// so the flood delays the owner by at most one slot (ten requests per email), never blocks
// them, and the owner's link confirms the owner's request with the owner's names only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REQUESTS_PER_EMAIL, VERIFICATION_EMAIL_INTERVAL_MS } from '../../src/app/send-verification.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { verifyEmail } from '../../src/app/verify-email.ts';
import type { MailMessage } from '../../src/ports.ts';
import { provisioningHarness } from './provisioning-harness.ts';

const MINUTE = 60_000;
const OWNER = 'owner@fabrikam.com';

/** Each "Request for:" entry of a verification email: the names and the confirmation token. */
function entries(message: MailMessage): { names: string; token: string }[] {
  return [...message.text.matchAll(/Request for: (.+)\nConfirm this request: \S+\/verify\?token=(\S+)/g)].map((m) => ({
    names: m[1]!,
    token: decodeURIComponent(m[2]!),
  }));
}

async function setup(t: import('node:test').TestContext) {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const sentAt: number[] = [];
  const submit = (firstName: string, lastName: string) =>
    submitRequest(h.deps, { email: OWNER, firstName, lastName, actor: { kind: 'requester' }, verified: false });
  /** Runs every job due now; notes when each new email went out. */
  const runDue = async () => {
    while (await h.worker.runOnce()) {}
    while (sentAt.length < h.mail.length) sentAt.push(h.clock.now().getTime());
  };
  return { h, sentAt, submit, runDue };
}

test('an attacker submitting the address every 14 minutes: the owner gets their own link in the next slot', async (t) => {
  const { h, sentAt, submit, runDue } = await setup(t);
  const start = h.clock.now().getTime();
  let ownerId: string | null = null;
  let ownerAt = 0;
  let confirmed: Awaited<ReturnType<typeof verifyEmail>> | null = null;
  for (let minute = 0; minute <= 6 * 60; minute++) {
    h.clock.set(new Date(start + minute * MINUTE).toISOString());
    if (minute % 14 === 0) await submit('Mallory', 'Attacker');
    // The owner asks at a moment the attacker's flood has just used a slot.
    if (minute === 3 * 60 + 1) {
      ownerId = (await submit('Olivia', 'Owner')).id;
      ownerAt = h.clock.now().getTime();
    }
    await runDue();
    // The owner opens their email as soon as it comes, and confirms the request with their names.
    const entry = h.mail.flatMap(entries).find((e) => e.names === 'Olivia Owner');
    if (entry && !confirmed) confirmed = await verifyEmail(h.deps, { token: entry.token });
  }
  const toOwner = h.mail.map((message, i) => ({ message, at: sentAt[i]! })).filter((m) => m.message.to[0] === OWNER);
  // Emails actually sent are at least 15 minutes apart, however often the form was used.
  for (let i = 1; i < toOwner.length; i++) {
    assert.ok(toOwner[i]!.at - toOwner[i - 1]!.at >= VERIFICATION_EMAIL_INTERVAL_MS, `email ${i} came too soon`);
  }
  const withOwner = toOwner.filter((m) => entries(m.message).some((e) => e.names === 'Olivia Owner'));
  assert.equal(withOwner.length, 1, "the owner's request is in exactly one email");
  const delay = withOwner[0]!.at - ownerAt;
  assert.ok(delay <= VERIFICATION_EMAIL_INTERVAL_MS, `the owner waited ${delay / MINUTE} minutes`);
  assert.match(withOwner[0]!.message.text, /asked Contoso for access to Project X/);

  // The owner's link confirmed the owner's request, with the owner's names, and nothing else.
  assert.ok(confirmed);
  assert.equal(confirmed.outcome, 'verified');
  assert.equal(confirmed.request.id, ownerId);
  assert.deepEqual([confirmed.request.firstName, confirmed.request.lastName], ['Olivia', 'Owner']);
  const open = await h.db.store.listOpenRequestsByEmail(OWNER);
  assert.deepEqual(
    open.filter((r) => r.status !== 'pending_verification').map((r) => `${r.firstName} ${r.status}`),
    ['Olivia pending_approval'],
    "no attacker's request was confirmed",
  );
  // The flood's own requests were each mailed once and expired unconfirmed (links last an hour here).
  assert.ok(open.filter((r) => r.status === 'pending_verification').length <= 5);
});

test('a burst of 25 submissions ahead of the owner delays them by at most three slots, ten requests an email', async (t) => {
  const { h, sentAt, submit, runDue } = await setup(t);
  for (let i = 0; i < 25; i++) {
    await submit('Mallory', `Number${i}`);
    h.clock.advance(1000);
  }
  const owner = await submit('Olivia', 'Owner');
  const ownerAt = h.clock.now().getTime();
  for (let minute = 0; minute <= 60; minute++) {
    await runDue();
    h.clock.advance(MINUTE);
  }
  const sizes = h.mail.map((m) => entries(m).length);
  assert.deepEqual(sizes, [REQUESTS_PER_EMAIL, REQUESTS_PER_EMAIL, 6], 'oldest first, ten per email, nobody dropped');
  const index = h.mail.findIndex((m) => entries(m).some((e) => e.names === 'Olivia Owner'));
  assert.equal(index, 2);
  assert.ok(sentAt[index]! - ownerAt <= 2 * VERIFICATION_EMAIL_INTERVAL_MS + MINUTE);
  const entry = entries(h.mail[index]!).find((e) => e.names === 'Olivia Owner')!;
  assert.equal((await verifyEmail(h.deps, { token: entry.token })).request.id, owner.id);
});

test('the rule counts emails sent, not submissions: a second request within 15 minutes is mailed when the slot frees', async (t) => {
  const { h, submit, runDue } = await setup(t);
  await submit('Ada', 'Lovelace');
  await runDue();
  assert.equal(h.mail.length, 1);
  h.clock.advance(5 * MINUTE);
  const second = await submit('Ada', 'Byron');
  await runDue();
  assert.equal(h.mail.length, 1, 'no second email within 15 minutes of the first');
  const job = (await h.db.jobs.listJobs(second.id)).find((j) => j.kind === 'send_verification');
  assert.equal(job?.runAt.getTime(), h.clock.now().getTime() + 10 * MINUTE, 'waits for the slot, not dropped');
  assert.equal(job?.attempts, 0, 'waiting is not a failed attempt');
  h.clock.advance(10 * MINUTE);
  await runDue();
  assert.equal(h.mail.length, 2);
  assert.deepEqual(
    entries(h.mail[1]!).map((e) => e.names),
    ['Ada Byron'],
    'the second email carries only the request not mailed yet',
  );
});
