// A request's page and the actions on it, driven as a browser would (cookies, CSRF token
// of the page, form bodies, redirects).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn, type TestApp, testApp } from '../../helpers/app.ts';
import { type WebClient, webClient } from '../../helpers/web.ts';
import { CANDIDATE, failed, inState, needsConfirmation, person, requesterSees, stored } from './fixtures.ts';

describe("a request's page", () => {
  let t: TestApp;
  let approver: WebClient;
  let admin: WebClient;
  before(async () => {
    t = await testApp();
    approver = webClient(t.app);
    admin = webClient(t.app);
    await signIn(t, approver, 'approver', person('Bob Approver'));
    await signIn(t, admin, 'admin', person('Alice Admin'));
  });
  after(() => t.close());

  /** Loads the page (for its CSRF token), then posts the form; returns the answer. */
  async function post(browser: WebClient, id: string, action: string, fields: Record<string, string> = {}) {
    assert.equal((await browser.get(`/admin/requests/${id}`)).statusCode, 200);
    return browser.post(`/admin/requests/${id}/${action}`, fields);
  }

  test('shows the facts and the timeline from the audit trail', async () => {
    const request = await stored(t.db.store, { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' });
    const page = await approver.get(`/admin/requests/${request.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1><bdi>Ada Lovelace<\/bdi><\/h1>/);
    assert.match(page.body, /<dt>Email<\/dt><dd><bdi>ada@fabrikam.com<\/bdi><\/dd>/);
    assert.match(page.body, /Waiting for approval/);
    assert.match(page.body, /<ol class="timeline">[\s\S]*requester<\/strong>: Submitted/);
    assert.equal((await approver.get('/admin/requests/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  });

  test("a failed request shows Graph's error code and request-id; an admin may retry it, an approver may not", async () => {
    const request = await failed(t.db.store);
    const page = await admin.get(`/admin/requests/${request.id}`);
    assert.match(page.body, /<dt>Graph error code<\/dt><dd><code>BadRequest<\/code><\/dd>/);
    assert.match(page.body, /<dt>Graph request-id<\/dt><dd><code>5e0c6e3a-1b2c-4d5e-8f90-0a1b2c3d4e5f<\/code><\/dd>/);
    assert.doesNotMatch((await approver.get(`/admin/requests/${request.id}`)).body, /\/retry"/);
    assert.equal((await post(approver, request.id, 'retry')).statusCode, 403);

    const retried = await post(admin, request.id, 'retry');
    assert.equal(retried.statusCode, 303);
    assert.equal(retried.headers.location, `/admin/requests/${request.id}?done=retried`);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'approved');
    const history = await t.db.store.listAudit(request.id);
    assert.match(history.at(-1)!.actor, /Alice Admin$/, 'the audit names the admin');
    assert.match(
      (await admin.get(retried.headers.location)).body,
      /class="flash" role="status">Sent back to provisioning/,
    );
  });

  test('needs_confirmation shows the candidates; an admin confirms one, and a choice that is none of them is a 400', async () => {
    const request = await needsConfirmation(t.db.store);
    const page = await admin.get(`/admin/requests/${request.id}`);
    assert.match(page.body, new RegExp(`name="choice" value="${CANDIDATE.user.id}"`));
    assert.match(page.body, /Ada Lovelace \(Contoso\)/);
    assert.match(page.body, /matched by otherMails/);

    const nothing = await post(admin, request.id, 'confirm-match', {});
    assert.equal(nothing.statusCode, 400);
    assert.match(nothing.body, /id="field-choice-error">Choose the user/);
    const stranger = await post(admin, request.id, 'confirm-match', { choice: '99999999-2222-4333-8444-555555555555' });
    assert.equal(stranger.statusCode, 400);
    assert.match(stranger.body, /is not one of the users the lookup found/);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'needs_confirmation');

    const confirmed = await post(admin, request.id, 'confirm-match', { choice: CANDIDATE.user.id });
    assert.equal(confirmed.statusCode, 303, confirmed.body);
    assert.equal((await t.db.store.getProgress(request.id)).confirmedMatch, CANDIDATE.user.id);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'approved');
  });

  test('an invited request shows its redeem URL; an admin resends the invitation', async () => {
    const request = await inState(t.db.store, 'invited', {
      directoryUserId: CANDIDATE.user.id,
      redeemUrl: 'https://login.microsoftonline.com/redeem?ticket=abc',
    });
    const page = await admin.get(`/admin/requests/${request.id}`);
    assert.match(page.body, /<dt>Redeem URL<\/dt>/);
    const resent = await post(admin, request.id, 'resend-invitation');
    assert.equal(resent.statusCode, 303);
    assert.deepEqual(
      (await t.db.store.listAudit(request.id)).map((e) => e.action),
      ['submit', 'resend_requested'],
    );
    assert.deepEqual(
      (await t.db.jobs.listJobs(request.id)).map((j) => j.kind),
      ['resend_invitation'],
    );
    const again = await post(admin, (await stored(t.db.store)).id, 'resend-invitation');
    assert.equal(again.statusCode, 409, 'only an invited request');
    assert.match(again.body, /Nothing was changed: Only an invited request/);
  });

  test('an approver approves with a comment: 303 to the page, which says so; the audit has the comment and the approver', async () => {
    const request = await stored(t.db.store);
    const res = await post(approver, request.id, 'approve', { comment: 'Known partner' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/admin/requests/${request.id}?done=approved`);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'approved');
    const last = (await t.db.store.listAudit(request.id)).at(-1)!;
    assert.equal(last.action, 'approve');
    assert.equal(last.reason, 'Known partner');
    assert.match(last.actor, /Bob Approver$/);
    assert.ok((await t.db.jobs.listJobs(request.id)).some((job) => job.kind === 'provision'));
  });

  test('reject without a reason: 400, the error beside the field, the share box kept, nothing changed', async () => {
    const request = await stored(t.db.store);
    for (const reason of ['', '   ']) {
      const res = await post(approver, request.id, 'reject', { reason, share: 'yes' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<p class="error" id="field-reason-error">Enter the reason for rejecting.<\/p>/);
      assert.match(
        res.body,
        /<textarea id="field-reason" name="reason" required maxlength="2000" aria-describedby="field-reason-error" aria-invalid="true">/,
      );
      assert.match(res.body, /<a href="#field-reason">Reason for rejecting: Enter the reason/);
      assert.match(res.body, /id="field-share" name="share" value="yes" checked/);
    }
    const forged = await post(approver, request.id, 'reject', { reason: 'No', share: 'maybe' });
    assert.equal(forged.statusCode, 400);
    assert.match(forged.body, /id="field-share-error"/);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'pending_approval');
    // Submitted and its stage begun (fixtures.ts), nothing more.
    assert.equal((await t.db.store.listAudit(request.id)).length, 2, 'nothing written');
  });

  test('reject with a reason, shared: the requester reads it on the status page and in the email', async () => {
    const request = await stored(t.db.store);
    const res = await post(approver, request.id, 'reject', { reason: 'Only partners may use it.', share: 'yes' });
    assert.equal(res.statusCode, 303);
    const stored_ = await t.db.store.getRequest(request.id);
    assert.equal(stored_?.status, 'rejected');
    assert.equal(stored_?.reason, 'Only partners may use it.');
    const seen = await requesterSees(t, request.id);
    assert.equal(seen.sharedReason, 'Only partners may use it.');
    assert.match(seen.email, /The reason given: Only partners may use it\./);
  });

  test('reject with a reason, not shared: kept for admins, the requester is not told it', async () => {
    const request = await stored(t.db.store);
    const res = await post(approver, request.id, 'reject', { reason: 'Internal: vendor under review.' });
    assert.equal(res.statusCode, 303);
    assert.equal((await t.db.store.getRequest(request.id))?.reason, 'Internal: vendor under review.');
    const seen = await requesterSees(t, request.id);
    assert.equal(seen.sharedReason, null);
    assert.doesNotMatch(seen.email, /vendor under review/);
  });

  test('a decision on a request someone else decided meanwhile changes nothing and says who', async () => {
    const request = await stored(t.db.store);
    assert.equal((await approver.get(`/admin/requests/${request.id}`)).statusCode, 200);
    assert.equal((await post(admin, request.id, 'reject', { reason: 'Unknown company' })).statusCode, 303);
    // The approver's page was loaded while it was still pending; now the form arrives.
    const late = await approver.post(`/admin/requests/${request.id}/approve`, {});
    assert.equal(late.statusCode, 409);
    assert.match(
      late.body,
      /class="conflict" role="alert">Nothing was changed: this request is already rejected, by Alice Admin at /,
    );
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'rejected');
    // The rejection's email to the requester, and nothing from the late approval.
    assert.deepEqual(
      (await t.db.jobs.listJobs(request.id)).map((job) => job.kind),
      ['notify_requester'],
    );
  });

  test('a form without the page’s CSRF token is refused and changes nothing', async () => {
    const request = await stored(t.db.store);
    const res = await approver.post(`/admin/requests/${request.id}/approve`, { _csrf: 'forged' });
    assert.equal(res.statusCode, 403);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'pending_approval');
  });
});
