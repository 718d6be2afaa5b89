// Review: erasing a person must remove them from webhook delivery bodies (migration 0016),
// which carry email, first and last name of the request. erasure.ts never touches them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eraseEndedRequests } from '../../src/app/erase-ended-requests.ts';
import { webhookEvent } from '../../src/domain/webhook-events.ts';
import { anAudit, aRequest, at, moveTo, T0 } from '../adapters/store/fixtures.ts';
import { databaseFactories } from '../helpers/databases.ts';

const DAY = 86_400_000;

test('erasure removes the person from stored webhook delivery bodies', async (t) => {
  const opened = await databaseFactories[0]!.open();
  t.after(() => opened.close());
  const { db } = opened;
  const hook = {
    id: crypto.randomUUID(),
    url: 'https://hooks.example.com/x',
    description: 'HR',
    events: ['request.submitted', 'request.rejected'] as const,
    createdAt: T0,
    createdBy: 'entra:oid-1 Alice',
  };
  await db.store.insertWebhook({ ...hook, events: [...hook.events] }, 'whsec_x', {
    at: T0,
    actor: 'a',
    action: 'webhook.create',
    subject: hook.id,
    detail: '',
  });
  const request = aRequest({ status: 'pending_approval', firstName: 'Zelda', lastName: 'Quux' });
  await db.store.insertRequest(
    request,
    anAudit(request),
    [],
    [webhookEvent({ id: 'evt-1', type: 'request.submitted', request, previousStatus: null, at: T0 })],
  );
  const move = moveTo(request, 'rejected', at(1000));
  const ev = webhookEvent({
    id: 'evt-2',
    type: 'request.rejected',
    request: move.next,
    previousStatus: 'pending_approval',
    at: at(1000),
  });
  assert.equal(await db.store.saveTransition({ ...move, events: [ev] }), true);
  const erased = await eraseEndedRequests(
    { personalData: db.personalData, clock: { now: () => at(200 * DAY) } },
    { retentionDays: 90 },
  );
  assert.equal(erased, 1);
  const deliveries = await db.store.listDeliveries(hook.id, 10);
  assert.equal(deliveries.length, 2);
  for (const d of deliveries) {
    assert.ok(!d.body.includes(request.email), `delivery body still holds the address: ${d.body}`);
    assert.ok(!d.body.includes('Zelda'), 'delivery body still holds the first name');
  }
});
