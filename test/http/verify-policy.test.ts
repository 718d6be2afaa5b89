// The confirmation page tells the requester what the policy decided at once: approved (an
// invitation follows), not approved (an email says so, without the blocked domain), or
// with the approvers. The form refuses a missing reason when the app's policy requires one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashToken, newSecretToken } from '../../src/app/secret-tokens.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { type ApprovalPolicy, DEFAULT_POLICY } from '../../src/domain/approval-policy.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

let policy: ApprovalPolicy = DEFAULT_POLICY;

async function confirmFrom(email: string, chosen: ApprovalPolicy) {
  policy = chosen;
  const t = await testApp({ policy: { policyFor: async () => policy } });
  try {
    const request = await submitRequest(
      { store: t.db.store, clock: t.clock, ids: t.ids },
      {
        email,
        firstName: 'Ann',
        lastName: 'Example',
        justification: 'Project Falcon',
        actor: { kind: 'requester' },
        verified: false,
      },
    );
    const token = newSecretToken('glv_');
    const now = t.clock.now();
    await t.db.store.insertVerificationToken({
      hash: hashToken(token),
      requestId: request.id,
      expiresAt: new Date(now.getTime() + 3_600_000),
      createdAt: now,
    });
    const client = webClient(t.app);
    await client.get(`/verify?token=${encodeURIComponent(token)}`);
    const page = await client.post('/verify', { token });
    return { page, status: (await t.db.store.getRequest(request.id))?.status };
  } finally {
    await t.close();
  }
}

test('approved at once: the page says an invitation follows', async () => {
  const { page, status } = await confirmFrom('ann@contoso.com', { ...DEFAULT_POLICY, allowedDomains: ['contoso.com'] });
  assert.equal(status, 'approved');
  assert.match(page.body, /your request is approved\. Your invitation will arrive by email/);
});

test('rejected at once: the page says so, and never names the blocked domain', async () => {
  const { page, status } = await confirmFrom('eve@evil.example', {
    ...DEFAULT_POLICY,
    blockedDomains: ['evil.example'],
  });
  assert.equal(status, 'rejected');
  assert.match(page.body, /could not be approved/);
  assert.doesNotMatch(page.body, /blocked/);
});

test('otherwise: with the approvers, as before', async () => {
  const { page, status } = await confirmFrom('ann@fabrikam.com', DEFAULT_POLICY);
  assert.equal(status, 'pending_approval');
  assert.match(page.body, /Your request is with the approvers/);
});

test("the form and the API refuse a missing reason when the app's policy requires one, and store nothing", async () => {
  const t = await testApp();
  try {
    const app = anApp({ questions: [], policy: { ...DEFAULT_POLICY, requireJustification: true } });
    await t.db.store.insertApp(app, null);
    const client = webClient(t.app);
    await client.get(`/request/${app.slug}`);
    const answer = await client.post(`/request/${app.slug}`, {
      email: 'ann@fabrikam.com',
      firstName: 'Ann',
      lastName: 'Example',
      justification: '',
    });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.body, /Say why you need access: this app asks for a reason\./);
    assert.deepEqual(await t.db.queries.countByStatus(), {});
    const api = await t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      payload: { email: 'ann@fabrikam.com', firstName: 'Ann', lastName: 'Example', app: app.slug },
    });
    assert.equal(api.statusCode, 400);
    assert.match(api.body, /\/justification/);
    assert.deepEqual(await t.db.queries.countByStatus(), {});
  } finally {
    await t.close();
  }
});
