// Review: erasure.ts deletes the sandbox mail of an erased address with
// LIKE '%"<email without % _ \>"%': stripping `_` instead of escaping it means an address
// such as first_last@example.org becomes "firstlast@example.org" in the pattern and its
// mail (verification links, names) is never erased.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { eraseEndedRequests } from '../../src/app/erase-ended-requests.ts';
import { anAudit, aRequest, at, moveTo } from '../adapters/store/fixtures.ts';
import { databaseFactories } from '../helpers/databases.ts';

const DAY = 86_400_000;

test('erasure deletes the sandbox mail of an address with an underscore', async (t) => {
  const opened = await databaseFactories[0]!.open();
  t.after(() => opened.close());
  const { db } = opened;
  const request = aRequest({ status: 'pending_approval', email: 'ada_lovelace@example.org' });
  await db.store.insertRequest(request, anAudit(request), []);
  assert.equal(await db.store.saveTransition(moveTo(request, 'rejected', at(1000))), true);
  await db.store.insertSandboxMessage({
    id: randomUUID(),
    to: [request.email],
    from: 'guestlist@contoso.test',
    subject: 'Confirm your email address',
    text: 'Hello Ada Lovelace',
    html: null,
    links: [],
    sentAt: at(0),
    source: 'guestlist',
  });
  const erased = await eraseEndedRequests(
    { personalData: db.personalData, clock: { now: () => at(200 * DAY) } },
    { retentionDays: 90 },
  );
  assert.equal(erased, 1);
  const left = (await db.store.listSandboxMessages()).filter((m) => m.to.includes(request.email));
  assert.equal(left.length, 0, 'the erased address still has its mail in the sandbox mailbox');
});
