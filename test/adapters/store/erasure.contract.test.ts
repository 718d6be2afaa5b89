// Personal data erasure (migration 0017, adapters/store/erasure.ts, app/erase-*.ts) on every
// database: the retention run erases only requests that ended without access and are old
// enough; the audit trail keeps each decision without its free text and stays append-only
// otherwise; links, verification records and sandbox mail go; the CLI's erase refuses while
// a request of the address is open.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import type { Database } from '../../../src/adapters/store/index.ts';
import { eraseEndedRequests } from '../../../src/app/erase-ended-requests.ts';
import { erasePerson } from '../../../src/app/erase-person.ts';
import { ConflictError } from '../../../src/domain/errors.ts';
import type { AccessRequest, Status } from '../../../src/domain/lifecycle.ts';
import { type DatabaseFactory, databaseFactories } from '../../helpers/databases.ts';
import { anAudit, aRequest, at, T0 } from './fixtures.ts';

const DAY = 86_400_000;

async function fresh(t: TestContext, factory: DatabaseFactory) {
  const opened = await factory.open();
  t.after(() => opened.close());
  return opened;
}

/** A request that reached `status` at `endedAt`, with a reason naming the person, links and sandbox mail. */
async function ended(db: Database, status: Status, endedAt: Date, overrides: Partial<AccessRequest> = {}) {
  const submitted = aRequest({
    status: 'pending_approval',
    justification: 'I am Ada, the new auditor',
    answers: { company: 'Ada Lovelace Consulting' },
    ...overrides,
  });
  await db.store.insertRequest(submitted, anAudit(submitted), []);
  const next: AccessRequest = { ...submitted, status, updatedAt: endedAt, reason: 'Ada Lovelace is not a partner' };
  const moved = await db.store.saveTransition({
    next,
    expectedStatus: 'pending_approval',
    audit: anAudit(submitted, {
      actor: 'token:alice',
      action: 'reject',
      fromStatus: 'pending_approval',
      toStatus: status,
      reason: 'Ada Lovelace is not a partner',
      at: endedAt,
    }),
    jobs: [],
    shareReason: status === 'rejected',
  });
  assert.ok(moved);
  await db.store.insertStatusToken({ hash: randomUUID(), requestId: next.id, expiresAt: at(90 * DAY), createdAt: T0 });
  await db.store.insertVerificationToken({ hash: randomUUID(), requestId: next.id, expiresAt: at(DAY), createdAt: T0 });
  await db.store.recordVerificationEmail({ email: next.email, requestIds: [next.id], sentAt: T0 });
  await db.store.insertSandboxMessage({
    id: randomUUID(),
    to: [next.email.toUpperCase()],
    from: 'guestlist@contoso.test',
    subject: 'Confirm your email address',
    text: 'Hello Ada',
    html: null,
    links: [],
    sentAt: T0,
    source: 'guestlist',
  });
  return next;
}

for (const factory of databaseFactories) {
  describe(`Personal data erasure: ${factory.name}`, () => {
    test('the retention run erases requests that ended without access, once they are old enough', async (t) => {
      const { db } = await fresh(t, factory);
      const old = at(0);
      const rejected = await ended(db, 'rejected', old);
      const withdrawn = await ended(db, 'withdrawn', old);
      const expiredUnverified = await ended(db, 'expired', old);
      const recent = await ended(db, 'rejected', at(80 * DAY));
      const hadAccess = await ended(db, 'revoked', old, { directoryUserId: 'user-1' });
      const other = await ended(db, 'rejected', old); // another person, also due
      const clock = { now: () => at(100 * DAY) };
      // Everyone due is erased in one run, except `recent` and the request that gave access.
      const erased = await eraseEndedRequests({ personalData: db.personalData, clock }, { retentionDays: 90 });
      assert.equal(erased, 4, 'rejected, withdrawn, expired before access and the other rejected one');

      for (const request of [rejected, withdrawn, expiredUnverified]) {
        const row = await db.store.getRequest(request.id);
        assert.equal(row?.email, `erased-${request.id}@erased.invalid`);
        assert.deepEqual(
          [row?.firstName, row?.lastName, row?.justification, row?.reason],
          ['[erased]', '[erased]', null, null],
        );
        assert.equal(row?.status, request.status, 'the decision stays');
        const trail = await db.store.listAudit(request.id);
        assert.deepEqual(
          trail.map((e) => [e.action, e.toStatus, e.actor]),
          [
            ['submit', 'pending_approval', 'requester'],
            ['reject', request.status, 'token:alice'],
            ['personal_data_erased', request.status, 'system'],
          ],
          'every decision and who made it is kept',
        );
        assert.ok(!JSON.stringify(trail).includes('Ada'), 'no free text names the person');
        assert.match(trail.at(-1)?.reason ?? '', /retention: ended without access more than 90 days ago/);
        assert.equal(await db.store.countVerificationEmails(request.id), 0);
        assert.equal(await db.store.isReasonShared(request.id), false);
        assert.equal(await db.store.latestVerificationExpiry(request.id), null);
      }
      for (const kept of [recent, hadAccess]) {
        const row = await db.store.getRequest(kept.id);
        assert.equal(row?.email, kept.email, `${kept.status} kept`);
        assert.equal(row?.justification, 'I am Ada, the new auditor');
        assert.deepEqual(row?.answers, { company: 'Ada Lovelace Consulting' });
      }
      const mail = await db.store.listSandboxMessages();
      assert.deepEqual(
        mail.map((m) => m.to[0]?.toLowerCase()).sort(),
        [recent.email, hadAccess.email].sort(),
        "the erased people's sandbox mail is gone, the others' stays",
      );
      assert.ok(!mail.some((m) => m.to[0]?.toLowerCase() === other.email));
      assert.equal(
        await eraseEndedRequests({ personalData: db.personalData, clock }, { retentionDays: 90 }),
        0,
        'a second run erases nothing again',
      );
    });

    // Raw SQL needs a second connection: not the in-memory database.
    if (factory.name !== 'sqlite (memory)')
      test('the audit trail stays append-only: only free text may become [erased]', async (t) => {
        const { db, raw } = await fresh(t, factory);
        assert.ok(raw);
        const request = await ended(db, 'rejected', T0);
        await assert.rejects(
          raw(`update audit_events set action = 'approve' where request_id = '${request.id}'`),
          /append-only/,
        );
        await assert.rejects(
          raw(`update audit_events set reason = '[erased]', actor = 'x' where request_id = '${request.id}'`),
          /append-only/,
        );
        await assert.rejects(
          raw(`update audit_events set reason = 'rewritten' where request_id = '${request.id}'`),
          /append-only/,
        );
        await assert.rejects(raw(`delete from audit_events where request_id = '${request.id}'`), /append-only/);
      });

    test('erase --email: every ended request of the address, audited without the person; refused while one is open', async (t) => {
      const { db } = await fresh(t, factory);
      const email = `${randomUUID().slice(0, 8)}@fabrikam.com`;
      const first = await ended(db, 'rejected', at(DAY), { email });
      const second = await ended(db, 'revoked', at(2 * DAY), { email, directoryUserId: 'user-2' });
      const open = aRequest({ email, status: 'pending_approval' });
      await db.store.insertRequest(open, anAudit(open), []);
      const deps = { personalData: db.personalData, clock: { now: () => at(3 * DAY) } };
      const actor = { kind: 'cli', user: 'ops' } as const;

      await assert.rejects(erasePerson(deps, { email: email.toUpperCase(), actor }), (error: unknown) => {
        assert.ok(error instanceof ConflictError);
        assert.match(error.message, new RegExp(`Nothing was erased: ${open.id} is pending_approval`));
        assert.match(error.message, /guestlist request revoke ID/);
        return true;
      });
      assert.equal((await db.store.getRequest(first.id))?.email, email, 'nothing erased');

      const withdrawn = { ...open, status: 'withdrawn' as const, updatedAt: at(3 * DAY) };
      assert.ok(
        await db.store.saveTransition({
          next: withdrawn,
          expectedStatus: 'pending_approval',
          audit: anAudit(open, { action: 'withdraw', fromStatus: 'pending_approval', toStatus: 'withdrawn' }),
          jobs: [],
        }),
      );
      const { erased } = await erasePerson(deps, { email: ` ${email.toUpperCase()} `, actor });
      assert.deepEqual(
        erased.map((r) => r.id),
        [first.id, second.id, open.id],
      );
      for (const id of [first.id, second.id, open.id]) {
        const row = await db.store.getRequest(id);
        assert.equal(row?.email, `erased-${id}@erased.invalid`);
        assert.match((await db.store.listAudit(id)).at(-1)?.reason ?? '', /data-subject request/);
        assert.equal((await db.store.listAudit(id)).at(-1)?.actor, 'cli:ops');
      }
      const [adminEntry] = await db.store.listAdminAudit(1);
      assert.equal(adminEntry?.action, 'personal_data.erase');
      assert.ok(!JSON.stringify(adminEntry).includes(email), 'the admin audit does not keep the address');
      assert.deepEqual((await erasePerson(deps, { email, actor })).erased, [], 'nothing left to erase');
      await assert.rejects(erasePerson(deps, { email: 'not an address', actor }), /is not an email address/);
    });
  });
}
