// Workload identity federation and managed identities, as the emulator plays them
// (src/emulator/workload-identity.ts, sts/federated-assertion.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { ALL_ROLES, call, emulatorFor } from './helpers.ts';

const SUBJECT = 'system:serviceaccount:guestlist:web';

async function exchange(emulator: { tenantId: string }, clientId: string, assertion: string) {
  return {
    path: `/${emulator.tenantId}/oauth2/v2.0/token`,
    form: {
      grant_type: 'client_credentials',
      client_id: clientId,
      scope: 'https://graph.microsoft.com/.default',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    },
  };
}

test('a federated token the app trusts gets a Graph token with the app roles', async (t) => {
  const emulator = await emulatorFor(t);
  const app = emulator.registerApp({ roles: ALL_ROLES });
  emulator.addFederatedCredential(app.clientId, { issuer: emulator.federationIssuer, subject: SUBJECT });
  const assertion = await emulator.issueFederatedToken({ subject: SUBJECT });
  const reply = await call(emulator, await exchange(emulator, app.clientId, assertion));
  assert.equal(reply.status, 200, reply.text);
  const claims = decodeJwt(reply.json.access_token);
  assert.equal(claims.appid, app.clientId);
  assert.deepEqual(claims.roles, ALL_ROLES);
});

test('federated tokens that do not match a credential are refused with Entra codes', async (t) => {
  const emulator = await emulatorFor(t);
  const app = emulator.registerApp({ roles: ALL_ROLES });
  emulator.addFederatedCredential(app.clientId, { issuer: emulator.federationIssuer, subject: SUBJECT });
  const codeOf = async (assertion: string) => {
    const reply = await call(emulator, await exchange(emulator, app.clientId, assertion));
    assert.equal(reply.status, 401, reply.text);
    assert.equal(reply.json.error, 'invalid_client');
    return reply.json.error_codes[0];
  };
  assert.equal(
    await codeOf(await emulator.issueFederatedToken({ subject: 'system:serviceaccount:other:web' })),
    700213,
  );
  assert.equal(
    await codeOf(await emulator.issueFederatedToken({ subject: SUBJECT, audience: 'api://something-else' })),
    700212,
  );
  assert.equal(await codeOf(await emulator.issueFederatedToken({ subject: SUBJECT, lifetimeSeconds: -600 })), 700024);

  // Same issuer, subject and audience, but signed by a key that is not the issuer's.
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  const forged = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(emulator.federationIssuer)
    .setSubject(SUBJECT)
    .setAudience('api://AzureADTokenExchange')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(privateKey);
  assert.equal(await codeOf(forged), 50013);
  const otherIssuer = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer('https://oidc.example.net/cluster')
    .setSubject(SUBJECT)
    .setAudience('api://AzureADTokenExchange')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(privateKey);
  assert.equal(await codeOf(otherIssuer), 700211);
  // An app without the credential refuses the very token the first one accepts.
  const stranger = emulator.registerApp({ roles: ALL_ROLES });
  const reply = await call(
    emulator,
    await exchange(emulator, stranger.clientId, await emulator.issueFederatedToken({ subject: SUBJECT })),
  );
  assert.deepEqual(reply.json.error_codes, [700211]);
});

test('the managed identity endpoint hands a token to the right identity and checks its secret header', async (t) => {
  const emulator = await emulatorFor(t);
  const system = emulator.registerManagedIdentity({ roles: ['User.Invite.All'] });
  const user = emulator.registerManagedIdentity({ roles: ALL_ROLES });
  const endpoint = await emulator.startManagedIdentityEndpoint({
    systemAssigned: system.clientId,
    userAssigned: [user.clientId],
  });
  const ask = async (query: string, header = endpoint.header) => {
    const response = await fetch(`${endpoint.endpoint}?api-version=2019-08-01&${query}`, {
      headers: { 'X-IDENTITY-HEADER': header },
    });
    return { status: response.status, json: (await response.json()) as Record<string, string> };
  };
  const mine = await ask('resource=https://graph.microsoft.com');
  assert.equal(mine.status, 200);
  assert.equal(decodeJwt(mine.json.access_token!).oid, system.principalId);
  assert.deepEqual(decodeJwt(mine.json.access_token!).roles, ['User.Invite.All']);
  const theirs = await ask(`resource=https://graph.microsoft.com&client_id=${user.clientId}`);
  assert.deepEqual(decodeJwt(theirs.json.access_token!).roles, ALL_ROLES);
  assert.equal((await ask('resource=https://graph.microsoft.com', 'wrong')).status, 401);
  assert.equal((await ask(`resource=https://graph.microsoft.com&client_id=${crypto.randomUUID()}`)).status, 400);

  // Its token for api://AzureADTokenExchange is an assertion an app registration may trust.
  const signIn = emulator.registerApp({ roles: [] });
  emulator.addFederatedCredential(signIn.clientId, { issuer: emulator.issuer, subject: system.principalId });
  const assertion = (await ask('resource=api://AzureADTokenExchange')).json.access_token!;
  const reply = await call(emulator, await exchange(emulator, signIn.clientId, assertion));
  assert.equal(reply.status, 200, reply.text);
  // …but not as another identity.
  const other = (await ask(`resource=api://AzureADTokenExchange&client_id=${user.clientId}`)).json.access_token!;
  const refused = await call(emulator, await exchange(emulator, signIn.clientId, other));
  assert.deepEqual(refused.json.error_codes, [700213]);
});
