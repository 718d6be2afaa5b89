import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slidingWindow } from '../../src/emulator/graph/throttle.ts';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { emulatorFor, graph, invite, keysOf, tokenFor } from './helpers.ts';

test('the 151st invitation within 5 s is 429 with Retry-After and takes no effect', async (t) => {
  let nowMs = Date.parse('2025-01-01T00:00:00Z');
  const emulator = await emulatorFor(t, { clock: () => new Date(nowMs) });
  const token = await tokenFor(emulator);
  for (let i = 0; i < 150; i++) {
    const reply = await invite(emulator, token, { invitedUserEmailAddress: `p${i}@fabrikam.com` });
    assert.equal(reply.status, 201, `call ${i + 1}`);
    nowMs += 10; // 150 calls spread over 1.5 s
  }
  const throttled = await invite(emulator, token, {
    invitedUserEmailAddress: 'one-too-many@fabrikam.com',
    sendInvitationMessage: true,
  });
  assert.equal(throttled.status, examples.throttled_429.status);
  // The first call (at t=0) leaves the window at t=5 s; now is t=1.5 s.
  assert.equal(throttled.headers['retry-after'], '4');
  assert.ok(throttled.headers['x-ms-throttle-scope']);
  assert.ok(throttled.headers['x-ms-throttle-information']);
  assert.deepEqual(keysOf(throttled.json.error), keysOf(examples.throttled_429.body.error));
  assert.equal(throttled.json.error.code, 'TooManyRequests');
  assert.equal(throttled.json.error.message, examples.throttled_429.body.error.message);
  assert.deepEqual(
    keysOf(throttled.json.error.innerError),
    [...keysOf(examples.throttled_429.body.error.innerError), 'client-request-id'].sort(),
  );
  assert.equal(emulator.getUser('one-too-many_fabrikam.com#EXT#@contoso.onmicrosoft.com'), undefined);
  assert.deepEqual(emulator.mailbox.list(), []);
  assert.equal(emulator.invitations.list().at(-1)?.status, 429);

  nowMs = Date.parse('2025-01-01T00:00:05Z'); // the first call has left the window
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'next@fabrikam.com' })).status, 201);
  // Reads are not counted against the invitation limit.
  assert.equal((await graph(emulator, token, { path: '/users?$top=1' })).status, 200);
});

test('the limit can be changed or switched off at run time', async (t) => {
  const emulator = await emulatorFor(t, { invitationThrottle: null });
  const token = await tokenFor(emulator);
  for (let i = 0; i < 3; i++)
    assert.equal((await invite(emulator, token, { invitedUserEmailAddress: `q${i}@f.com` })).status, 201);
  emulator.setInvitationThrottle({ limit: 1, windowMs: 60_000 });
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'r1@f.com' })).status, 201);
  const throttled = await invite(emulator, token, { invitedUserEmailAddress: 'r2@f.com' });
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers['retry-after'], '60');
  emulator.setInvitationThrottle(null);
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'r3@f.com' })).status, 201);
});

test('sliding window: Retry-After is the time until the oldest admitted call leaves, at least 1 s', () => {
  const window = slidingWindow({ limit: 2, windowMs: 5000 });
  assert.deepEqual(window.admit(0), { admitted: true });
  assert.deepEqual(window.admit(4200), { admitted: true });
  assert.deepEqual(window.admit(4300), { admitted: false, retryAfterSeconds: 1 }); // 0.7 s → 1
  assert.deepEqual(window.admit(4999), { admitted: false, retryAfterSeconds: 1 });
  assert.deepEqual(window.admit(5000), { admitted: true }); // the call at 0 has left
  assert.deepEqual(window.admit(5001), { admitted: false, retryAfterSeconds: 5 }); // 4200 leaves at 9200: 4.199 s, rounded up
  assert.throws(() => slidingWindow({ limit: 0, windowMs: 5000 }), TypeError);
});
