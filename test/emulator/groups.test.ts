import assert from 'node:assert/strict';
import { test } from 'node:test';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { emulatorFor, graph, keysOf, tokenFor } from './helpers.ts';

test('adding a member is 204; adding them again is the documented 400', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const group = emulator.addGroup({ displayName: 'Partner portal' });
  const user = emulator.addUser({ mail: 'ann@fabrikam.com', userType: 'Guest' });
  const add = () =>
    graph(emulator, token, {
      method: 'POST',
      path: `/groups/${group.id}/members/$ref`,
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` },
    });
  const first = await add();
  assert.equal(first.status, 204);
  assert.deepEqual(emulator.groupMembers(group.id), [user.id]);

  const again = await add();
  assert.equal(again.status, examples.error_already_member.status);
  assert.equal(again.json.error.code, examples.error_already_member.body.error.code);
  assert.equal(again.json.error.message, examples.error_already_member.body.error.message);
  assert.deepEqual(keysOf(again.json.error.innerError), keysOf(examples.error_already_member.body.error.innerError));

  const members = await graph(emulator, token, { path: `/groups/${group.id}/members` });
  assert.deepEqual(
    members.json.value.map((m: { id: string }) => m.id),
    [user.id],
  );
  const removed = await graph(emulator, token, {
    method: 'DELETE',
    path: `/groups/${group.id}/members/${user.id}/$ref`,
  });
  assert.equal(removed.status, 204);
  assert.deepEqual(emulator.groupMembers(group.id), []);
});

test('an unknown group or user is 404; a malformed reference is 400', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const group = emulator.addGroup();
  const user = emulator.addUser({ mail: 'bo@fabrikam.com', userType: 'Guest' });
  const add = (groupId: string, ref: unknown) =>
    graph(emulator, token, { method: 'POST', path: `/groups/${groupId}/members/$ref`, body: { '@odata.id': ref } });
  const noGroup = await add(
    '99999999-0000-0000-0000-000000000000',
    `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}`,
  );
  assert.equal(noGroup.status, 404);
  assert.match(noGroup.json.error.message, /^Resource '99999999-0000-0000-0000-000000000000' does not exist/);
  const noUser = await add(
    group.id,
    'https://graph.microsoft.com/v1.0/directoryObjects/88888888-0000-0000-0000-000000000000',
  );
  assert.equal(noUser.status, 404);
  assert.equal((await add(group.id, 'not a reference')).status, 400);
  assert.equal((await add(group.id, undefined)).status, 400);
});

test('GET /groups/{id} returns the group', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator, ['GroupMember.Read.All']);
  const group = emulator.addGroup({ id: '0a0a0a0a-1111-2222-3333-444444444444', displayName: 'Partner portal' });
  const reply = await graph(emulator, token, { path: `/groups/${group.id}` });
  assert.equal(reply.status, 200);
  assert.equal(reply.json.id, group.id);
  assert.equal(reply.json.displayName, 'Partner portal');
  assert.equal(reply.json.securityEnabled, true);
});

test('addGroup with an existing id keeps the group and its members', async (t) => {
  const emulator = await emulatorFor(t);
  const id = '0b0b0b0b-1111-2222-3333-444444444444';
  emulator.addGroup({ id, displayName: 'Partner portal' });
  const user = emulator.addUser({ mail: 'cy@fabrikam.com', userType: 'Guest' });
  const token = await tokenFor(emulator);
  const added = await graph(emulator, token, {
    method: 'POST',
    path: `/groups/${id}/members/$ref`,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` },
  });
  assert.equal(added.status, 204);

  assert.deepEqual(emulator.addGroup({ id, displayName: 'Another name' }), { id });
  assert.deepEqual(emulator.groupMembers(id), [user.id]);
  assert.equal((await graph(emulator, token, { path: `/groups/${id}` })).json.displayName, 'Partner portal');
});
