// The anonymous submission budget is per minute. @fastify/rate-limit reads Date.now() and
// takes no clock, so node:test's mock timers stand in for the clock: nothing here waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testApp } from '../helpers/app.ts';

const person = { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' };
const MINUTE = 60_000;

test('the anonymous submission budget lasts a whole minute, and a new one starts after it', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: new Date('2026-03-01T09:00:00.000Z') });
  const app = await testApp({ submissionsPerMinute: 2 });
  t.after(() => app.close());
  const send = () => app.app.inject({ method: 'POST', url: '/api/v1/access-requests', payload: person });

  const first = await send();
  assert.equal(first.statusCode, 202, first.body);
  assert.equal(first.headers['x-ratelimit-limit'], '2');
  assert.equal(first.headers['x-ratelimit-reset'], '60', 'the window is 60 s');
  t.mock.timers.tick(30_000);
  const second = await send();
  assert.equal(second.statusCode, 202);
  assert.equal(second.headers['x-ratelimit-reset'], '30', 'the window started with the first submission');

  t.mock.timers.tick(MINUTE - 30_000 - 1); // the last millisecond of the window
  const limited = await send();
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.headers['retry-after'], '1');

  t.mock.timers.tick(1);
  const next = await send();
  assert.equal(next.statusCode, 202, 'a new window, a new budget');
  assert.equal(next.headers['x-ratelimit-remaining'], '1');
});
