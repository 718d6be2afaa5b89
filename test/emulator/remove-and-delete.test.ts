// DELETE /groups/{id}/members/{id}/$ref and DELETE /users/{id}, as revoking access uses
// them: 204 on success, Graph's 404 bodies for what is not there, 403 without the
// permission, the replication lag of a user just invited, and the fault pipeline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatorFor, graph, invite, tokenFor } from './helpers.ts';

const NOT_A_MEMBER =
  "One or more removed object references do not exist for the following modified properties: 'members'.";

test('removing a member is 204; removing them again is the 404 for a missing reference', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const group = emulator.addGroup();
  const user = emulator.addUser({ mail: 'ann@fabrikam.com', userType: 'Guest' });
  const other = emulator.addUser({ mail: 'bo@fabrikam.com', userType: 'Guest' });
  const remove = (userId: string, groupId = group.id) =>
    graph(emulator, token, { method: 'DELETE', path: `/groups/${groupId}/members/${userId}/$ref` });
  await graph(emulator, token, {
    method: 'POST',
    path: `/groups/${group.id}/members/$ref`,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` },
  });
  const removed = await remove(user.id);
  assert.equal(removed.status, 204);
  assert.equal(removed.text, '');
  assert.deepEqual(emulator.groupMembers(group.id), []);

  const again = await remove(user.id);
  assert.equal(again.status, 404);
  assert.equal(again.json.error.code, 'Request_ResourceNotFound');
  assert.equal(again.json.error.message, NOT_A_MEMBER);
  assert.ok(again.json.error.innerError['request-id'], 'with the request-id support asks for');
  assert.equal((await remove(other.id)).json.error.message, NOT_A_MEMBER, 'never a member: the same');

  const unknownUser = await remove('88888888-0000-0000-0000-000000000000');
  assert.equal(unknownUser.status, 404);
  assert.match(unknownUser.json.error.message, /^Resource '88888888-0000-0000-0000-000000000000' does not exist/);
  const unknownGroup = await remove(user.id, '99999999-0000-0000-0000-000000000000');
  assert.equal(unknownGroup.status, 404);
  assert.match(unknownGroup.json.error.message, /^Resource '99999999-0000-0000-0000-000000000000' does not exist/);
});

test('without the permission both are 403 and change nothing', async (t) => {
  const emulator = await emulatorFor(t);
  const group = emulator.addGroup();
  const user = emulator.addUser({ mail: 'cy@fabrikam.com', userType: 'Guest' });
  const admin = await tokenFor(emulator);
  await graph(emulator, admin, {
    method: 'POST',
    path: `/groups/${group.id}/members/$ref`,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` },
  });
  const readOnly = await tokenFor(emulator, ['User.Read.All', 'GroupMember.Read.All']);
  const remove = await graph(emulator, readOnly, {
    method: 'DELETE',
    path: `/groups/${group.id}/members/${user.id}/$ref`,
  });
  assert.equal(remove.status, 403);
  assert.equal(remove.json.error.code, 'Authorization_RequestDenied');
  assert.deepEqual(emulator.groupMembers(group.id), [user.id]);
  // GroupMember.ReadWrite.All removes members but does not delete users.
  const groupsOnly = await tokenFor(emulator, ['User.Read.All', 'GroupMember.ReadWrite.All']);
  const del = await graph(emulator, groupsOnly, { method: 'DELETE', path: `/users/${user.id}` });
  assert.equal(del.status, 403);
  assert.equal(del.json.error.code, 'Authorization_RequestDenied');
  assert.ok(emulator.getUser(user.id));
});

test('a guest just invited is 404 to both until replicated, then removed and deleted', async (t) => {
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const emulator = await emulatorFor(t, { clock: () => new Date(nowMs), replicationLagMs: 30_000 });
  const token = await tokenFor(emulator);
  const group = emulator.addGroup();
  const id = (await invite(emulator, token, { invitedUserEmailAddress: 'di@fabrikam.com' })).json.invitedUser.id;
  const remove = () => graph(emulator, token, { method: 'DELETE', path: `/groups/${group.id}/members/${id}/$ref` });
  const del = () => graph(emulator, token, { method: 'DELETE', path: `/users/${id}` });
  const early = await remove();
  assert.equal(early.status, 404);
  assert.match(early.json.error.message, new RegExp(`^Resource '${id}' does not exist`));
  assert.equal((await del()).status, 404);
  assert.ok(emulator.getUser(id), 'the lagging user is still there');
  nowMs += 30_000;
  await graph(emulator, token, {
    method: 'POST',
    path: `/groups/${group.id}/members/$ref`,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` },
  });
  assert.equal((await remove()).status, 204);
  assert.equal((await del()).status, 204);
  assert.equal(emulator.getUser(id), undefined);
});

test('both go through the throttling and fault pipeline', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const group = emulator.addGroup();
  const user = emulator.addUser({ mail: 'ed@fabrikam.com', userType: 'Guest' });
  emulator.setFaults({ rate: 1, statuses: [503], operations: ['removeMember', 'deleteUser'] });
  const remove = await graph(emulator, token, {
    method: 'DELETE',
    path: `/groups/${group.id}/members/${user.id}/$ref`,
  });
  assert.equal(remove.status, 503);
  const del = await graph(emulator, token, { method: 'DELETE', path: `/users/${user.id}` });
  assert.equal(del.status, 503);
  assert.ok(emulator.getUser(user.id), 'a fault before the effect deletes nothing');
  emulator.setFaults({ rate: 1, statuses: [429], retryAfterSeconds: 7, operations: ['deleteUser'] });
  const throttled = await graph(emulator, token, { method: 'DELETE', path: `/users/${user.id}` });
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers['retry-after'], '7');
});
