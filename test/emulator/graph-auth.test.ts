import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { call, emulatorFor, graph, keysOf, tokenFor } from './helpers.ts';

test('a Graph call without a valid bearer token is 401 InvalidAuthenticationToken', async (t) => {
  const emulator = await emulatorFor(t);
  const other = await emulatorFor(t);
  const foreign = await tokenFor(other); // signed by another emulator's key
  const forged = await new SignJWT({ roles: ['User.Read.All'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('https://graph.microsoft.com')
    .sign(new TextEncoder().encode('x'.repeat(32)));
  for (const authorization of [undefined, 'Bearer', 'Bearer not-a-jwt', `Bearer ${foreign}`, `Bearer ${forged}`]) {
    const reply = await call(emulator, { path: '/v1.0/users', headers: authorization ? { authorization } : {} });
    assert.equal(reply.status, 401, String(authorization));
    assert.equal(reply.json.error.code, 'InvalidAuthenticationToken');
    assert.ok(reply.headers['www-authenticate']);
    assert.ok(reply.headers['request-id']);
  }
});

test('every response carries request-id and echoes client-request-id', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const echoed = await graph(emulator, token, { path: '/users', headers: { 'client-request-id': 'mine-1' } });
  assert.equal(echoed.status, 200);
  assert.equal(echoed.headers['client-request-id'], 'mine-1');
  assert.match(String(echoed.headers['request-id']), /^[0-9a-f-]{36}$/);
  const generated = await graph(emulator, token, { path: '/users' });
  assert.equal(generated.headers['client-request-id'], generated.headers['request-id']);
  assert.match(String(generated.headers['content-type']), /^application\/json/);
});

test('each operation is 403 Authorization_RequestDenied without a permission that allows it', async (t) => {
  const emulator = await emulatorFor(t);
  const group = emulator.addGroup();
  const user = emulator.addUser({ mail: 'dee@fabrikam.com', userType: 'Guest' });
  const ref = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` };
  const invitation = { invitedUserEmailAddress: 'new@fabrikam.com', inviteRedirectUrl: 'https://app.example' };
  const operations = [
    {
      method: 'POST',
      path: '/invitations',
      body: invitation,
      allowedBy: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    },
    {
      method: 'GET',
      path: '/users',
      allowedBy: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    },
    { method: 'GET', path: `/users/${user.id}`, allowedBy: ['User.Read.All', 'Directory.Read.All'] },
    {
      method: 'PATCH',
      path: `/users/${user.id}`,
      body: { displayName: 'Dee' },
      allowedBy: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
    },
    {
      method: 'GET',
      path: `/groups/${group.id}`,
      allowedBy: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'GroupMember.ReadWrite.All'],
    },
    {
      method: 'POST',
      path: `/groups/${group.id}/members/$ref`,
      body: ref,
      allowedBy: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
    },
  ];
  // Tokens holding other permissions, none of which allows the operation.
  const denied = {
    'POST /invitations': ['User.Read.All', 'Directory.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All'],
    'GET /users': ['User.Invite.All', 'GroupMember.ReadWrite.All', 'Group.Read.All'],
    'PATCH /users': ['User.Invite.All', 'User.Read.All', 'Directory.Read.All', 'GroupMember.ReadWrite.All'],
    'GET /groups': ['User.Invite.All', 'User.ReadWrite.All'],
    'POST /groups': [
      'User.Invite.All',
      'User.ReadWrite.All',
      'GroupMember.Read.All',
      'Group.Read.All',
      'Directory.Read.All',
    ],
  };
  for (const op of operations) {
    const key = `${op.method} /${op.path.split('/')[1]}` as keyof typeof denied;
    const refused = await graph(emulator, await tokenFor(emulator, denied[key]), op);
    assert.equal(refused.status, 403, `${op.method} ${op.path}`);
    assert.equal(refused.json.error.code, examples.batch_inner_403.response_item.body.error.code);
    assert.equal(refused.json.error.message, examples.batch_inner_403.response_item.body.error.message);
    assert.deepEqual(
      keysOf(refused.json.error.innerError),
      keysOf(examples.batch_inner_403.response_item.body.error.innerError),
    );
    for (const role of op.allowedBy) {
      const allowed = await graph(emulator, await tokenFor(emulator, [role]), op);
      assert.notEqual(allowed.status, 403, `${op.method} ${op.path} with ${role}`);
    }
  }
  const none = await graph(emulator, await tokenFor(emulator, []), { path: '/users' });
  assert.equal(none.status, 403);
});

test('an unknown path is 400 naming the segment; a wrong method is 405', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const unknown = await graph(emulator, token, { path: '/contacts' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.message, "Resource not found for the segment 'contacts'.");
  const wrongMethod = await graph(emulator, token, { method: 'PUT', path: '/invitations', body: {} });
  assert.equal(wrongMethod.status, 405);
  const badJson = await graph(emulator, token, { method: 'POST', path: '/invitations', body: '{"invited' });
  assert.equal(badJson.status, 400);
  assert.match(badJson.json.error.message, /^Unable to read JSON request payload/);
});
