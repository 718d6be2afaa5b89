import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { ALL_ROLES, call, emulatorFor, graph, keysOf } from './helpers.ts';

const SCOPE = 'https://graph.microsoft.com/.default';

function requestToken(emulator: Emulator, app: { clientId: string; clientSecret?: string }) {
  return call(emulator, {
    path: `/${emulator.tenantId}/oauth2/v2.0/token`,
    headers: { 'client-request-id': 'corr-9' },
    form: {
      client_id: app.clientId,
      client_secret: app.clientSecret ?? '',
      scope: SCOPE,
      grant_type: 'client_credentials',
    },
  });
}

function assertEntraShape(reply: Awaited<ReturnType<typeof requestToken>>, code: number, error: string) {
  assert.deepEqual(keysOf(reply.json), [...keysOf(examples.token_error.body), 'error_uri'].sort());
  assert.equal(reply.json.error, error);
  assert.deepEqual(reply.json.error_codes, [code]);
  assert.equal(reply.json.correlation_id, 'corr-9');
  assert.equal(reply.json.error_uri, `https://login.microsoftonline.com/error?code=${code}`);
  assert.match(
    reply.json.error_description,
    new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: ${reply.json.trace_id}\\r\\n`),
  );
}

test('transient token faults answer in Entra error shape, with the chosen status', async (t) => {
  const emulator = await emulatorFor(t);
  const app = emulator.registerApp({ roles: ALL_ROLES });
  const cases = [
    { kind: 'temporarily_unavailable', status: 400, error: 'temporarily_unavailable', code: 90006 },
    { kind: 'AADSTS90024', status: 400, error: 'temporarily_unavailable', code: 90024 },
    { kind: 'AADSTS90033', status: 503, error: 'temporarily_unavailable', code: 90033 },
    { kind: 500, status: 500, error: 'server_error', code: 50000 },
    { kind: 503, status: 503, error: 'temporarily_unavailable', code: 90006 },
  ] as const;
  for (const c of cases) {
    emulator.setTokenFaults({ rate: 1, kind: c.kind });
    const reply = await requestToken(emulator, app);
    assert.equal(reply.status, c.status, String(c.kind));
    assertEntraShape(reply, c.code, c.error);
    assert.equal(reply.headers['retry-after'], undefined);
  }
  emulator.setTokenFaults({ rate: 1, kind: 'temporarily_unavailable', status: 503, retryAfterSeconds: 4 });
  const told = await requestToken(emulator, app);
  assert.equal(told.status, 503);
  assert.equal(told.headers['retry-after'], '4');
  emulator.setTokenFaults(null);
  assert.equal((await requestToken(emulator, app)).status, 200);
  assert.throws(() => emulator.setTokenFaults({ rate: 1, kind: 'AADSTS1' as never }), TypeError);
});

test('token faults follow the seed', async (t) => {
  const emulator = await emulatorFor(t, { tokenFaults: { rate: 0.5, kind: 'AADSTS90033', seed: 3 } });
  const app = emulator.registerApp({ roles: [] });
  const run = async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await requestToken(emulator, app)).status);
    return statuses;
  };
  const first = await run();
  assert.ok(first.includes(200) && first.includes(503), first.join(','));
  emulator.setTokenFaults({ rate: 0.5, kind: 'AADSTS90033', seed: 3 });
  assert.deepEqual(await run(), first);
});

test('an unknown AADSTS refusal is reproducible with its error_uri', async (t) => {
  const emulator = await emulatorFor(t);
  const app = emulator.registerApp({ roles: [] });
  emulator.setTokenRefusal({
    code: 53003,
    error: 'invalid_grant',
    description:
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  });
  const refused = await requestToken(emulator, app);
  assert.equal(refused.status, 400);
  assertEntraShape(refused, 53003, 'invalid_grant');
  assert.match(refused.json.error_description, /^AADSTS53003: Access has been blocked by Conditional Access/);
  emulator.setTokenRefusal(null);
  assert.equal((await requestToken(emulator, app)).status, 200);
});

test('the tenant breaks mid-run: secret deleted or expired, app removed, permissions revoked', async (t) => {
  const emulator = await emulatorFor(t);
  const app = emulator.registerApp({ roles: ALL_ROLES });
  const first = await requestToken(emulator, app);
  assert.equal(first.status, 200);

  emulator.setAppRoles(app.clientId, ['User.Read.All']);
  // The token in hand keeps its roles until it expires; the next one does not.
  const old = first.json.access_token;
  assert.equal((await graph(emulator, old, { method: 'POST', path: '/invitations', body: {} })).status, 400);
  const narrowed = (await requestToken(emulator, app)).json.access_token;
  const denied = await graph(emulator, narrowed, {
    method: 'POST',
    path: '/invitations',
    body: { invitedUserEmailAddress: 'x@fabrikam.com', inviteRedirectUrl: 'https://app.example.com' },
  });
  assert.equal(denied.status, 403);
  assert.equal(denied.json.error.code, 'Authorization_RequestDenied');

  emulator.expireClientSecret(app.clientId);
  const expired = await requestToken(emulator, app);
  assert.equal(expired.status, 401);
  assertEntraShape(expired, 7000222, 'invalid_client');

  emulator.removeClientSecret(app.clientId);
  const deleted = await requestToken(emulator, app);
  assert.equal(deleted.status, 401);
  assertEntraShape(deleted, 7000215, 'invalid_client');

  emulator.removeApp(app.clientId);
  const gone = await requestToken(emulator, app);
  assert.equal(gone.status, 400);
  assertEntraShape(gone, 700016, 'unauthorized_client');
  assert.throws(() => emulator.removeApp(app.clientId), /No app/);
});
