// The Store contract, run against every database in test/helpers/databases.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, type TestContext, test } from 'node:test';
import { ConflictError, ValidationError } from '../../../src/domain/errors.ts';
import { type DatabaseFactory, databaseFactories } from '../../helpers/databases.ts';
import { aJob, anAudit, aRequest, at, moveTo, T0 } from './fixtures.ts';

const storeModule = new URL('../../../src/adapters/store/index.ts', import.meta.url).href;

async function fresh(t: TestContext, factory: DatabaseFactory, options?: { migrate?: boolean }) {
  const opened = await factory.open(options);
  t.after(() => opened.close());
  return opened;
}

/** A trigger that makes every insert into `jobs` fail, as a full disk or a bug would. */
const refuseJobInserts = {
  sqlite: `create trigger refuse_jobs before insert on jobs begin select raise(abort, 'jobs refused'); end`,
  postgres: `create function refuse_jobs() returns trigger language plpgsql as
      $$ begin raise exception 'jobs refused'; end $$;
    create trigger refuse_jobs before insert on jobs for each row execute function refuse_jobs()`,
};

for (const factory of databaseFactories) {
  describe(`Store contract: ${factory.name}`, () => {
    test('is not ready before migrating; migrating twice is a no-op', async (t) => {
      const { db } = await fresh(t, factory, { migrate: false });
      assert.equal(await db.store.isReady(), false);
      await db.migrate();
      assert.equal(await db.store.isReady(), true);
      const request = aRequest();
      await db.store.insertRequest(request, anAudit(request), []);
      await db.migrate();
      assert.equal(await db.store.isReady(), true);
      assert.deepEqual(await db.store.getRequest(request.id), request);
    });

    // Needs a second connection to the same database, which in-memory SQLite cannot have.

    if (!factory.name.includes('memory'))
      test('two processes migrating at once both succeed', async (t) => {
        const { url, db } = await fresh(t, factory, { migrate: false });
        // Each child opens the database and says so, then waits for the word to migrate, so
        // the migrations really overlap instead of being staggered by process start-up.
        const script = `const { openDatabase } = await import(${JSON.stringify(storeModule)});
        const db = await openDatabase(process.argv[1]);
        process.stdout.write('ready\\n');
        await new Promise((resolve) => process.stdin.once('data', resolve));
        await db.migrate(); await db.close();`;
        const children = [1, 2].map(() =>
          spawn(process.execPath, ['--input-type=module', '-e', script, url!], { stdio: ['pipe', 'pipe', 'inherit'] }),
        );
        // A failed assertion must not leave a child waiting on stdin and the runner with it.
        t.after(() => {
          for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
        });
        const exits = children.map(async (child) => (await once(child, 'exit'))[0]);
        await Promise.all(children.map((child, i) => Promise.race([once(child.stdout, 'data'), exits[i]])));
        for (const child of children) child.stdin.end('go\n');
        assert.deepEqual(await Promise.all(exits), [0, 0]);
        assert.equal(await db.store.isReady(), true);
      });

    test('inserts and reads a request with its audit entry', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest({
        createdAt: new Date('2026-03-01T09:00:00.123Z'),
        reason: 'because',
        justification: 'I run the\nsupplier audit — 審査',
      });
      const audit = anAudit(request);
      await db.store.insertRequest(request, audit, []);
      assert.deepEqual(await db.store.getRequest(request.id), request);
      const without = aRequest();
      await db.store.insertRequest(without, anAudit(without), []);
      assert.equal((await db.store.getRequest(without.id))?.justification, null);
      assert.deepEqual(await db.store.listAudit(request.id), [audit]);
      assert.equal(await db.store.getRequest('00000000-0000-4000-8000-000000000000'), null);
      assert.deepEqual(await db.jobs.listJobs(request.id), []);
    });

    test('lists the open requests for an email, newest first, ignoring final ones', async (t) => {
      const { db } = await fresh(t, factory);
      const email = 'grace@example.org';
      const old = aRequest({ email, status: 'rejected', createdAt: at(0) });
      const open = aRequest({ email, status: 'invited', createdAt: at(1000) });
      const waiting = aRequest({ email, status: 'pending_verification', createdAt: at(1500) });
      const newest = aRequest({ email, status: 'withdrawn', createdAt: at(2000) });
      for (const each of [old, open, waiting, newest]) await db.store.insertRequest(each, anAudit(each), []);
      assert.deepEqual(await db.store.listOpenRequestsByEmail(email), [waiting, open]);
      assert.deepEqual(await db.store.listOpenRequestsByEmail('nobody@example.org'), []);
    });

    test('lists newest first, page by page, with an optional status filter', async (t) => {
      const { db } = await fresh(t, factory);
      // Two share a creation time: the cursor must still neither skip nor repeat one.
      const requests = [0, 1000, 1000, 2000, 3000].map((ms, i) =>
        aRequest({ createdAt: at(ms), status: i % 2 ? 'approved' : 'pending_approval' }),
      );
      for (const each of requests) await db.store.insertRequest(each, anAudit(each), []);
      const expected = [...requests].sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
      );
      const seen = [];
      let after: string | undefined;
      do {
        const page = await db.queries.listRequests({ limit: 2, ...(after ? { after } : {}) });
        assert.ok(page.items.length <= 2);
        seen.push(...page.items);
        after = page.next ?? undefined;
      } while (after);
      assert.deepEqual(seen, expected);

      const approved = await db.queries.listRequests({ status: 'approved', limit: 10 });
      assert.deepEqual(approved, { items: expected.filter((r) => r.status === 'approved'), next: null });
      await assert.rejects(db.queries.listRequests({ limit: 2, after: 'not-a-cursor' }), ValidationError);
    });

    test('the read side searches address and names in any case, takes LIKE wildcards literally, and counts per state', async (t) => {
      const { db } = await fresh(t, factory);
      const ada = aRequest({ email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace', status: 'approved' });
      const grace = aRequest({ email: 'grace_h@contoso.com', firstName: 'Grace', lastName: 'Hopper' });
      const other = aRequest({ email: 'gracexh@contoso.com', firstName: 'Other', lastName: 'Person' });
      for (const each of [ada, grace, other]) await db.store.insertRequest(each, anAudit(each), []);
      const ids = async (search: string) =>
        (await db.queries.listRequests({ search, limit: 10 })).items.map((r) => r.id).sort();
      assert.deepEqual(await ids('FABRIKAM'), [ada.id]);
      assert.deepEqual(await ids('grace hop'), [grace.id], 'first and last name together');
      assert.deepEqual(await ids('grace_h'), [grace.id], '_ is a character, not a wildcard');
      assert.deepEqual(await ids('%'), [], '% is a character too');
      assert.deepEqual((await db.queries.listRequests({ search: 'a', status: 'approved', limit: 10 })).items, [ada]);
      assert.deepEqual(await db.queries.countByStatus(), { approved: 1, pending_approval: 2 });
    });

    test('the search matches the start of the address, its domain, the full name or the last name, not the middle', async (t) => {
      const { db } = await fresh(t, factory);
      const ada = aRequest({ email: 'ada.l@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' });
      const grace = aRequest({ email: 'grace@contoso.com', firstName: 'Grace', lastName: 'Hopper', status: 'failed' });
      for (const each of [ada, grace]) await db.store.insertRequest(each, anAudit(each), []);
      const ids = async (search: string, statuses?: Array<'failed' | 'pending_approval'>) =>
        (await db.queries.listRequests({ search, limit: 10, ...(statuses ? { statuses } : {}) })).items.map(
          (r) => r.id,
        );
      assert.deepEqual(await ids('ADA.L@'), [ada.id], 'address');
      assert.deepEqual(await ids('contoso.c'), [grace.id], 'domain');
      assert.deepEqual(await ids('hopp'), [grace.id], 'last name');
      assert.deepEqual(await ids('ada lovelace'), [ada.id], 'full name');
      assert.deepEqual(await ids('ovelace'), [], 'not the middle of a word');
      assert.deepEqual(await ids('a', ['failed']), [], 'with the states filter');
      assert.deepEqual(await ids('g', ['failed', 'pending_approval']), [grace.id]);
      assert.deepEqual(await db.queries.countByStatus(['failed', 'active']), { failed: 1 }, 'counts of some states');
    });

    test('the audit trail across requests: newest first, with the address, filters and pages', async (t) => {
      const { db } = await fresh(t, factory);
      const ada = aRequest({ email: 'ada@fabrikam.com' });
      const grace = aRequest({ email: 'grace@contoso.com', createdAt: at(1000) });
      await db.store.insertRequest(ada, anAudit(ada), []);
      await db.store.insertRequest(grace, anAudit(grace), []);
      assert.equal(await db.store.saveTransition(moveTo(ada, 'approved', at(86_400_000))), true);
      const trail = await db.queries.listAuditTrail({ limit: 10 });
      assert.deepEqual(
        trail.items.map((e) => [e.action, e.email]),
        [
          ['approve', 'ada@fabrikam.com'],
          ['submit', 'grace@contoso.com'],
          ['submit', 'ada@fabrikam.com'],
        ],
      );
      assert.equal(trail.next, null);
      const first = await db.queries.listAuditTrail({ limit: 2 });
      assert.ok(first.next);
      const second = await db.queries.listAuditTrail({ limit: 2, after: first.next });
      assert.deepEqual(
        second.items.map((e) => e.email),
        ['ada@fabrikam.com'],
      );
      assert.equal(second.next, null);
      const count = async (query: object) => (await db.queries.listAuditTrail({ limit: 10, ...query })).items.length;
      assert.equal(await count({ actor: 'ALICE' }), 1);
      assert.equal(await count({ actor: '%' }), 0, 'wildcards are characters');
      assert.equal(await count({ action: 'submit' }), 2);
      assert.equal(await count({ from: at(1000) }), 2);
      assert.equal(await count({ from: at(1000), to: at(86_400_000) }), 1);
      await assert.rejects(db.queries.listAuditTrail({ limit: 2, after: 'forged' }), ValidationError);
    });

    test('saveTransition writes the request, its audit entry and its jobs', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest();
      const submitted = anAudit(request, { at: at(0) });
      await db.store.insertRequest(request, submitted, []);
      const move = moveTo(request, 'approved', at(5000), [aJob(request, at(5000))]);
      // The same millisecond as the next entry: the audit trail keeps insertion order.
      move.audit.at = at(0);
      assert.equal(await db.store.saveTransition(move), true);
      assert.deepEqual(await db.store.getRequest(request.id), move.next);
      assert.deepEqual(await db.store.listAudit(request.id), [submitted, move.audit]);
      const jobs = await db.jobs.listJobs(request.id);
      assert.deepEqual(
        jobs.map((job) => ({ kind: job.kind, runAt: job.runAt, attempts: job.attempts, lockedBy: job.lockedBy })),
        [{ kind: 'provision', runAt: at(5000), attempts: 0, lockedBy: null }],
      );
    });

    test('only one request per address may be provisioning; several may be approved (migrations/0013)', async (t) => {
      const { db } = await fresh(t, factory);
      const first = aRequest({ email: 'twice@example.org', status: 'pending_approval', appId: 'wiki' });
      const second = aRequest({ email: 'twice@example.org', status: 'pending_approval', createdAt: at(1) });
      for (const each of [first, second]) await db.store.insertRequest(each, anAudit(each), []);
      assert.equal(await db.store.saveTransition(moveTo(first, 'approved', at(5))), true);
      // Another app's request for the same person is approved while the first waits or runs.
      assert.equal(await db.store.saveTransition(moveTo(second, 'approved', at(6), [aJob(second)])), true);
      const firstApproved = { ...first, status: 'approved' as const };
      const secondApproved = { ...second, status: 'approved' as const };
      assert.equal(await db.store.saveTransition(moveTo(firstApproved, 'provisioning', at(7))), true);
      // Only provisioning looks the person up and invites them: one such run per address.
      await assert.rejects(
        db.store.saveTransition(moveTo(secondApproved, 'provisioning', at(8), [aJob(second, at(8), 'grant_access')])),
        (error: unknown) => error instanceof ConflictError && error.code === 'provisioning_in_progress',
        'a second provisioning while the first runs',
      );
      assert.equal((await db.store.getRequest(second.id))?.status, 'approved', 'nothing written');
      assert.deepEqual(
        (await db.jobs.listJobs(second.id)).map((job) => job.kind),
        ['provision'],
        'no job added',
      );
      assert.equal(await db.store.saveTransition(moveTo({ ...first, status: 'provisioning' }, 'invited', at(9))), true);
      assert.equal(
        await db.store.saveTransition(moveTo(secondApproved, 'provisioning', at(10))),
        true,
        'free again once invited',
      );
    });

    test('saveTransition from a stale status writes nothing and returns false', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest();
      await db.store.insertRequest(request, anAudit(request), []);
      assert.equal(await db.store.saveTransition(moveTo(request, 'rejected', at(1))), true);
      const late = moveTo(request, 'approved', at(2), [aJob(request)]);
      assert.equal(await db.store.saveTransition(late), false);
      assert.equal((await db.store.getRequest(request.id))?.status, 'rejected');
      assert.equal((await db.store.listAudit(request.id)).length, 2);
      assert.deepEqual(await db.jobs.listJobs(request.id), []);
    });

    test('two concurrent decisions from the same status: exactly one wins', async (t) => {
      const { db, openAnother } = await fresh(t, factory);
      const request = aRequest();
      await db.store.insertRequest(request, anAudit(request), []);
      // On PostgreSQL the second decision comes through another pool. (Two SQLite
      // connections in one process would block each other's event loop: one per process.)
      const other = factory.name === 'postgres' && openAnother ? await openAnother() : db;
      const results = await Promise.all([
        db.store.saveTransition(moveTo(request, 'approved', at(1), [aJob(request)])),
        other.store.saveTransition(moveTo(request, 'rejected', at(1))),
      ]);
      assert.deepEqual(results.toSorted(), [false, true]);
      const audit = await db.store.listAudit(request.id);
      assert.equal(audit.length, 2);
      const status = (await db.store.getRequest(request.id))?.status;
      assert.equal(audit[1]?.toStatus, status);
      assert.equal((await db.jobs.listJobs(request.id)).length, status === 'approved' ? 1 : 0);
    });

    test('a transition whose audit entry cannot be written changes nothing', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest();
      const first = anAudit(request);
      await db.store.insertRequest(request, first, []);
      const move = moveTo(request, 'approved', at(1), [aJob(request)]);
      move.audit.id = first.id; // a duplicate id fails the insert after the update ran
      await assert.rejects(db.store.saveTransition(move));
      assert.deepEqual(await db.store.getRequest(request.id), request);
      assert.deepEqual(await db.jobs.listJobs(request.id), []);
      assert.deepEqual(await db.store.listAudit(request.id), [first]);
    });

    // Needs a second connection to the same database, which in-memory SQLite cannot have.

    if (!factory.name.includes('memory'))
      test('a transition or a submission whose jobs cannot be written changes nothing', async (t) => {
        const { db, raw } = await fresh(t, factory);
        const request = aRequest();
        const first = anAudit(request);
        await db.store.insertRequest(request, first, []);
        // The jobs insert runs last in each transaction: refuse it, so everything else
        // has been written by the time it fails and only the rollback can undo it.
        await raw!(refuseJobInserts[factory.name === 'postgres' ? 'postgres' : 'sqlite']);

        await assert.rejects(db.store.saveTransition(moveTo(request, 'approved', at(1), [aJob(request)])), /refused/);
        assert.deepEqual(await db.store.getRequest(request.id), request, 'the status did not change');
        assert.deepEqual(await db.store.listAudit(request.id), [first]);
        assert.deepEqual(await db.jobs.listJobs(), []);

        const other = aRequest({ status: 'pending_verification' });
        await assert.rejects(db.store.insertRequest(other, anAudit(other), [aJob(other, T0, 'send_verification')]));
        assert.equal(await db.store.getRequest(other.id), null, 'no request without its job');
        assert.deepEqual(await db.store.listAudit(other.id), []);
      });

    if (!factory.name.includes('memory'))
      test('the audit trail refuses UPDATE and DELETE', async (t) => {
        const { db, raw } = await fresh(t, factory);
        const request = aRequest();
        const audit = anAudit(request);
        await db.store.insertRequest(request, audit, []);
        await assert.rejects(raw!(`update audit_events set actor = 'mallory'`), /append-only/);
        await assert.rejects(raw!('delete from audit_events'), /append-only/);
        assert.deepEqual(await db.store.listAudit(request.id), [audit]);
      });

    test('records provisioning progress with its jobs, only while the status is as expected', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest({ status: 'provisioning' });
      await db.store.insertRequest(request, anAudit(request), []);
      assert.deepEqual((await db.store.getProgress(request.id)).grantedGroupIds, [], 'defaults before any step');
      const ok = await db.store.recordProgress({
        requestId: request.id,
        expectedStatus: ['provisioning'],
        at: at(9),
        directoryUser: { id: 'user-1', redeemUrl: 'https://login.example/redeem' },
        progress: { directoryUserState: 'pending', directoryUserAt: at(9), grantedGroupIds: ['g1'] },
        jobs: [aJob(request, at(9), 'grant_access')],
      });
      assert.equal(ok, true);
      assert.deepEqual(await db.store.getRequest(request.id), {
        ...request,
        directoryUserId: 'user-1',
        redeemUrl: 'https://login.example/redeem',
        updatedAt: at(9),
      });
      // A later step adds to what an earlier one recorded, never clearing it.
      await db.store.recordProgress({
        requestId: request.id,
        expectedStatus: ['provisioning', 'invited'],
        at: at(10),
        progress: {
          invitationEmailsSent: 1,
          matchCandidates: [
            {
              user: {
                id: 'u',
                userType: 'Guest',
                mail: null,
                displayName: null,
                externalUserState: null,
                accountEnabled: true,
                createdAt: at(1),
              },
              matchedBy: ['otherMails'],
            },
          ],
        },
      });
      const progress = await db.store.getProgress(request.id);
      assert.equal(progress.directoryUserState, 'pending');
      assert.deepEqual(progress.directoryUserAt, at(9));
      assert.deepEqual(progress.grantedGroupIds, ['g1']);
      assert.equal(progress.invitationEmailsSent, 1);
      assert.deepEqual(progress.matchCandidates?.[0]?.user.createdAt, at(1));
      assert.deepEqual(
        (await db.jobs.listJobs(request.id)).map((job) => job.kind),
        ['grant_access'],
      );
      // A stale run (the request moved on) records nothing.
      const stale = await db.store.recordProgress({
        requestId: request.id,
        expectedStatus: ['approved'],
        at: at(11),
        progress: { grantedGroupIds: ['g1', 'g2'] },
        jobs: [aJob(request, at(11), 'send_invitation')],
      });
      assert.equal(stale, false);
      assert.deepEqual((await db.store.getProgress(request.id)).grantedGroupIds, ['g1']);
      assert.equal((await db.jobs.listJobs(request.id)).length, 1);
      assert.equal(
        await db.store.recordProgress({ requestId: 'missing', expectedStatus: ['provisioning'], at: at(12) }),
        false,
      );
    });

    test('a job keeps its payload; progress keeps the user its invitation created', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest({ status: 'revoked' });
      await db.store.insertRequest(request, anAudit(request), [
        { kind: 'revoke_access', requestId: request.id, runAt: at(1), payload: { deleteGuest: true } },
        aJob(request, at(2), 'send_invitation'),
      ]);
      const jobs = await db.jobs.listJobs(request.id);
      assert.deepEqual(jobs[0]?.payload, { deleteGuest: true });
      assert.equal('payload' in (jobs[1] ?? {}), false, 'a job without one reads as before');
      const claimed = await db.jobs.claim('w', at(5), 60_000);
      assert.deepEqual(claimed?.payload, { deleteGuest: true }, 'the worker gets it with the claim');
      assert.equal((await db.store.getProgress(request.id)).createdUserId, null);
      await db.store.recordProgress({
        requestId: request.id,
        expectedStatus: ['revoked'],
        at: at(6),
        progress: { createdUserId: 'user-9' },
      });
      await db.store.recordProgress({
        requestId: request.id,
        expectedStatus: ['revoked'],
        at: at(7),
        progress: { grantedGroupIds: [] },
      });
      assert.equal((await db.store.getProgress(request.id)).createdUserId, 'user-9');
    });

    test('stores verification tokens by hash, several per request, with their expiry', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest();
      await db.store.insertRequest(request, anAudit(request), []);
      const first = { hash: 'a'.repeat(64), requestId: request.id, expiresAt: at(86_400_000), createdAt: at(0) };
      const second = { ...first, hash: 'b'.repeat(64), expiresAt: at(90_000_000) };
      await db.store.insertVerificationToken(first);
      await db.store.insertVerificationToken(second);
      assert.deepEqual(await db.store.findVerificationToken(first.hash), first);
      assert.deepEqual(await db.store.findVerificationToken(second.hash), second);
      assert.equal(await db.store.findVerificationToken('c'.repeat(64)), null);
      await assert.rejects(db.store.insertVerificationToken(first), 'a hash is unique');
    });

    test('keeps sandbox messages in the order they were sent', async (t) => {
      const { db } = await fresh(t, factory);
      const message = (id: string, sentAt: Date) => ({
        id,
        source: 'guestlist' as const,
        from: 'guestlist@example.org',
        to: ['ada@example.org', 'bob@example.org'],
        subject: 'Your request',
        text: 'See https://app.example/r/1',
        html: null,
        links: ['https://app.example/r/1'],
        sentAt,
      });
      const second = { ...message('m2', at(2000)), source: 'graph' as const, html: '<p>Hi</p>' };
      await db.store.insertSandboxMessage(second);
      await db.store.insertSandboxMessage(message('m1', at(1000)));
      assert.deepEqual(await db.store.listSandboxMessages(), [message('m1', at(1000)), second]);
    });

    test('keeps one directory pause: started once, probed once per slot, ended only by its own start', async (t) => {
      const { db, openAnother } = await fresh(t, factory);
      const store = db.store;
      const pause = {
        since: at(0),
        reason: "AADSTS7000222: Entra ID refused the app's credentials",
        fix: 'Create a new client secret.',
        code: 'AADSTS7000222',
        operation: 'findUserByEmail',
        nextProbeAt: at(60_000),
      };
      assert.equal(await store.getDirectoryPause(), null);
      assert.equal(await store.takeDirectoryProbe(at(120_000), at(180_000)), false, 'nothing paused');
      // Another process (where the database allows one) sees the same pause.
      const other = openAnother ? (await openAnother()).store : store;
      assert.equal(await store.pauseDirectory(pause), true);
      assert.equal(await other.pauseDirectory({ ...pause, since: at(5), reason: 'later' }), false);
      assert.deepEqual(await other.getDirectoryPause(), pause);

      assert.equal(await store.takeDirectoryProbe(at(59_999), at(119_999)), false, 'not yet');
      assert.equal(await store.takeDirectoryProbe(at(60_000), at(120_000)), true);
      assert.equal(await other.takeDirectoryProbe(at(60_000), at(120_000)), false, 'that slot is taken');
      assert.deepEqual((await store.getDirectoryPause())?.nextProbeAt, at(120_000));

      assert.equal(await other.resumeDirectory(at(5)), false, 'not the pause in force');
      assert.equal(await other.resumeDirectory(pause.since), true);
      assert.equal(await store.resumeDirectory(pause.since), false, 'already ended');
      assert.equal(await store.getDirectoryPause(), null);
    });
  });
}
