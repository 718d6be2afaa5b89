// Verification hands the request to its app's policy: approved or rejected at once by the
// rule that decided (the audit trail says `policy:<rule>`), or sent to the approvers; an
// approver racing the policy, or two clicks on the link, still produce one decision. On
// SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Database } from '../../src/adapters/store/index.ts';
import { createCatalogue, defaultApp } from '../../src/app/app-catalogue.ts';
import type { PolicyDeps } from '../../src/app/apply-policy.ts';
import { policyFromCatalogue } from '../../src/app/apply-policy.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { sendVerification } from '../../src/app/send-verification.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { verifyEmail } from '../../src/app/verify-email.ts';
import { type ApprovalPolicy, DEFAULT_POLICY } from '../../src/domain/approval-policy.ts';
import { DEFAULT_APP_ID } from '../../src/domain/apps.ts';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import type { DirectoryMatch, MailMessage } from '../../src/ports.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories, type TestDatabase } from '../helpers/databases.ts';
import { inState } from '../http/console/fixtures.ts';

const guestMatch = (email: string): DirectoryMatch => ({
  user: {
    id: randomUUID(),
    createdAt: null,
    userType: 'Guest',
    mail: email,
    displayName: 'Ada Lovelace',
    externalUserState: 'Accepted',
    accountEnabled: true,
  },
  matchedBy: ['mail'],
});

for (const factory of databaseFactories.filter((f) => f.name !== 'sqlite (file)')) {
  describe(`the policy at verification (${factory.name})`, () => {
    let opened: TestDatabase;
    let db: Database;
    let sent: MailMessage[];
    let policy: ApprovalPolicy;
    let directory: PolicyDeps['directory'];
    const clock = fixedClock();

    beforeEach(async () => {
      opened = await factory.open();
      db = opened.db;
      sent = [];
      policy = DEFAULT_POLICY;
      directory = null;
    });
    afterEach(() => opened.close());

    const deps = () => ({
      store: db.store,
      clock,
      ids: { next: randomUUID },
      policyFor: async () => policy,
      directory,
      mailer: { send: async (m: MailMessage) => void sent.push(m) },
      settings: { publicUrl: 'https://guestlist.contoso.com', validForMs: 24 * 3_600_000 },
      branding: { organizationName: 'Contoso', appName: 'Project X' },
    });

    /** Submits as the requester and returns the request's id and its confirmation token. */
    async function asked(email: string, justification: string | null = 'Project Falcon') {
      const request = await submitRequest(deps(), {
        email,
        firstName: 'Ada',
        lastName: 'Lovelace',
        justification,
        actor: { kind: 'requester' },
        verified: false,
      });
      await sendVerification(deps(), request.id);
      const link = [...(sent.at(-1)?.text ?? '').matchAll(/\/verify\?token=([^\s]+)/g)][0]?.[1] ?? '';
      return { id: request.id, token: decodeURIComponent(link) };
    }

    const last = async (id: string) => (await db.store.listAudit(id)).at(-1)!;

    test('a blocked domain is rejected by policy:blocked_domain; the requester is not told which list', async () => {
      policy = { ...DEFAULT_POLICY, blockedDomains: ['evil.example'] };
      const { id, token } = await asked('eve@Mail.Evil.Example');
      const { outcome, request } = await verifyEmail(deps(), { token });
      assert.equal(outcome, 'verified');
      assert.equal(request.status, 'rejected');
      const entry = await last(id);
      assert.equal(entry.actor, 'policy:blocked_domain');
      assert.equal(entry.action, 'reject');
      assert.match(entry.reason ?? '', /evil\.example/);
      assert.equal(await db.store.isReasonShared(id), false);
      // The requester still hears of the decision (a generic rejection email is queued).
      assert.ok((await db.jobs.listJobs(id)).some((job) => job.kind === 'notify_requester'));
    });

    test('a disposable address is rejected by policy:disposable_address, and the reason is shared', async () => {
      policy = { ...DEFAULT_POLICY, rejectDisposable: true };
      const { id, token } = await asked('x@mailinator.com');
      assert.equal((await verifyEmail(deps(), { token })).request.status, 'rejected');
      assert.equal((await last(id)).actor, 'policy:disposable_address');
      assert.equal(await db.store.isReasonShared(id), true);
    });

    test('an allowed domain is approved by policy:allowed_domain with its provisioning job', async () => {
      policy = { ...DEFAULT_POLICY, allowedDomains: ['contoso.com'] };
      const { id, token } = await asked('ann@eu.contoso.com');
      assert.equal((await verifyEmail(deps(), { token })).request.status, 'approved');
      const entry = await last(id);
      assert.deepEqual([entry.actor, entry.action, entry.toStatus], ['policy:allowed_domain', 'approve', 'approved']);
      assert.deepEqual(
        (await db.jobs.listJobs(id)).filter((job) => job.kind === 'provision').length,
        1,
        'one provisioning job, committed with the approval',
      );
    });

    test('a policy with no stages approves (policy:no_stages)', async () => {
      policy = { ...DEFAULT_POLICY, stages: [] };
      const { id, token } = await asked('ann@fabrikam.com');
      assert.equal((await verifyEmail(deps(), { token })).request.status, 'approved');
      assert.equal((await last(id)).actor, 'policy:no_stages');
    });

    test('otherwise the request waits for the first stage, and the history says so', async () => {
      const { id, token } = await asked('ann@fabrikam.com');
      assert.equal((await verifyEmail(deps(), { token })).request.status, 'pending_approval');
      // Which entry beginning a stage writes is the stages' business (begin-approval.ts); it
      // names the rule that sent the request there and why.
      const entry = await last(id);
      assert.deepEqual([entry.actor, entry.toStatus], ['policy:stages', 'pending_approval']);
      assert.match(entry.reason ?? '', /No rule decided: the first stage \(Approval\) decides/);
    });

    test('an existing guest (found in the directory) is approved when the policy says so', async () => {
      policy = { ...DEFAULT_POLICY, existingGuest: 'approve' };
      directory = { findUsersByEmail: async (email) => [guestMatch(email)] };
      const { id, token } = await asked('ann@fabrikam.com');
      assert.equal((await verifyEmail(deps(), { token })).request.status, 'approved');
      assert.equal((await last(id)).actor, 'policy:existing_guest');
    });

    test("the policy is the request's app's: a guest holding another app is approved by policy:existing_guest", async () => {
      const wiki = anApp({ policy: { ...DEFAULT_POLICY, existingGuest: 'approve' } });
      await db.store.insertApp(wiki, null);
      // Ada already holds the default app through Guestlist.
      await inState(db.store, 'active', { email: 'ada@fabrikam.com', appId: DEFAULT_APP_ID });
      const catalogue = createCatalogue({
        store: db.store,
        defaultApp: defaultApp({ name: 'Portal', redirectUrl: 'https://portal.contoso.com/', groupIds: [] }),
      });
      const withCatalogue = { ...deps(), policyFor: policyFromCatalogue(catalogue) };
      const request = await submitRequest(withCatalogue, {
        email: 'ada@fabrikam.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        app: wiki,
        answers: { company: 'Fabrikam' },
        actor: { kind: 'requester' },
        verified: false,
      });
      await sendVerification(withCatalogue, request.id);
      const token = decodeURIComponent(/\/verify\?token=([^\s]+)/.exec(sent.at(-1)?.text ?? '')?.[1] ?? '');
      assert.equal((await verifyEmail(withCatalogue, { token })).request.status, 'approved');
      assert.equal((await last(request.id)).actor, 'policy:existing_guest');
      // The default app's policy (DEFAULT_POLICY) asks about existing guests as usual.
      const again = await submitRequest(withCatalogue, {
        email: 'bob@fabrikam.com',
        firstName: 'Bob',
        lastName: 'Example',
        actor: { kind: 'token', name: 'alice-admin' },
        verified: true,
      });
      assert.equal(again.status, 'pending_approval');
    });

    test('the directory down: the request is not lost nor stuck, the approvers are asked with a note', async () => {
      policy = { ...DEFAULT_POLICY, existingGuest: 'approve' };
      directory = {
        findUsersByEmail: async () => {
          throw new DirectoryError({
            message: 'Service unavailable',
            transient: true,
            graphCode: 'serviceUnavailable',
          });
        },
      };
      const { id, token } = await asked('ann@fabrikam.com');
      assert.equal((await verifyEmail(deps(), { token })).request.status, 'pending_approval');
      const entry = await last(id);
      assert.deepEqual([entry.actor, entry.toStatus], ['policy:stages', 'pending_approval']);
      assert.match(entry.reason ?? '', /Could not check the directory for an existing guest \(serviceUnavailable\)/);
    });

    test('an approver deciding while the policy evaluates: one decision, the approver’s', async () => {
      policy = { ...DEFAULT_POLICY, allowedDomains: ['contoso.com'] };
      const { id, token } = await asked('ann@contoso.com');
      const racing = {
        ...deps(),
        // The approver's click lands after the verification, before the policy writes.
        policyFor: async () => {
          await decideRequest(deps(), { id, actor: { kind: 'cli', user: 'bob' }, decision: 'reject', reason: 'No' });
          return policy;
        },
      };
      const { request } = await verifyEmail(racing, { token });
      assert.equal(request.status, 'rejected');
      const decisions = (await db.store.listAudit(id)).filter((e) => e.action === 'approve' || e.action === 'reject');
      assert.deepEqual(
        decisions.map((e) => e.actor),
        ['cli:bob'],
      );
    });

    test('two clicks on the link at once: one verification, one policy decision', async () => {
      policy = { ...DEFAULT_POLICY, allowedDomains: ['contoso.com'] };
      const { id, token } = await asked('ann@contoso.com');
      await Promise.all([verifyEmail(deps(), { token }), verifyEmail(deps(), { token })]);
      const actions = (await db.store.listAudit(id)).map((e) => e.action);
      assert.equal(actions.filter((a) => a === 'verify').length, 1);
      assert.equal(actions.filter((a) => a === 'approve').length, 1);
      assert.equal((await db.jobs.listJobs(id)).filter((job) => job.kind === 'provision').length, 1);
    });

    test('an admin-vouched submission is decided by the policy at once', async () => {
      policy = { ...DEFAULT_POLICY, blockedDomains: ['evil.example'] };
      const request = await submitRequest(deps(), {
        email: 'eve@evil.example',
        firstName: 'Eve',
        lastName: 'Example',
        actor: { kind: 'token', name: 'alice-admin' },
        verified: true,
      });
      assert.equal(request.status, 'rejected');
      assert.equal((await last(request.id)).actor, 'policy:blocked_domain');
    });

    test('a policy requiring a reason refuses a submission without one, storing nothing', async () => {
      policy = { ...DEFAULT_POLICY, requireJustification: true };
      await assert.rejects(
        submitRequest(deps(), {
          email: 'ann@fabrikam.com',
          firstName: 'Ann',
          lastName: 'Example',
          justification: '   ',
          actor: { kind: 'requester' },
          verified: false,
        }),
        (error: unknown) =>
          error instanceof ValidationError && error.fields?.some((f) => f.field === '/justification') === true,
      );
      assert.deepEqual(await db.store.listOpenRequestsByEmail('ann@fabrikam.com'), []);
    });

    test('a reason missing at verification (the policy changed since) is rejected by policy:justification_required', async () => {
      const { id, token } = await asked('ann@fabrikam.com', null);
      policy = { ...DEFAULT_POLICY, requireJustification: true };
      assert.equal((await verifyEmail(deps(), { token })).request.status, 'rejected');
      assert.equal((await last(id)).actor, 'policy:justification_required');
      assert.equal(await db.store.isReasonShared(id), true);
    });
  });
}
