import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatorFor, graph, invite, tokenFor } from './helpers.ts';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

async function laggingTenant(t: Parameters<typeof emulatorFor>[0], lagMs = 30_000) {
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const emulator = await emulatorFor(t, { clock: () => new Date(nowMs), replicationLagMs: lagMs });
  const token = await tokenFor(emulator);
  return { emulator, token, advance: (ms: number) => (nowMs += ms) };
}

test('an invited guest is hidden from lookups, gets and group adds until the lag has passed', async (t) => {
  const { emulator, token, advance } = await laggingTenant(t);
  const group = emulator.addGroup();
  const invited = await invite(emulator, token, { invitedUserEmailAddress: 'lag@fabrikam.com' });
  assert.equal(invited.status, 201);
  const id = invited.json.invitedUser.id;

  const lookup = () => graph(emulator, token, { path: "/users?$filter=mail eq 'lag@fabrikam.com'&$select=id" });
  const get = () => graph(emulator, token, { path: `/users/${id}` });
  const add = () =>
    graph(emulator, token, {
      method: 'POST',
      path: `/groups/${group.id}/members/$ref`,
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` },
    });

  assert.deepEqual((await lookup()).json.value, []);
  const missing = await get();
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'Request_ResourceNotFound');
  assert.equal(
    missing.json.error.message,
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
  const early = await add();
  assert.equal(early.status, 404);
  assert.equal(early.json.error.code, 'Request_ResourceNotFound');
  assert.match(early.json.error.message, new RegExp(`^Resource '${id}' does not exist`));
  assert.deepEqual(emulator.groupMembers(group.id), []);
  // The programmatic view is the truth.
  assert.equal(emulator.getUser(id)?.mail, 'lag@fabrikam.com');
  assert.equal(emulator.listUsers().length, 1);

  // Inviting again while it replicates returns the same user: the invitation service sees it.
  const again = await invite(emulator, token, { invitedUserEmailAddress: 'LAG@fabrikam.com' });
  assert.equal(again.status, 201);
  assert.equal(again.json.invitedUser.id, id);
  assert.equal(emulator.listUsers().length, 1);

  advance(29_999);
  assert.equal((await get()).status, 404);
  advance(1);
  assert.deepEqual((await lookup()).json.value, [{ id }]);
  assert.equal((await get()).status, 200);
  assert.equal((await add()).status, 204);
});

test('inside a $batch the lagging user is 404 too', async (t) => {
  const { emulator, token } = await laggingTenant(t);
  const invited = await invite(emulator, token, { invitedUserEmailAddress: 'batch-lag@fabrikam.com' });
  const id = invited.json.invitedUser.id;
  const reply = await graph(emulator, token, {
    method: 'POST',
    path: '/$batch',
    body: {
      requests: [
        { id: '1', method: 'GET', url: `/users/${id}` },
        { id: '2', method: 'GET', url: "/users?$filter=mail eq 'batch-lag@fabrikam.com'" },
        {
          id: '3',
          method: 'POST',
          url: `/groups/${emulator.addGroup().id}/members/$ref`,
          headers: JSON_HEADERS,
          body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` },
        },
      ],
    },
  });
  const byId = (n: string) => reply.json.responses.find((r: { id: string }) => r.id === n);
  assert.equal(byId('1').status, 404);
  assert.equal(byId('1').body.error.code, 'Request_ResourceNotFound');
  assert.deepEqual(byId('2').body.value, []);
  assert.equal(byId('3').status, 404);
});

test('addUser is replicated by default; replicated: false lags; the lag can change at run time', async (t) => {
  const { emulator, token, advance } = await laggingTenant(t, 10_000);
  const seeded = emulator.addUser({ mail: 'seed@fabrikam.com', userType: 'Guest' });
  const fresh = emulator.addUser({ mail: 'fresh@fabrikam.com', userType: 'Guest', replicated: false });
  assert.equal((await graph(emulator, token, { path: `/users/${seeded.id}` })).status, 200);
  assert.equal((await graph(emulator, token, { path: `/users/${fresh.id}` })).status, 404);
  const patch = await graph(emulator, token, {
    method: 'PATCH',
    path: `/users/${fresh.id}`,
    body: { accountEnabled: false },
  });
  assert.equal(patch.status, 404);

  emulator.setReplicationLag(0);
  const now = await invite(emulator, token, { invitedUserEmailAddress: 'now@fabrikam.com' });
  assert.equal((await graph(emulator, token, { path: `/users/${now.json.invitedUser.id}` })).status, 200);
  assert.equal((await graph(emulator, token, { path: `/users/${fresh.id}` })).status, 404, 'set at its creation');
  advance(10_000);
  assert.equal((await graph(emulator, token, { path: `/users/${fresh.id}` })).status, 200);
  assert.throws(() => emulator.setReplicationLag(-1), TypeError);
});

test('without the option nothing lags (the default)', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const invited = await invite(emulator, token, { invitedUserEmailAddress: 'quick@fabrikam.com' });
  assert.equal((await graph(emulator, token, { path: `/users/${invited.json.invitedUser.id}` })).status, 200);
});
