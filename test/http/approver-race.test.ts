// Invariant 4: two approvers acting at once produce one decision. A race on one in-memory
// connection never interleaves by itself (each request reads and writes before the other
// starts), so a store wrapper holds both reads until both have happened: each approver
// then decides on the same `pending_approval` it saw, and only the conditional update in
// saveTransition can stop the second write. On PostgreSQL the two approvers are two app
// instances over two pools, as two web processes would be.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import type { Database } from '../../src/adapters/store/index.ts';
import { createApiToken } from '../../src/app/create-api-token.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import type { Store } from '../../src/ports.ts';
import { httpDepsFor } from '../helpers/app.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories } from '../helpers/databases.ts';

/** How long the first reader waits for the second before the test fails (a hang guard, not a timing rule). */
const SECOND_READ_WITHIN_MS = 10_000;

/** Holds the first two reads of a request until both have been made. */
function bothReadFirst() {
  const arrivals: Array<() => void> = [];
  let missing: string | null = null;
  const wrap = (store: Store): Store => ({
    ...store,
    async getRequest(id) {
      const request = await store.getRequest(id);
      if (arrivals.length < 2) {
        const released = Promise.withResolvers<void>();
        arrivals.push(released.resolve);
        if (arrivals.length === 2) for (const release of arrivals) release();
        const guard = setTimeout(() => {
          missing = 'the second approver never read the request';
          released.resolve();
        }, SECOND_READ_WITHIN_MS);
        await released.promise;
        clearTimeout(guard);
      }
      return request;
    },
  });
  return { wrap, problem: () => missing };
}

async function appOver(t: TestContext, db: Database, wrap: (store: Store) => Store) {
  const app = await buildHttpApp(httpDepsFor(db, { store: wrap(db.store) }));
  t.after(() => app.close());
  return app;
}

for (const factory of databaseFactories.filter((each) => each.name !== 'sqlite (file)')) {
  // Two SQLite connections in one process block each other's event loop: the embedded
  // deployment has one connection, and the race is between requests on it.
  const twoProcesses = factory.name === 'postgres';

  test(`${factory.name}: approve and reject at once, both having read pending_approval: one decision`, async (t) => {
    const opened = await factory.open();
    t.after(() => opened.close());
    const { db } = opened;
    const deps = { store: db.store, clock: fixedClock(), ids: { next: randomUUID } };
    const token = async (name: string, role: 'admin' | 'approver') => ({
      authorization: `Bearer ${(await createApiToken(deps, { name, role, actor: { kind: 'cli', user: 'test' } })).token}`,
    });
    const [alice, bob] = [await token('alice', 'admin'), await token('bob', 'approver')];

    const barrier = bothReadFirst();
    const first = await appOver(t, db, barrier.wrap);
    const second = twoProcesses ? await appOver(t, await opened.openAnother!(), barrier.wrap) : first;
    const submitted = await first.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: alice,
      payload: { email: 'race@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' },
    });
    assert.equal(submitted.statusCode, 202, submitted.body);
    const { id } = submitted.json();

    const [approve, reject] = await Promise.all([
      first.inject({ method: 'POST', url: `/api/v1/access-requests/${id}/approve`, headers: bob }),
      second.inject({
        method: 'POST',
        url: `/api/v1/access-requests/${id}/reject`,
        headers: alice,
        payload: { reason: 'Unknown company' },
      }),
    ]);
    assert.equal(barrier.problem(), null);
    const answers = [approve, reject].map((res) => res.statusCode).sort();
    assert.deepEqual(answers, [200, 409], `${approve.body}\n${reject.body}`);
    const loser = approve.statusCode === 409 ? approve : reject;
    assert.equal(loser.json().code, 'invalid_transition');

    const history = await db.store.listAudit(id);
    const decisions = history.filter((entry) => entry.action === 'approve' || entry.action === 'reject');
    assert.equal(decisions.length, 1, 'one decision in the history');
    const stored = await db.store.getRequest(id);
    assert.equal(stored?.status, decisions[0]?.toStatus);
    // The winner's jobs only: provisioning and the requester's email for an approval, the email
    // for a rejection. What was queued when the request began to wait (its Teams card, its
    // approvers' emails) is not the decision's.
    assert.deepEqual(
      (await db.jobs.listJobs(id))
        .map((job) => job.kind)
        .filter((kind) => !['post_to_teams', 'notify_approvers', 'apply_policy'].includes(kind))
        .sort(),
      stored?.status === 'approved' ? ['notify_requester', 'provision'] : ['notify_requester'],
    );
  });
}
