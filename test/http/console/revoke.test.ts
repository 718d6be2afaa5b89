// Revoking a request's access from its page (admins only), and the removal's progress read
// back from the audit trail.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { AccessRequest } from '../../../src/domain/lifecycle.ts';
import { signIn, type TestApp, testApp } from '../../helpers/app.ts';
import { type WebClient, webClient } from '../../helpers/web.ts';
import { inState, person, stored } from './fixtures.ts';

const GROUP = 'aaaaaaaa-0000-4000-8000-000000000001';

describe('revoking access from the console', () => {
  let t: TestApp;
  let approver: WebClient;
  let admin: WebClient;
  const alice = person('Alice Admin');
  before(async () => {
    t = await testApp();
    approver = webClient(t.app);
    admin = webClient(t.app);
    await signIn(t, approver, 'approver', person('Bob Approver'));
    await signIn(t, admin, 'admin', alice);
  });
  after(() => t.close());

  async function active(): Promise<AccessRequest> {
    const request = await inState(t.db.store, 'active', { directoryUserId: randomUUID() });
    await t.db.store.recordProgress({
      requestId: request.id,
      expectedStatus: ['active'],
      at: request.createdAt,
      progress: { grantedGroupIds: [GROUP] },
    });
    return request;
  }

  async function revoke(browser: WebClient, id: string, fields: Record<string, string> = {}) {
    assert.equal((await browser.get(`/admin/requests/${id}`)).statusCode, 200);
    return browser.post(`/admin/requests/${id}/revoke`, fields);
  }

  test('the page shows an admin the form with its warning; an approver sees no form and is refused', async () => {
    const request = await active();
    const page = (await admin.get(`/admin/requests/${request.id}`)).body;
    assert.match(page, new RegExp(`<form method="post" action="/admin/requests/${request.id}/revoke"`));
    assert.match(page, /This takes the person's access away, and cannot be undone/);
    assert.match(page, /Also delete the guest account \(only if Guestlist&#39;s invitation created it\)/);
    assert.doesNotMatch((await approver.get(`/admin/requests/${request.id}`)).body, /\/revoke"/);
    assert.equal((await revoke(approver, request.id, { deleteGuest: 'yes' })).statusCode, 403);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'active');
    assert.deepEqual(await t.db.jobs.listJobs(request.id), []);
  });

  test('an admin revokes, asking to delete the guest: revoked, the job carries deleteGuest, the audit names her', async () => {
    const request = await active();
    const res = await revoke(admin, request.id, { revokeReason: 'Contract ended', deleteGuest: 'yes' });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `/admin/requests/${request.id}?done=revoked`);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'revoked');
    const jobs = await t.db.jobs.listJobs(request.id);
    assert.deepEqual(
      jobs.map((job) => [job.kind, job.payload]),
      [['revoke_access', { deleteGuest: true }]],
    );
    const last = (await t.db.store.listAudit(request.id)).at(-1)!;
    assert.equal(last.action, 'revoke');
    assert.equal(last.actor, `entra:${alice.subject} Alice Admin`);
    assert.match(last.reason ?? '', /^Contract ended\. The guest account is to be deleted/);

    const page = (await admin.get(res.headers.location!)).body;
    assert.match(page, /class="flash" role="status">Access revoked/);
    assert.match(page, /<h2 id="removal">Removing access<\/h2>\s*<p>Waiting for the worker/);
    assert.doesNotMatch(page, /action="\/admin\/requests\/[^"]+\/revoke"/, 'no second revoke');
  });

  test('without the box ticked the guest account is kept; no reason is needed', async () => {
    const request = await inState(t.db.store, 'failed', { reason: 'BadRequest: nope' });
    const res = await revoke(admin, request.id);
    assert.equal(res.statusCode, 303, res.body);
    assert.deepEqual(
      (await t.db.jobs.listJobs(request.id)).map((job) => job.payload),
      [{ deleteGuest: false }],
    );
  });

  test('a request that cannot be revoked: the conflict message, nothing changed', async () => {
    for (const status of ['pending_approval', 'rejected'] as const) {
      const request = await inState(t.db.store, status);
      assert.doesNotMatch((await admin.get(`/admin/requests/${request.id}`)).body, /\/revoke"/);
      const res = await admin.post(`/admin/requests/${request.id}/revoke`, { revokeReason: 'Too late' });
      assert.equal(res.statusCode, 409, res.body);
      assert.match(res.body, /class="conflict" role="alert">Nothing was changed: this request is already /);
      assert.equal((await t.db.store.getRequest(request.id))?.status, status);
      assert.deepEqual(await t.db.jobs.listJobs(request.id), []);
    }
  });

  test('a reason over 500 characters, or a forged box: 400 beside the field, kept, nothing changed', async () => {
    const request = await active();
    const long = 'x'.repeat(501);
    const res = await revoke(admin, request.id, { revokeReason: long, deleteGuest: 'yes' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /id="field-revokeReason-error">Keep the reason under 500 characters/);
    assert.match(res.body, new RegExp(`<textarea id="field-revokeReason"[^>]*>${long}</textarea>`));
    assert.match(res.body, /id="field-deleteGuest" name="deleteGuest" value="yes" checked/);
    const forged = await revoke(admin, request.id, { deleteGuest: 'true' });
    assert.equal(forged.statusCode, 400);
    assert.match(forged.body, /id="field-deleteGuest-error"/);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'active');
    assert.deepEqual(await t.db.jobs.listJobs(request.id), []);
  });

  test("the removal's steps show with readable labels, and what is left to remove", async () => {
    const request = await active();
    assert.equal((await revoke(admin, request.id, { deleteGuest: 'yes' })).statusCode, 303);
    const note = (action: string, reason: string, minutes: number, left: string[]) =>
      t.db.store.recordProgress({
        requestId: request.id,
        expectedStatus: ['revoked'],
        at: new Date(t.clock.now().getTime() + minutes * 60_000),
        progress: { grantedGroupIds: left },
        audit: {
          id: randomUUID(),
          requestId: request.id,
          actor: 'worker',
          action,
          fromStatus: 'revoked',
          toStatus: 'revoked',
          reason,
          at: new Date(t.clock.now().getTime() + minutes * 60_000),
        },
      });
    const failedPage = async () => (await admin.get(`/admin/requests/${request.id}`)).body;
    await note('access_removal_failed', 'Removing access failed: 503.', 1, [GROUP]);
    assert.match(await failedPage(), /<strong>Removing access failed<\/strong>: Removing access failed: 503\./);
    assert.match(await failedPage(), new RegExp(`Groups still to remove: <code>${GROUP}</code>`));
    await note('access_removed', `Removed user u from group ${GROUP}.`, 2, []);
    await note('guest_kept', 'User u was not deleted: this request did not create it.', 3, []);
    const page = await failedPage();
    assert.match(page, /<strong>Group membership removed<\/strong>: Removed user u/);
    assert.match(page, /<strong>Guest account kept<\/strong>: User u was not deleted/);
    assert.match(page, /Groups still to remove: none\./);
    assert.match(page, /<ol class="timeline">[\s\S]*Alice Admin<\/strong>: Access revoked/);
  });

  test("the requester's justification shows on the page with its line breaks, inert, and as an excerpt in the queue", async () => {
    const why = 'Supplier audit for Q3.\nSecond line <script>alert(1)</script> \u202Egnp.exe';
    const request = await stored(t.db.store, { justification: why, firstName: 'Justy' });
    const page = (await approver.get(`/admin/requests/${request.id}`)).body;
    assert.match(
      page,
      /<dt>Why they need access<\/dt><dd><p class="justification"><bdi>Supplier audit for Q3.\nSecond line &lt;script&gt;alert\(1\)&lt;\/script&gt; \u202Egnp.exe<\/bdi><\/p><\/dd>/,
    );
    const none = (await approver.get(`/admin/requests/${(await stored(t.db.store)).id}`)).body;
    assert.match(none, /<dt>Why they need access<\/dt><dd><span class="hint">Not given<\/span><\/dd>/);
    const queue = (await approver.get('/admin?search=justy')).body;
    assert.match(
      queue,
      /<span class="excerpt"><bdi>Supplier audit for Q3. Second line &lt;script&gt;alert\(1\)&lt;\/script/,
    );
    assert.doesNotMatch(queue, /<script>/);
  });
});
