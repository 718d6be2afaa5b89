// Review: verification commits `pending_approval`, then applies the policy in a second step.
// A crash (or a failure) between the two left a request with no stage and no decision: no
// approver was emailed, no rule applied, nothing came back to it. The verify move now
// commits an apply_policy job with it (app/apply-policy.ts policyJob): the guarantee.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { applyPolicyIfPending } from '../../src/app/apply-policy.ts';
import { sendVerification } from '../../src/app/send-verification.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { verifyEmail } from '../../src/app/verify-email.ts';
import { DEFAULT_POLICY } from '../../src/domain/approval-policy.ts';
import type { MailMessage } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories } from '../helpers/databases.ts';

for (const factory of databaseFactories.filter((f) => f.name !== 'sqlite (file)')) {
  test(`a policy that fails after verification is applied by the job committed with it (${factory.name})`, async (t) => {
    const opened = await factory.open();
    t.after(() => opened.close());
    const { db } = opened;
    const sent: MailMessage[] = [];
    let broken = false;
    const deps = {
      store: db.store,
      clock: fixedClock(),
      ids: { next: randomUUID },
      policyFor: async () => {
        if (broken) throw new Error('the process died here');
        return DEFAULT_POLICY;
      },
      directory: null,
      mailer: { send: async (m: MailMessage) => void sent.push(m) },
      settings: { publicUrl: 'https://guestlist.contoso.com', validForMs: 24 * 3_600_000 },
      branding: { organizationName: 'Contoso', appName: 'Project X' },
    };
    const request = await submitRequest(deps, {
      email: 'ada@fabrikam.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      actor: { kind: 'requester' },
      verified: false,
    });
    await sendVerification(deps, request.id);
    broken = true; // from here: the policy fails, as if the process died after the verify commit
    const token = decodeURIComponent(/\/verify\?token=([^\s]+)/.exec(sent.at(-1)!.text)![1]!);
    await assert.rejects(verifyEmail(deps, { token }), /the process died here/);
    assert.equal((await db.store.getRequest(request.id))?.status, 'pending_approval');
    assert.equal((await db.store.getApprovalState(request.id))?.stage ?? null, null, 'no stage began');
    const job = (await db.jobs.listJobs(request.id)).find((each) => each.kind === 'apply_policy');
    assert.ok(job, 'the verify move committed the guarantee');

    broken = false;
    await applyPolicyIfPending(deps, request.id);
    assert.equal((await db.store.getApprovalState(request.id))?.stage, 0, 'the default stage began');
    const audit = await db.store.listAudit(request.id);
    assert.equal(audit.at(-1)?.action, 'stage_begun');
    // Once staged (or decided), the job does nothing more.
    await applyPolicyIfPending(deps, request.id);
    assert.deepEqual(await db.store.listAudit(request.id), audit);
  });
}
