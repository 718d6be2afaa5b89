import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestEvent } from '../../src/emulator/index.ts';
import { call, emulatorFor, graph, invite, tokenFor } from './helpers.ts';

test('/_emulator/mailbox and /_emulator/invitations expose the logs without a token', async (t) => {
  const emulator = await emulatorFor(t, { invitationThrottle: { limit: 1, windowMs: 60_000 } });
  const token = await tokenFor(emulator);
  await invite(emulator, token, { invitedUserEmailAddress: 'h@fabrikam.com', sendInvitationMessage: true });
  await invite(emulator, token, { invitedUserEmailAddress: 'i@fabrikam.com' });

  const mailbox = await call(emulator, { path: '/_emulator/mailbox' });
  assert.equal(mailbox.status, 200);
  assert.deepEqual(
    mailbox.json.map((m: { to: string[] }) => m.to),
    [['h@fabrikam.com']],
  );
  assert.equal(typeof mailbox.json[0].sentAt, 'string');

  const invitations = await call(emulator, { path: '/_emulator/invitations' });
  assert.deepEqual(
    invitations.json.map((entry: { status: number; body: { invitedUserEmailAddress: string } }) => [
      entry.body.invitedUserEmailAddress,
      entry.status,
    ]),
    [
      ['h@fabrikam.com', 201],
      ['i@fabrikam.com', 429],
    ],
  );
  assert.equal((await call(emulator, { path: '/_emulator/nothing' })).status, 404);
});

test('onRequest reports every request with its arrival time, until unsubscribed', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const events: RequestEvent[] = [];
  const before = performance.timeOrigin + performance.now();
  const stop = emulator.onRequest((event) => events.push(event));
  await graph(emulator, token, { path: '/users' });
  await invite(emulator, token, { invitedUserEmailAddress: 'j@fabrikam.com' });
  stop();
  await graph(emulator, token, { path: '/users' });
  assert.deepEqual(
    events.map(({ method, path, status }) => ({ method, path, status })),
    [
      { method: 'GET', path: '/v1.0/users', status: 200 },
      { method: 'POST', path: '/v1.0/invitations', status: 201 },
    ],
  );
  const [first, second] = events;
  assert.ok(first && second && first.receivedAtMs >= before && second.receivedAtMs >= first.receivedAtMs);
  const logged = emulator.invitations.list();
  assert.equal(logged.length, 1);
  assert.equal(logged[0]?.receivedAtMs, second.receivedAtMs);
});
