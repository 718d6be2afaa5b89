// An anonymous submission answers the same whatever already exists for the address, and
// queues the same work: the verification job does the counting, never the submission.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRequest } from '../../src/app/decide-request.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { provisioningHarness } from './provisioning-harness.ts';

test('the answer and the queued jobs are identical for a new address, one waiting, one under way and one rejected', async (t) => {
  const h = await provisioningHarness();
  t.after(() => h.close());
  const admin = { kind: 'token', name: 'admin' } as const;
  const anonymous = (email: string) =>
    submitRequest(h.deps, { email, firstName: 'Ann', lastName: 'On', actor: { kind: 'requester' }, verified: false });
  await anonymous('waiting@fabrikam.com');
  await h.approved('underway@fabrikam.com');
  const rejected = await submitRequest(h.deps, {
    email: 'rejected@fabrikam.com',
    firstName: 'R',
    lastName: 'J',
    actor: admin,
    verified: true,
  });
  await decideRequest(h.deps, { id: rejected.id, actor: admin, decision: 'reject', reason: 'No.' });

  const answers = [];
  for (const email of ['new@fabrikam.com', 'waiting@fabrikam.com', 'underway@fabrikam.com', 'rejected@fabrikam.com']) {
    const request = await anonymous(email);
    const jobs = (await h.db.jobs.listJobs(request.id)).map((job) => job.kind).sort();
    // What a route can show: the status, the shape, and what was queued (timing-free).
    answers.push({ status: request.status, keys: Object.keys(request).sort(), jobs });
  }
  for (const answer of answers.slice(1)) assert.deepEqual(answer, answers[0]);
  assert.deepEqual(answers[0]?.jobs, ['expire_verification', 'send_verification']);
});
