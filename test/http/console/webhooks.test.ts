// The webhooks pages: admins only; add (the signing secret shown once, on the answer to the
// POST alone), errors beside the fields with the input kept, the list, the delivery log,
// delete; every change in the admin audit, never the secret.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { changeStatus } from '../../../src/app/change-status.ts';
import { signIn, type TestApp, testApp } from '../../helpers/app.ts';
import { type WebClient, webClient } from '../../helpers/web.ts';
import { person, stored } from './fixtures.ts';

describe('the webhooks pages', () => {
  let t: TestApp;
  let admin: WebClient;
  let approver: WebClient;
  before(async () => {
    t = await testApp();
    admin = webClient(t.app);
    approver = webClient(t.app);
    await signIn(t, admin, 'admin', person('Alice Admin'));
    await signIn(t, approver, 'approver', person('Bob Approver'));
  });
  after(() => t.close());

  function secretIn(body: string): string {
    const found = /<input id="new-secret" class="secret" type="text" readonly value="(whsec_[^"]+)"/.exec(body);
    assert.ok(found, body);
    return found[1]!;
  }

  test('approvers and anonymous callers are kept out, and the approver has no link to it', async () => {
    assert.equal((await approver.get('/admin/webhooks')).statusCode, 403);
    assert.equal(
      (await approver.post('/admin/webhooks', { url: 'https://x.example.com/', events: 'request.approved' }))
        .statusCode,
      403,
    );
    assert.equal((await webClient(t.app).get('/admin/webhooks')).statusCode, 303, 'sent to sign in');
    assert.doesNotMatch((await approver.get('/admin')).body, /href="\/admin\/webhooks"/);
    assert.match((await admin.get('/admin')).body, /href="\/admin\/webhooks"/);
    assert.deepEqual(await t.db.store.listWebhooks(), []);
  });

  test('add: the secret shown once, on the answer to the POST; listed without it; audited with the admin', async () => {
    assert.equal((await admin.get('/admin/webhooks')).statusCode, 200);
    const res = await admin.post('/admin/webhooks', {
      url: 'https://hooks.example.com/guestlist?token=receiver-own',
      description: 'HR system',
      events: ['request.approved', 'guest.invited'],
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.location, undefined, 'no redirect: a URL would carry the secret');
    assert.match(res.body, /Copy the signing secret now: it is shown only this once/);
    const secret = secretIn(res.body);

    const list = await admin.get('/admin/webhooks');
    assert.ok(!list.body.includes(secret), 'never shown again');
    assert.doesNotMatch(list.body, /receiver-own/, "the URL's query string is not shown");
    assert.match(list.body, /https:\/\/hooks\.example\.com\/guestlist\?…/);
    assert.match(list.body, /<code>request\.approved<\/code>, <code>guest\.invited<\/code>/);
    assert.match(
      list.body,
      /<td><bdi>Alice Admin<\/bdi><\/td>\s*<td>Added<\/td>\s*<td><bdi>https:\/\/hooks\.example\.com\/guestlist\?… \(request\.approved, guest\.invited\)<\/bdi><\/td>/,
      'the webhook history',
    );
    const [audit] = await t.db.store.listAdminAudit(1);
    assert.equal(audit!.action, 'webhook.create');
    assert.match(audit!.actor, /^entra:\S+ Alice Admin$/);
    assert.ok(!JSON.stringify(audit).includes(secret));
    assert.ok(!JSON.stringify(audit).includes('receiver-own'));
  });

  test('bad input: 400, the errors beside the fields and in the summary, the input kept, nothing stored', async () => {
    const before = (await t.db.store.listWebhooks()).length;
    await admin.get('/admin/webhooks');
    const res = await admin.post('/admin/webhooks', { url: 'http://hooks.example.com/', description: 'Mine' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<a href="#field-url">Endpoint URL: The URL must start with https:\/\/\.<\/a>/);
    assert.match(res.body, /<a href="#field-events">Events to send: Choose one or more of/);
    assert.match(res.body, /<p class="error" id="field-url-error">/);
    assert.match(res.body, /value="http:\/\/hooks\.example\.com\/"/, 'the input kept');
    assert.equal((await t.db.store.listWebhooks()).length, before);
    const forged = await admin.post('/admin/webhooks', {
      _csrf: 'forged',
      url: 'https://ok.example.com/',
      events: 'request.approved',
    });
    assert.equal(forged.statusCode, 403, 'CSRF checked');
    assert.equal((await t.db.store.listWebhooks()).length, before);
  });

  test('the delivery log shows each event with its attempts, status and error; delete cancels and is audited', async () => {
    await admin.get('/admin/webhooks');
    const res = await admin.post('/admin/webhooks', { url: 'https://log.example.com/in', events: 'request.approved' });
    assert.equal(res.statusCode, 201);
    const webhook = (await t.db.store.listWebhooks()).find((each) => each.url === 'https://log.example.com/in')!;
    const request = await stored(t.db.store, { status: 'pending_approval' });
    await changeStatus(
      { store: t.db.store, clock: t.clock, ids: t.ids },
      { request, event: { type: 'approve' }, actor: { kind: 'token', name: 'x' } },
    );
    const [delivery] = await t.db.store.listDeliveries(webhook.id, 10);
    await t.db.store.recordDeliveryAttempt(delivery!.id, {
      at: t.clock.now(),
      status: 503,
      error: 'HTTP 503',
      state: 'pending',
      nextAttemptAt: new Date(t.clock.now().getTime() + 5000),
    });

    const log = await admin.get(`/admin/webhooks/${webhook.id}`);
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /<code>request\.approved<\/code>/);
    assert.match(log.body, new RegExp(`href="/admin/requests/${request.id}"><bdi>${request.email}</bdi></a>`));
    assert.match(
      log.body,
      /<span class="badge delivery-pending">Will try again<\/span><\/td>\s*<td>1<\/td>\s*<td>503<\/td>/,
    );
    assert.match(log.body, /<td>HTTP 503<\/td>/);
    assert.doesNotMatch(log.body, /whsec_/);

    const gone = await admin.post(`/admin/webhooks/${webhook.id}/delete`, {});
    assert.equal(gone.statusCode, 303);
    assert.equal(gone.headers.location, '/admin/webhooks?done=deleted');
    assert.match((await admin.get('/admin/webhooks?done=deleted')).body, /Webhook deleted/);
    assert.equal((await admin.get(`/admin/webhooks/${webhook.id}`)).statusCode, 404);
    const again = await admin.post(`/admin/webhooks/${webhook.id}/delete`, {});
    assert.equal(again.headers.location, '/admin/webhooks?done=unchanged');
    assert.equal((await t.db.store.listDeliveries(webhook.id, 10))[0]!.state, 'cancelled');
    const [audit] = await t.db.store.listAdminAudit(1);
    assert.deepEqual([audit!.action, audit!.subject], ['webhook.delete', webhook.id]);
  });
});
