import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultInjector } from '../../src/emulator/graph/faults.ts';
import { emulatorFor, graph, invite, tokenFor } from './helpers.ts';

test('an injected 429 carries Retry-After and takes no effect; token calls are never faulted', async (t) => {
  const emulator = await emulatorFor(t, { faults: { rate: 1, statuses: [429], retryAfterSeconds: 7 } });
  const token = await tokenFor(emulator); // would throw if the token endpoint were faulted
  const reply = await invite(emulator, token, {
    invitedUserEmailAddress: 'f@fabrikam.com',
    sendInvitationMessage: true,
  });
  assert.equal(reply.status, 429);
  assert.equal(reply.headers['retry-after'], '7');
  assert.equal(reply.json.error.code, 'TooManyRequests');
  assert.deepEqual(emulator.listUsers(), []);
  assert.deepEqual(emulator.mailbox.list(), []);
});

test('a 503 before the effect changes nothing; after the effect the write happened', async (t) => {
  const emulator = await emulatorFor(t, { faults: { rate: 1, statuses: [503], afterEffectRate: 0 } });
  const token = await tokenFor(emulator);
  const before = await invite(emulator, token, {
    invitedUserEmailAddress: 'g@fabrikam.com',
    sendInvitationMessage: true,
  });
  assert.equal(before.status, 503);
  assert.equal(before.json.error.code, 'ServiceUnavailable');
  assert.deepEqual(emulator.listUsers(), []);

  emulator.setFaults({ rate: 1, statuses: [503], afterEffectRate: 1 });
  const after = await invite(emulator, token, {
    invitedUserEmailAddress: 'g@fabrikam.com',
    sendInvitationMessage: true,
  });
  assert.equal(after.status, 503);
  assert.equal(emulator.listUsers().length, 1, 'the response was lost, the guest exists');
  assert.equal(emulator.mailbox.list().length, 1, 'and the email went out');

  emulator.setFaults(null);
  const retry = await invite(emulator, token, {
    invitedUserEmailAddress: 'g@fabrikam.com',
    sendInvitationMessage: false,
  });
  assert.equal(retry.status, 201);
  assert.equal(retry.json.invitedUser.id, emulator.listUsers()[0]?.id);
});

test('faults follow the seed: the same seed and calls give the same faults', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const run = async () => {
    emulator.setFaults({ rate: 0.5, statuses: [429, 503], seed: 42 });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await graph(emulator, token, { path: '/users?$top=1' })).status);
    return statuses;
  };
  const first = await run();
  assert.deepEqual(await run(), first);
  assert.ok(first.includes(200) && first.some((s) => s !== 200), first.join(','));

  const decide = faultInjector({ rate: 0.3, statuses: [429, 503], afterEffectRate: 0.5, seed: 7 });
  const faults = Array.from({ length: 2000 }, () => decide().fault);
  const share = faults.filter(Boolean).length / faults.length;
  assert.ok(share > 0.25 && share < 0.35, `fault share ${share}`);
  assert.ok(faults.some((f) => f?.status === 503 && f.afterEffect));
  assert.ok(!faults.some((f) => f?.status === 429 && f.afterEffect), 'a 429 never takes effect');
  assert.throws(() => faultInjector({ rate: 2 }), TypeError);
  assert.throws(() => faultInjector({ rate: 0.1, statuses: [418] }), TypeError);
});

test('slow responses are delayed by slowMs', async (t) => {
  const emulator = await emulatorFor(t, { faults: { rate: 0, slowRate: 1, slowMs: 150 } });
  const token = await tokenFor(emulator);
  const started = performance.now();
  const reply = await graph(emulator, token, { path: '/users' });
  assert.equal(reply.status, 200);
  assert.ok(performance.now() - started >= 140);
});
