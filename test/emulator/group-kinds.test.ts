import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { emulatorFor, graph, tokenFor } from './helpers.ts';

const SELECT = 'id,groupTypes,mailEnabled,securityEnabled,isAssignableToRole,onPremisesSyncEnabled,membershipRule';

test('GET /groups/{id}?$select describes each kind as Graph does', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator, ['GroupMember.Read.All']);
  const expected = {
    security: [[], false, true, null, null, null],
    microsoft365: [['Unified'], true, false, null, null, null],
    dynamic: [['DynamicMembership'], false, true, null, null, '(user.userType -eq "Guest")'],
    roleAssignable: [[], false, true, true, null, null],
    mailEnabledSecurity: [[], true, true, null, null, null],
    distribution: [[], true, false, null, null, null],
    synced: [[], false, true, null, true, null],
  } as const;
  for (const [kind, [groupTypes, mailEnabled, securityEnabled, isAssignableToRole, synced, rule]] of Object.entries(
    expected,
  )) {
    const group = emulator.addGroup({ displayName: `${kind} group`, kind: kind as keyof typeof expected });
    const reply = await graph(emulator, token, { path: `/groups/${group.id}?$select=${SELECT}` });
    assert.equal(reply.status, 200, kind);
    assert.equal(reply.json['@odata.context'], `${emulator.url}/v1.0/$metadata#groups(${SELECT})/$entity`);
    assert.deepEqual(
      { ...reply.json, '@odata.context': undefined },
      {
        '@odata.context': undefined,
        id: group.id,
        groupTypes,
        mailEnabled,
        securityEnabled,
        isAssignableToRole,
        onPremisesSyncEnabled: synced,
        membershipRule: rule,
      },
      kind,
    );
  }
  const bad = await graph(emulator, token, { path: `/groups/${emulator.addGroup().id}?$select=nope` });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'Request_BadRequest');
  assert.equal((await graph(emulator, await tokenFor(emulator, ['User.Read.All']), { path: '/groups/x' })).status, 403);
  assert.throws(() => emulator.addGroup({ kind: 'team' as never }), TypeError);
});

test('members/$ref is refused for dynamic, mail-enabled, distribution and synced groups', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const user = emulator.addUser({ mail: 'kinds@fabrikam.com', userType: 'Guest' });
  const add = (groupId: string, bearer = token) =>
    graph(emulator, bearer, {
      method: 'POST',
      path: `/groups/${groupId}/members/$ref`,
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` },
    });
  const cases = [
    ['dynamic', 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
    [
      'mailEnabledSecurity',
      400,
      'Request_BadRequest',
      'Cannot Update a mail-enabled security groups and or distribution list.',
    ],
    [
      'distribution',
      400,
      'Request_BadRequest',
      'Cannot Update a mail-enabled security groups and or distribution list.',
    ],
    [
      'synced',
      400,
      'Request_BadRequest',
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    ],
    ['roleAssignable', 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  ] as const;
  for (const [kind, status, code, message] of cases) {
    const group = emulator.addGroup({ kind });
    const reply = await add(group.id);
    assert.equal(reply.status, status, kind);
    assert.equal(reply.json.error.code, code, kind);
    assert.equal(reply.json.error.message, message, kind);
    assert.deepEqual(emulator.groupMembers(group.id), [], kind);
  }
  for (const kind of ['security', 'microsoft365'] as const) {
    assert.equal((await add(emulator.addGroup({ kind }).id)).status, 204, kind);
  }
  const privileged = await tokenFor(emulator, ['GroupMember.ReadWrite.All', 'RoleManagement.ReadWrite.Directory']);
  const roleGroup = emulator.addGroup({ kind: 'roleAssignable' });
  assert.equal((await add(roleGroup.id, privileged)).status, 204);
  const removed = await graph(emulator, token, {
    method: 'DELETE',
    path: `/groups/${roleGroup.id}/members/${user.id}/$ref`,
  });
  assert.equal(removed.status, 403, 'removing needs the role permission too');
});

test('the kind survives a restart; a file without kinds loads as security groups', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guestlist-emulator-kinds-'));
  removeAfter(t, dir);
  const stateFile = join(dir, 'directory.json');
  const first = await startEmulator({ stateFile });
  const dynamic = first.addGroup({ kind: 'dynamic' });
  const plain = first.addGroup();
  await first.close();
  const saved = JSON.parse(await readFile(stateFile, 'utf8'));
  delete saved.groups.find((g: { id: string }) => g.id === plain.id).kind;
  await writeFile(stateFile, JSON.stringify(saved));

  const second = await emulatorFor(t, { stateFile });
  const token = await tokenFor(second);
  const kindOf = async (id: string) =>
    (await graph(second, token, { path: `/groups/${id}?$select=groupTypes` })).json.groupTypes;
  assert.deepEqual(await kindOf(dynamic.id), ['DynamicMembership']);
  assert.deepEqual(await kindOf(plain.id), []);

  saved.groups[0].kind = 'team';
  await writeFile(stateFile, JSON.stringify(saved));
  await assert.rejects(startEmulator({ stateFile }), /groups\[0\] has an unknown kind/);
});
