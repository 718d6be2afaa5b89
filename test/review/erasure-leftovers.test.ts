// Review (issue 8, personal data): what erasure leaves behind that another branch added.
//  1. webhook_deliveries.body (issue 7's hooks) holds the requester's email and name as
//     signed; erasing the request leaves them there for as long as the delivery log lives.
//  2. The sandbox mailbox match strips `_` from the address instead of escaping it, so an
//     address with an underscore keeps all of its sandbox mail after erasure.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import { eraseEndedRequests } from '../../src/app/erase-ended-requests.ts';
import { webhookEvent } from '../../src/domain/webhook-events.ts';
import { anAudit, aRequest, at, moveTo, T0 } from '../adapters/store/fixtures.ts';
import { type DatabaseFactory, databaseFactories } from '../helpers/databases.ts';

const DAY = 86_400_000;

async function fresh(t: TestContext, factory: DatabaseFactory) {
  const opened = await factory.open();
  t.after(() => opened.close());
  return opened.db;
}

for (const factory of databaseFactories) {
  describe(`review: erasure leftovers: ${factory.name}`, () => {
    test('erasing a rejected request leaves no webhook delivery body naming the person', async (t) => {
      const db = await fresh(t, factory);
      const hook = {
        id: randomUUID(),
        url: 'https://hooks.example.com/x',
        description: 'HR',
        events: ['request.rejected' as const],
        createdAt: T0,
        createdBy: 'token:admin',
      };
      await db.store.insertWebhook(hook, 'whsec_x', {
        at: T0,
        actor: 'token:admin',
        action: 'webhook.create',
        subject: hook.id,
        detail: null,
      });
      const request = aRequest({
        status: 'pending_approval',
        email: 'ada.lovelace@fabrikam.example',
        firstName: 'Ada',
        lastName: 'Lovelace',
      });
      await db.store.insertRequest(request, anAudit(request), []);
      const move = moveTo(request, 'rejected', at(0));
      const event = webhookEvent({
        id: randomUUID(),
        type: 'request.rejected',
        request: move.next,
        previousStatus: 'pending_approval',
        at: at(0),
      });
      assert.equal(await db.store.saveTransition({ ...move, events: [event] }), true);
      const erased = await eraseEndedRequests(
        { personalData: db.personalData, clock: { now: () => at(100 * DAY) } },
        { retentionDays: 90 },
      );
      assert.equal(erased, 1);
      const deliveries = await db.store.listDeliveries(hook.id, 10);
      const bodies = JSON.stringify(deliveries);
      assert.ok(!bodies.includes('ada.lovelace@fabrikam.example'), `delivery log still holds the email: ${bodies}`);
      assert.ok(!bodies.includes('Lovelace'), 'delivery log still holds the name');
    });

    test("erasing an address with '_' removes its sandbox mail", async (t) => {
      const db = await fresh(t, factory);
      const request = aRequest({ status: 'pending_approval', email: 'ada_lovelace@fabrikam.example' });
      await db.store.insertRequest(request, anAudit(request), []);
      assert.equal(await db.store.saveTransition(moveTo(request, 'rejected', at(0))), true);
      await db.store.insertSandboxMessage({
        id: randomUUID(),
        to: [request.email],
        from: 'guestlist@contoso.test',
        subject: 'Confirm your email address',
        text: 'Hello Ada',
        html: null,
        links: [],
        sentAt: T0,
        source: 'guestlist',
      });
      const erased = await eraseEndedRequests(
        { personalData: db.personalData, clock: { now: () => at(100 * DAY) } },
        { retentionDays: 90 },
      );
      assert.equal(erased, 1);
      const mail = await db.store.listSandboxMessages();
      assert.deepEqual(
        mail.map((m) => m.to),
        [],
        'the sandbox mail to ada_lovelace@ survived erasure',
      );
    });
  });
}
