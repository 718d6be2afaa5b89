import assert from 'node:assert/strict';
import { test } from 'node:test';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { emulatorFor, graph, keysOf, tokenFor } from './helpers.ts';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

test('a batch answers each request by id; more than 20 requests is 400', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const user = emulator.addUser({ mail: 'eve@fabrikam.com', userType: 'Guest' });
  const requests = Array.from({ length: 20 }, (_, i) => ({
    id: String(i + 1),
    method: 'GET',
    url: i === 0 ? `/users/${user.id}?$select=id,mail` : "users?$filter=mail eq 'eve@fabrikam.com'&$select=id",
  }));
  const reply = await graph(emulator, token, { method: 'POST', path: '/$batch', body: { requests } });
  assert.equal(reply.status, 200);
  assert.equal(reply.json.responses.length, 20);
  const first = reply.json.responses.find((r: { id: string }) => r.id === '1');
  assert.equal(first.status, 200);
  assert.equal(first.body.mail, 'eve@fabrikam.com');
  assert.deepEqual(reply.json.responses.find((r: { id: string }) => r.id === '2').body.value, [{ id: user.id }]);

  const tooMany = await graph(emulator, token, {
    method: 'POST',
    path: '/$batch',
    body: { requests: [...requests, { id: '21', method: 'GET', url: '/users' }] },
  });
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.json.error.code, 'BadRequest');
});

test('a write without Content-Type fails the whole batch', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const reply = await graph(emulator, token, {
    method: 'POST',
    path: '/$batch',
    body: {
      requests: [{ id: 'a', method: 'POST', url: '/invitations', body: { invitedUserEmailAddress: 'x@y.com' } }],
    },
  });
  assert.equal(reply.status, 400);
  assert.equal(reply.json.error.message, 'Write request id : a does not contain Content-Type header or body.');
  assert.deepEqual(emulator.invitations.list(), []);
});

test('a request whose dependency failed is 424 and does not run', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const group = emulator.addGroup();
  const reply = await graph(emulator, token, {
    method: 'POST',
    path: '/$batch',
    body: {
      requests: [
        {
          id: 'add',
          method: 'POST',
          url: `/groups/${group.id}/members/$ref`,
          headers: JSON_HEADERS,
          dependsOn: ['invite'],
          body: {
            '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-0000-0000-00000000abcd',
          },
        },
        {
          id: 'invite',
          method: 'POST',
          url: '/invitations',
          headers: JSON_HEADERS,
          body: { invitedUserEmailAddress: 'bad,address@y.com', inviteRedirectUrl: 'https://a.example' },
        },
      ],
    },
  });
  const byId = Object.fromEntries(reply.json.responses.map((r: { id: string }) => [r.id, r]));
  assert.equal(byId.invite.status, 400);
  assert.equal(byId.add.status, 424);
  assert.equal(reply.json.responses[0].id, 'invite', 'dependencies run first');
});

test('inner requests are authorized one by one (inner 403 in the documented shape)', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator, ['User.Read.All']);
  const reply = await graph(emulator, token, {
    method: 'POST',
    path: '/$batch',
    body: {
      requests: [
        { id: '1', method: 'GET', url: '/users' },
        {
          id: '3',
          method: 'POST',
          url: '/invitations',
          headers: JSON_HEADERS,
          body: { invitedUserEmailAddress: 'z@y.com', inviteRedirectUrl: 'https://a.example' },
        },
      ],
    },
  });
  const denied = reply.json.responses.find((r: { id: string }) => r.id === '3');
  const documented = examples.batch_inner_403.response_item;
  assert.deepEqual(keysOf(denied), keysOf(documented));
  assert.equal(denied.status, documented.status);
  assert.equal(denied.body.error.code, documented.body.error.code);
  assert.equal(denied.body.error.message, documented.body.error.message);
  assert.equal(denied.headers['Content-Type'], 'application/json');
  assert.equal(reply.json.responses.find((r: { id: string }) => r.id === '1').status, 200);
});

test('inner invitations are throttled on their own, with their own Retry-After', async (t) => {
  const emulator = await emulatorFor(t, { invitationThrottle: { limit: 2, windowMs: 10_000 } });
  const token = await tokenFor(emulator);
  const requests = ['a', 'b', 'c'].map((id) => ({
    id,
    method: 'POST',
    url: '/invitations',
    headers: JSON_HEADERS,
    body: { invitedUserEmailAddress: `${id}@fabrikam.com`, inviteRedirectUrl: 'https://a.example' },
  }));
  const reply = await graph(emulator, token, { method: 'POST', path: '/$batch', body: { requests } });
  assert.equal(reply.status, 200);
  const statuses = reply.json.responses.map((r: { status: number }) => r.status);
  assert.deepEqual(statuses, [201, 201, 429]);
  assert.equal(reply.json.responses[2].headers['Retry-After'], '10');
  assert.deepEqual(
    emulator.invitations.list().map((entry) => entry.status),
    [201, 201, 429],
  );
  assert.equal(emulator.listUsers().length, 2);
});
