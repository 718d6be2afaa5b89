// Outbound webhooks: every lifecycle move that means something to an integrator emits its
// event, committed with the move; each delivery is signed as Standard Webhooks says
// (checked here with node:crypto alone, not the library that signs); failures are tried
// again on the schedule (8 attempts over about a day) and every attempt is in the delivery
// log; a deleted webhook gets nothing more; bad URLs are refused and change nothing.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { changeStatus } from '../../src/app/change-status.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { createWebhook, deleteWebhook } from '../../src/app/webhooks.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import type { AccessRequest, LifecycleEvent } from '../../src/domain/lifecycle.ts';
import { WEBHOOK_EVENT_TYPES } from '../../src/domain/webhook-events.ts';
import { type Received, startReceiver } from '../helpers/receiver.ts';
import { ADMIN, notificationsHarness } from './notifications-harness.ts';

type Harness = Awaited<ReturnType<typeof notificationsHarness>>;

async function register(h: Harness, url: string, events: readonly string[] = WEBHOOK_EVENT_TYPES) {
  return createWebhook({ ...h.deps, allowLocalHttp: true }, { url, description: 'HR system', events, actor: ADMIN });
}

/** The Standard Webhooks check, written from the spec with node:crypto only. */
function verifySignature(secret: string, post: Received): boolean {
  const id = String(post.headers['webhook-id']);
  const timestamp = String(post.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${post.body}`).digest();
  return String(post.headers['webhook-signature'])
    .split(' ')
    .some((each) => {
      const [version, signature] = each.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

async function move(h: Harness, request: AccessRequest, event: LifecycleEvent) {
  h.clock.advance(1000); // one move a second, so the delivery log (newest first) has an order
  return changeStatus(h.deps, { request, event, actor: ADMIN });
}

test('each move emits its event in its own transaction; the unconfirmed submission and its expiry emit none', async (t) => {
  const h = await notificationsHarness();
  t.after(() => h.close());
  const { webhook } = await register(h, 'https://hooks.example.com/guestlist');
  const types = async () => (await h.db.store.listDeliveries(webhook.id, 100)).map((d) => d.eventType).reverse();

  // Unconfirmed: anyone can type anyone's address, so integrators hear nothing yet.
  const unconfirmed = await submitRequest(h.deps, {
    email: 'nobody@fabrikam.com',
    firstName: 'No',
    lastName: 'Body',
    actor: { kind: 'requester' },
    verified: false,
  });
  await move(h, unconfirmed, { type: 'expire' });
  assert.deepEqual(await types(), []);

  // Confirmed by its owner: submitted.
  const confirmed = await submitRequest(h.deps, {
    email: 'con@fabrikam.com',
    firstName: 'Con',
    lastName: 'Firmed',
    actor: { kind: 'requester' },
    verified: false,
  });
  const waiting = await move(h, confirmed, { type: 'verify' });
  assert.deepEqual(await types(), ['request.submitted']);

  // The whole happy path.
  const approved = await move(h, waiting, { type: 'approve' });
  const provisioning = await move(h, approved, { type: 'start_provisioning' });
  const invited = await move(h, provisioning, { type: 'invite', directoryUserId: 'user-1', redeemUrl: 'https://r/x' });
  const active = await move(h, invited, { type: 'activate' });
  await move(h, active, { type: 'expire', reason: 'Access ended.' });
  assert.deepEqual(await types(), [
    'request.submitted',
    'request.approved',
    'guest.invited',
    'guest.redeemed',
    'access.expired',
  ]);

  // An admin's verified submission, rejected; another, failed in provisioning.
  const rejected = await h.waiting({ email: 'rej@fabrikam.com' });
  await move(h, rejected, { type: 'reject', reason: 'No.' });
  const failing = await move(h, await h.waiting({ email: 'fail@fabrikam.com' }), { type: 'approve' });
  await move(h, failing, { type: 'fail', reason: 'Graph said no.' });
  assert.deepEqual((await types()).slice(5), [
    'request.submitted',
    'request.rejected',
    'request.submitted',
    'request.approved',
    'request.failed',
  ]);

  // One deliver_webhook job per delivery, queued with it.
  const jobs = await h.queued('deliver_webhook');
  const deliveries = await h.db.store.listDeliveries(webhook.id, 100);
  assert.deepEqual(jobs.map((job) => job.payload?.deliveryId).sort(), deliveries.map((d) => d.id).sort());

  // What an event says: the request's id, states, address, names, the guest's id; nothing else.
  const redeemed = deliveries.find((d) => d.eventType === 'guest.redeemed')!;
  const event = JSON.parse(redeemed.body);
  assert.deepEqual(Object.keys(event).sort(), ['data', 'id', 'occurredAt', 'type']);
  assert.equal(event.id, redeemed.eventId);
  assert.deepEqual(event.data.request, {
    id: confirmed.id,
    status: 'active',
    previousStatus: 'invited',
    appId: 'default',
    email: 'con@fabrikam.com',
    firstName: 'Con',
    lastName: 'Firmed',
    directoryUserId: 'user-1',
    createdAt: confirmed.createdAt.toISOString(),
    updatedAt: active.updatedAt.toISOString(),
  });
  assert.doesNotMatch(redeemed.body, /https:\/\/r\/x/, 'never the redeem URL');
  assert.doesNotMatch(redeemed.body, /"answers"/, 'never the answers');
});

test('a webhook hears only the events it chose', async (t) => {
  const h = await notificationsHarness();
  t.after(() => h.close());
  const approvals = await register(h, 'https://a.example.com/', ['request.approved']);
  const everything = await register(h, 'https://b.example.com/');
  const request = await h.waiting();
  await move(h, request, { type: 'approve' });
  assert.deepEqual(
    (await h.db.store.listDeliveries(approvals.webhook.id, 10)).map((d) => d.eventType),
    ['request.approved'],
  );
  assert.equal((await h.db.store.listDeliveries(everything.webhook.id, 10)).length, 2);
});

test('a delivery is signed as Standard Webhooks says, checked with node:crypto alone', async (t) => {
  const receiver = await startReceiver(t);
  const h = await notificationsHarness();
  t.after(() => h.close());
  const { webhook, secret } = await register(h, `${receiver.url}/events`);
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, '32 random bytes, base64, after whsec_');
  await h.waiting({ justification: 'Secret project codename Bluebird.' });
  await h.drain(['deliver_webhook', 'post_to_teams']);

  assert.equal(receiver.received.length, 1);
  const post = receiver.received[0]!;
  assert.equal(post.path, '/events');
  assert.match(String(post.headers['content-type']), /^application\/json/);
  assert.ok(verifySignature(secret, post), 'the signature checks out');
  assert.ok(!verifySignature(`whsec_${Buffer.alloc(32).toString('base64')}`, post), 'and not with another secret');
  assert.ok(!verifySignature(secret, { ...post, body: post.body.replace('Pat', 'Pam') }), 'nor for another body');
  const event = JSON.parse(post.body);
  assert.equal(post.headers['webhook-id'], event.id);
  assert.equal(Number(post.headers['webhook-timestamp']), Math.floor(h.clock.now().getTime() / 1000));
  assert.equal(event.type, 'request.submitted');
  assert.doesNotMatch(post.body, /Bluebird/, 'no justification');
  assert.doesNotMatch(post.body, /whsec_/, 'never a secret');
  const [delivery] = await h.db.store.listDeliveries(webhook.id, 10);
  assert.equal(delivery!.state, 'delivered');
  assert.equal(delivery!.attempts, 1);
  assert.equal(delivery!.lastStatus, 200);
});

test('a receiver that fails twice then succeeds: one accepted delivery, attempts = 3, on the schedule', async (t) => {
  const receiver = await startReceiver(t, [{ status: 500 }, { status: 503 }]);
  const h = await notificationsHarness();
  t.after(() => h.close());
  const { webhook, secret } = await register(h, `${receiver.url}/events`);
  await h.waiting();
  const start = h.clock.now().getTime();

  assert.equal(await h.worker.runOnce(), true);
  let [delivery] = await h.db.store.listDeliveries(webhook.id, 10);
  assert.equal(delivery!.state, 'pending');
  assert.equal(delivery!.attempts, 1);
  assert.equal(delivery!.lastStatus, 500);
  assert.equal(delivery!.lastError, 'HTTP 500');
  assert.equal(delivery!.nextAttemptAt!.getTime() - start, 5_000, 'the second attempt 5 s later');

  await h.drain(['deliver_webhook']);
  [delivery] = await h.db.store.listDeliveries(webhook.id, 10);
  assert.equal(delivery!.state, 'delivered');
  assert.equal(delivery!.attempts, 3);
  assert.equal(delivery!.lastStatus, 200);
  assert.equal(delivery!.lastError, null);
  assert.equal(delivery!.lastAttemptAt!.getTime() - start, 5_000 + 5 * 60_000, 'the third 5 minutes after the second');
  assert.equal(receiver.received.length, 3, 'one POST per attempt');
  assert.equal((await h.db.store.listDeliveries(webhook.id, 10)).length, 1, 'one delivery');
  assert.equal(new Set(receiver.received.map((post) => post.headers['webhook-id'])).size, 1, 'the same webhook-id');
  assert.equal(new Set(receiver.received.map((post) => post.body)).size, 1, 'the same body');
  assert.ok(
    receiver.received.every((post) => verifySignature(secret, post)),
    'each attempt signed afresh',
  );
  assert.equal((await h.queued('deliver_webhook')).length, 0);
});

test('a receiver that never answers well: 8 attempts over about a day, then failed', async (t) => {
  const receiver = await startReceiver(
    t,
    Array.from({ length: 20 }, () => ({ status: 502 })),
  );
  const h = await notificationsHarness();
  t.after(() => h.close());
  const { webhook } = await register(h, `${receiver.url}/events`);
  await h.waiting();
  const start = h.clock.now().getTime();
  await h.drain(['deliver_webhook']);
  const [delivery] = await h.db.store.listDeliveries(webhook.id, 10);
  assert.equal(delivery!.state, 'failed');
  assert.equal(delivery!.attempts, 8);
  assert.equal(receiver.received.length, 8);
  const spanHours = (delivery!.lastAttemptAt!.getTime() - start) / 3_600_000;
  assert.ok(spanHours > 24 && spanHours < 30, `about a day (${spanHours} h)`);
  assert.equal((await h.queued('deliver_webhook')).length, 0);
});

test('a timeout and a refused connection are failed attempts, tried again', async (t) => {
  // Answers nothing at all: the 10 s timeout (shortened here) ends the attempt.
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  silent.closeAllConnections();
  const h = await notificationsHarness({ timeoutMs: 200 });
  t.after(() => h.close());
  const port = (silent.address() as AddressInfo).port;
  const hanging = await register(h, `http://127.0.0.1:${port}/slow`);
  // Nobody listens there any more: the connection is refused.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await register(h, `http://127.0.0.1:${closedPort}/gone`);
  await h.waiting();
  await h.worker.runOnce();
  silent.closeAllConnections();
  const [slow] = await h.db.store.listDeliveries(hanging.webhook.id, 10);
  assert.equal(slow!.state, 'pending');
  assert.equal(slow!.lastStatus, null);
  assert.equal(slow!.lastError, 'No answer within 0.2 s.');
  const [gone] = await h.db.store.listDeliveries(refused.webhook.id, 10);
  assert.equal(gone!.state, 'pending');
  assert.equal(gone!.attempts, 1);
  assert.equal(gone!.lastError, 'Could not connect (ECONNREFUSED).');
  assert.doesNotMatch(gone!.lastError ?? '', /127\.0\.0\.1/, 'no address in the log');
});

test('a deleted webhook gets nothing more: its waiting deliveries are cancelled, its secret erased', async (t) => {
  const receiver = await startReceiver(t, [{ status: 500 }]);
  const h = await notificationsHarness();
  t.after(() => h.close());
  const { webhook } = await register(h, `${receiver.url}/events`);
  await h.waiting();
  await h.worker.runOnce();
  assert.equal(receiver.received.length, 1);
  const { deleted } = await deleteWebhook(h.deps, { id: webhook.id, actor: ADMIN });
  assert.equal(deleted, true);
  await h.drain(['deliver_webhook']);
  assert.equal(receiver.received.length, 1, 'no second attempt');
  assert.deepEqual(await h.db.store.listWebhooks(), []);
  const [delivery] = await h.db.store.listDeliveries(webhook.id, 10);
  assert.equal(delivery!.state, 'cancelled');
  await move(h, await h.waiting({ email: 'later@fabrikam.com' }), { type: 'approve' });
  assert.equal((await h.db.store.listDeliveries(webhook.id, 10)).length, 1, 'no new delivery');
  const audit = await h.db.store.listAdminAudit(10);
  assert.deepEqual(
    audit.map((entry) => entry.action),
    ['webhook.delete', 'webhook.create'],
  );
  assert.ok(
    audit.every((entry) => !/whsec_/.test(JSON.stringify(entry))),
    'no secret in the audit',
  );
});

test('bad input is refused with the field to fix, and nothing is stored', async (t) => {
  const h = await notificationsHarness();
  t.after(() => h.close());
  const sandbox = { ...h.deps, allowLocalHttp: true };
  const entra = { ...h.deps, allowLocalHttp: false };
  const attempt = async (deps: typeof sandbox, url: string, events: string[] = ['request.approved']) => {
    try {
      await createWebhook(deps, { url, events, actor: ADMIN });
      return 'accepted';
    } catch (error) {
      assert.ok(error instanceof ValidationError);
      return error.fields?.map((field) => `${field.field}: ${field.message}`).join('; ');
    }
  };
  assert.equal(await attempt(entra, 'http://hooks.example.com/'), 'url: The URL must start with https://.');
  assert.equal(await attempt(entra, 'http://localhost:8080/'), 'url: The URL must start with https://.');
  assert.equal(
    await attempt(sandbox, 'http://hooks.example.com/'),
    'url: The URL must start with https:// (http:// only for localhost in the sandbox).',
  );
  assert.equal(
    await attempt(sandbox, 'ftp://hooks.example.com/'),
    'url: The URL must start with https:// (http:// only for localhost in the sandbox).',
  );
  assert.equal(await attempt(entra, 'not a url'), 'url: Enter a full URL, starting with https://.');
  assert.equal(
    await attempt(entra, 'https://user:pw@hooks.example.com/'),
    'url: The URL must not carry a user name or password.',
  );
  assert.match(String(await attempt(entra, 'https://hooks.example.com/', [])), /^events: Choose one or more of/);
  assert.match(String(await attempt(entra, 'https://hooks.example.com/', ['request.deleted'])), /^events: /);
  assert.deepEqual(await h.db.store.listWebhooks(), []);
  assert.deepEqual(await h.db.store.listAdminAudit(10), []);
  assert.equal(await attempt(sandbox, 'http://localhost:8080/hook'), 'accepted');
  assert.equal(await attempt(entra, 'https://hooks.example.com/x?token=abc'), 'accepted');
  const audit = await h.db.store.listAdminAudit(10);
  assert.equal(
    audit[0]!.detail,
    'https://hooks.example.com/x?… (request.approved)',
    'the query string is not repeated',
  );
});
