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

test('a lost answer takes effect and resets the connection with no response', async (t) => {
  const emulator = await emulatorFor(t, { faults: { rate: 0, lostAnswerRate: 1, operations: ['invite'] } });
  const token = await tokenFor(emulator);
  const events: number[] = [];
  emulator.onRequest((event) => events.push(event.status));
  await assert.rejects(
    invite(emulator, token, { invitedUserEmailAddress: 'lost@fabrikam.com', sendInvitationMessage: true }),
    (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET' || /socket hang up/.test(error.message),
  );
  assert.equal(emulator.listUsers().length, 1, 'the guest exists');
  assert.equal(emulator.mailbox.list().length, 1, 'and the email went out');
  assert.equal(emulator.invitations.list().at(-1)?.status, 0, 'logged as unanswered');
  assert.equal(events.at(-1), 0);
  // Other operations are not targeted: reads answer normally.
  assert.equal((await graph(emulator, token, { path: '/users' })).status, 200);

  emulator.setFaults(null);
  const retry = await invite(emulator, token, { invitedUserEmailAddress: 'lost@fabrikam.com' });
  assert.equal(retry.status, 201);
  assert.equal(retry.json.invitedUser.id, emulator.listUsers()[0]?.id);
});

test('a lost answer inside a $batch loses the whole batch; the other requests still ran', async (t) => {
  const emulator = await emulatorFor(t, { faults: { rate: 0, lostAnswerRate: 1, operations: ['addMember'] } });
  const token = await tokenFor(emulator);
  const group = emulator.addGroup();
  const user = emulator.addUser({ mail: 'batch-lost@fabrikam.com', userType: 'Guest' });
  await assert.rejects(
    graph(emulator, token, {
      method: 'POST',
      path: '/$batch',
      body: {
        requests: [
          {
            id: 'invite',
            method: 'POST',
            url: '/invitations',
            headers: { 'Content-Type': 'application/json' },
            body: { invitedUserEmailAddress: 'other@fabrikam.com', inviteRedirectUrl: 'https://app.example.com' },
          },
          {
            id: 'add',
            method: 'POST',
            url: `/groups/${group.id}/members/$ref`,
            headers: { 'Content-Type': 'application/json' },
            body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` },
          },
        ],
      },
    }),
  );
  assert.deepEqual(emulator.groupMembers(group.id), [user.id]);
  assert.equal(emulator.listUsers().length, 2);
});

test('the operations filter aims 429s at reads and members/$ref; 503s carry Retry-After only when asked', async (t) => {
  const emulator = await emulatorFor(t, {
    faults: { rate: 1, statuses: [429], retryAfterSeconds: 3, operations: ['listUsers', 'getUser', 'addMember'] },
  });
  const token = await tokenFor(emulator);
  const group = emulator.addGroup();
  const user = emulator.addUser({ mail: 'read@fabrikam.com', userType: 'Guest' });
  const add = () =>
    graph(emulator, token, {
      method: 'POST',
      path: `/groups/${group.id}/members/$ref`,
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` },
    });
  for (const reply of [
    await graph(emulator, token, { path: "/users?$filter=mail eq 'read@fabrikam.com'" }),
    await graph(emulator, token, { path: `/users/${user.id}` }),
    await add(),
  ]) {
    assert.equal(reply.status, 429);
    assert.equal(reply.headers['retry-after'], '3');
    assert.equal(reply.json.error.code, 'TooManyRequests');
  }
  assert.deepEqual(emulator.groupMembers(group.id), [], 'a 429 has no effect');
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'spared@fabrikam.com' })).status, 201);

  emulator.setFaults({ rate: 1, statuses: [503] });
  const bare = await graph(emulator, token, { path: '/users' });
  assert.equal(bare.status, 503);
  assert.equal(bare.headers['retry-after'], undefined);
  emulator.setFaults({ rate: 1, statuses: [503], serverErrorRetryAfterSeconds: 5 });
  const told = await graph(emulator, token, { path: '/users' });
  assert.equal(told.status, 503);
  assert.equal(told.headers['retry-after'], '5');
});

test('lost answers follow the seed, and untargeted operations do not consume it', () => {
  const options = { rate: 0.2, lostAnswerRate: 0.3, operations: ['invite' as const], seed: 9 };
  const run = (interleave: boolean) => {
    const decide = faultInjector(options);
    const out: string[] = [];
    for (let i = 0; i < 200; i++) {
      if (interleave) decide('getUser');
      const d = decide('invite');
      out.push(d.fault ? String(d.fault.status) : d.lostAnswer ? 'lost' : 'ok');
    }
    return out;
  };
  const plain = run(false);
  assert.deepEqual(run(true), plain);
  const lost = plain.filter((s) => s === 'lost').length / plain.length;
  assert.ok(lost > 0.15 && lost < 0.35, `lost share ${lost}`);
  assert.ok(!faultInjector(options)('getUser').lostAnswer);
  assert.throws(() => faultInjector({ rate: 0, lostAnswerRate: 1.5 }), TypeError);
});
