// The Store's webhooks (migrations/0016) on every database in test/helpers/databases.ts:
// registered and deleted with their admin audit entry; a move's events fanned out to the
// subscribed webhooks in the move's own transaction (a lost race writes none); each attempt
// recorded on its delivery, never on a cancelled one.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { webhookEvent } from '../../../src/domain/webhook-events.ts';
import type { AdminAuditEntry, Webhook } from '../../../src/ports.ts';
import { type DatabaseFactory, databaseFactories } from '../../helpers/databases.ts';
import { anAudit, aRequest, at, moveTo, T0 } from './fixtures.ts';

async function fresh(t: TestContext, factory: DatabaseFactory) {
  const opened = await factory.open();
  t.after(() => opened.close());
  return opened.db;
}

function aWebhook(overrides: Partial<Webhook> = {}): Webhook {
  return {
    id: crypto.randomUUID(),
    url: 'https://hooks.example.com/guestlist',
    description: 'HR system',
    events: ['request.approved', 'guest.invited'],
    createdAt: T0,
    createdBy: 'entra:oid-1 Alice Admin',
    ...overrides,
  };
}

function entry(action: string, subject: string): AdminAuditEntry {
  return { at: T0, actor: 'entra:oid-1 Alice Admin', action, subject, detail: 'https://hooks.example.com/guestlist' };
}

/** Refuses every delivery row, as a full disk or a bug would: the deliveries are written last in the move. */
const refuseDeliveries = {
  sqlite: `create trigger refuse_deliveries before insert on webhook_deliveries begin select raise(abort, 'deliveries refused'); end`,
  postgres: `create function refuse_deliveries() returns trigger language plpgsql as
      $$ begin raise exception 'deliveries refused'; end $$;
    create trigger refuse_deliveries before insert on webhook_deliveries for each row execute function refuse_deliveries()`,
};

for (const factory of databaseFactories) {
  describe(`Store contract, webhooks: ${factory.name}`, () => {
    test('registers, lists and deletes a webhook, each with its audit entry; the list never holds the secret', async (t) => {
      const db = await fresh(t, factory);
      const first = aWebhook();
      const second = aWebhook({ url: 'https://b.example.com/', createdAt: at(1000), events: ['request.submitted'] });
      await db.store.insertWebhook(first, 'whsec_first', entry('webhook.create', first.id));
      await db.store.insertWebhook(second, 'whsec_second', entry('webhook.create', second.id));
      assert.deepEqual(await db.store.listWebhooks(), [first, second]);
      assert.deepEqual(await db.store.getWebhook(second.id), second);
      assert.ok(!JSON.stringify(await db.store.listWebhooks()).includes('whsec_'));

      assert.equal(await db.store.deleteWebhook(first.id, at(2000), entry('webhook.delete', first.id)), true);
      assert.equal(await db.store.deleteWebhook(first.id, at(3000), entry('webhook.delete', first.id)), false);
      assert.deepEqual(await db.store.listWebhooks(), [second]);
      assert.equal(await db.store.getWebhook(first.id), null);
      assert.deepEqual(
        (await db.store.listAdminAudit(10)).map((each) => each.action),
        ['webhook.delete', 'webhook.create', 'webhook.create'],
        'one entry per change; the refused second delete wrote none',
      );
    });

    test("a move's events become one delivery and one job per subscribed webhook, in the move's transaction", async (t) => {
      const db = await fresh(t, factory);
      const approvals = aWebhook();
      const submissions = aWebhook({ events: ['request.submitted'] });
      await db.store.insertWebhook(approvals, 'whsec_a', entry('webhook.create', approvals.id));
      await db.store.insertWebhook(submissions, 'whsec_s', entry('webhook.create', submissions.id));
      const request = aRequest();
      await db.store.insertRequest(
        request,
        anAudit(request),
        [],
        [webhookEvent({ id: 'evt-1', type: 'request.submitted', request, previousStatus: null, at: T0 })],
      );
      const move = moveTo(request, 'approved', at(1000));
      const approved = webhookEvent({
        id: 'evt-2',
        type: 'request.approved',
        request: move.next,
        previousStatus: 'pending_approval',
        at: at(1000),
      });
      assert.equal(await db.store.saveTransition({ ...move, events: [approved] }), true);
      // A second actor who still sees pending_approval loses the race: no event either.
      const lost = moveTo(request, 'rejected', at(2000));
      const rejected = webhookEvent({
        id: 'evt-3',
        type: 'request.rejected',
        request: lost.next,
        previousStatus: 'pending_approval',
        at: at(2000),
      });
      assert.equal(
        await db.store.saveTransition({ ...lost, events: [{ ...rejected, type: 'request.approved' }] }),
        false,
      );

      const toApprovals = await db.store.listDeliveries(approvals.id, 10);
      const toSubmissions = await db.store.listDeliveries(submissions.id, 10);
      assert.deepEqual(
        toApprovals.map((d) => [d.eventId, d.eventType, d.state, d.attempts, d.requestId]),
        [['evt-2', 'request.approved', 'pending', 0, request.id]],
      );
      assert.deepEqual(
        toSubmissions.map((d) => d.eventId),
        ['evt-1'],
      );
      assert.deepEqual(JSON.parse(toApprovals[0]!.body), approved);
      const jobs = (await db.jobs.listJobs(request.id)).filter((job) => job.kind === 'deliver_webhook');
      assert.deepEqual(
        jobs.map((job) => job.payload?.deliveryId).sort(),
        [toApprovals[0]!.id, toSubmissions[0]!.id].sort(),
      );
      const toSend = await db.store.getDeliveryToSend(toApprovals[0]!.id);
      assert.equal(toSend?.url, approvals.url);
      assert.equal(toSend?.secret, 'whsec_a');
    });

    test('attempts are recorded on the delivery; a deleted webhook cancels what waits and erases its secret', async (t) => {
      const db = await fresh(t, factory);
      const webhook = aWebhook();
      await db.store.insertWebhook(webhook, 'whsec_a', entry('webhook.create', webhook.id));
      const request = aRequest();
      await db.store.insertRequest(request, anAudit(request), []);
      const move = moveTo(request, 'approved', at(1000));
      const event = webhookEvent({
        id: 'evt-1',
        type: 'request.approved',
        request: move.next,
        previousStatus: 'pending_approval',
        at: at(1000),
      });
      await db.store.saveTransition({ ...move, events: [event] });
      const [delivery] = await db.store.listDeliveries(webhook.id, 10);

      await db.store.recordDeliveryAttempt(delivery!.id, {
        at: at(2000),
        status: 503,
        error: 'HTTP 503',
        state: 'pending',
        nextAttemptAt: at(7000),
      });
      let [now] = await db.store.listDeliveries(webhook.id, 10);
      assert.deepEqual(
        [now!.state, now!.attempts, now!.lastStatus, now!.lastError, now!.lastAttemptAt, now!.nextAttemptAt],
        ['pending', 1, 503, 'HTTP 503', at(2000), at(7000)],
      );
      await db.store.deleteWebhook(webhook.id, at(3000), entry('webhook.delete', webhook.id));
      assert.equal(await db.store.getDeliveryToSend(delivery!.id), null, 'nothing to send any more');
      await db.store.recordDeliveryAttempt(delivery!.id, {
        at: at(8000),
        status: 200,
        error: null,
        state: 'delivered',
        nextAttemptAt: null,
      });
      [now] = await db.store.listDeliveries(webhook.id, 10);
      assert.deepEqual(
        [now!.state, now!.attempts, now!.nextAttemptAt],
        ['cancelled', 1, null],
        'a late run changes nothing',
      );
    });

    // The in-memory database has no second connection to install the trigger through.
    if (!factory.name.includes('memory'))
      test('a move whose events cannot be written changes nothing: no status, no audit, no job', async (t) => {
        const opened = await factory.open();
        t.after(() => opened.close());
        const { db, raw } = opened;
        const webhook = aWebhook();
        await db.store.insertWebhook(webhook, 'whsec_a', entry('webhook.create', webhook.id));
        const request = aRequest();
        const first = anAudit(request);
        await db.store.insertRequest(request, first, []);
        await raw!(refuseDeliveries[factory.name === 'postgres' ? 'postgres' : 'sqlite']);
        const move = moveTo(request, 'approved', at(1000));
        const event = webhookEvent({
          id: 'evt-1',
          type: 'request.approved',
          request: move.next,
          previousStatus: 'pending_approval',
          at: at(1000),
        });
        await assert.rejects(db.store.saveTransition({ ...move, events: [event] }), /refused/);
        assert.deepEqual(await db.store.getRequest(request.id), request, 'the status did not change');
        assert.deepEqual(await db.store.listAudit(request.id), [first]);
        assert.deepEqual(await db.jobs.listJobs(), []);
      });
  });
}
