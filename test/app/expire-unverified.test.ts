// Unconfirmed requests end with their links: expire_verification, queued at submission,
// expires a `pending_verification` request once no link to confirm it can work any more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { submitRequest } from '../../src/app/submit-request.ts';
import { provisioningHarness } from './provisioning-harness.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE; // the harness's verification links last an hour

test('an unconfirmed request expires when its link does, by the system, with no email', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const submit = (lastName: string) =>
    submitRequest(h.deps, {
      email: 'late@fabrikam.com',
      firstName: 'Lee',
      lastName,
      actor: { kind: 'requester' },
      verified: false,
    });
  const first = await submit('First');
  await h.drain({ horizonMs: 0 });
  h.clock.advance(10 * MINUTE);
  // Mailed only when the slot frees, 15 minutes after the first email: its link lasts longer.
  const second = await submit('Second');
  await h.drain({ horizonMs: 10 * MINUTE });
  assert.equal(h.mail.length, 2);
  assert.deepEqual(
    await h.db.store.latestVerificationExpiry(second.id),
    new Date(Date.parse('2026-03-01T09:15:00Z') + HOUR),
  );

  h.clock.set('2026-03-01T09:59:59.999Z');
  await h.drain({ horizonMs: 0 });
  assert.equal(await h.status(first.id), 'pending_verification', 'not a moment before its link expires');
  h.clock.set('2026-03-01T10:00:00.000Z');
  await h.drain({ horizonMs: 0 });
  assert.equal(await h.status(first.id), 'expired');
  assert.equal(await h.status(second.id), 'pending_verification');
  const [, expired] = await h.db.store.listAudit(first.id);
  assert.equal(expired?.actor, 'system');
  assert.match(expired?.reason ?? '', /not confirmed within 1 hours/);
  h.clock.set('2026-03-01T10:14:59.999Z');
  await h.drain({ horizonMs: 0 });
  assert.equal(await h.status(second.id), 'pending_verification', 'its link, mailed at 09:15, still works');
  h.clock.set('2026-03-01T10:15:00.000Z');
  await h.drain({ horizonMs: 0 });
  assert.equal(await h.status(second.id), 'expired');
  assert.equal(h.notices.length, 0, 'nobody proved the address: no email about it');
  assert.deepEqual(await h.db.jobs.listJobs(), []);
});
