// Invariant 1: an accepted submission is durable before the answer is sent. In-memory
// SQLite commits before inject() could notice a missing await, so here the insert is held
// open (or fails) by a store wrapper, and the test watches what the caller hears meanwhile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import type { Store } from '../../src/ports.ts';
import { testApp } from '../helpers/app.ts';

const person = { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' };

/** Event-loop turns given to a response that should not come; an answer needs only a few. */
const TURNS = 100;

/** A store whose insertRequest waits for `release` before it writes (or fails). */
function heldInserts() {
  const started = Promise.withResolvers<void>();
  const gate = Promise.withResolvers<'commit' | Error>();
  const events: string[] = [];
  const wrap = (store: Store): Store => ({
    ...store,
    async insertRequest(...args) {
      events.push('insert started');
      started.resolve();
      const outcome = await gate.promise;
      if (outcome instanceof Error) {
        events.push('insert failed');
        throw outcome;
      }
      await store.insertRequest(...args);
      events.push('insert committed');
    },
  });
  return { wrap, events, started: started.promise, release: gate.resolve };
}

for (const [who, caller] of [
  ['an anonymous submission', 'anonymous'],
  ["an admin's submission", 'admin'],
] as const) {
  test(`${who} is answered only after its insert has committed`, async (t) => {
    const held = heldInserts();
    const app = await testApp({ wrapStore: held.wrap });
    t.after(() => app.close());
    const answered = app.app
      .inject({
        method: 'POST',
        url: '/api/v1/access-requests',
        payload: person,
        headers: caller === 'admin' ? app.admin : {},
      })
      .then((res) => {
        held.events.push('answered');
        return res;
      });
    await held.started;
    for (let i = 0; i < TURNS && !held.events.includes('answered'); i++) await turn();
    assert.deepEqual(held.events, ['insert started'], 'no answer while the insert is still open');
    held.release('commit');
    const res = await answered;
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(held.events, ['insert started', 'insert committed', 'answered']);
    assert.equal((await app.db.store.getRequest(res.json().id))?.email, person.email);
  });

  test(`${who} whose insert fails gets a 5xx that claims nothing was accepted`, async (t) => {
    const held = heldInserts();
    const app = await testApp({ wrapStore: held.wrap });
    t.after(() => app.close());
    const answered = app.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      payload: person,
      headers: caller === 'admin' ? app.admin : {},
    });
    await held.started;
    held.release(new Error('SQLITE_FULL: database or disk is full'));
    const res = await answered;
    assert.ok(res.statusCode >= 500, `${res.statusCode} ${res.body}`);
    assert.equal(res.json().code, 'internal_error');
    assert.equal(res.json().id, undefined, 'no request id handed out');
    assert.doesNotMatch(res.body, /pending_/);
    assert.deepEqual((await app.db.queries.listRequests({ limit: 10 })).items, [], 'nothing stored');
  });
}
