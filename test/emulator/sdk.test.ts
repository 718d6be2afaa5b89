// The real SDKs against the emulator: @azure/identity (secret and certificate), and
// @microsoft/microsoft-graph-client over global fetch. This proves how a client must
// trust the emulator's CA (see src/emulator/certificates.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticationRequiredError, ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { Client, type GraphError } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { decodeJwt } from 'jose';
import { generate } from 'selfsigned';
import { trustCaForThisProcess } from '../../src/emulator/index.ts';
import { ALL_ROLES, emulatorFor } from './helpers.ts';

const SCOPE = 'https://graph.microsoft.com/.default';

test('ClientSecretCredential gets a token, trusting the CA through tlsOptions', async (t) => {
  const emulator = await emulatorFor(t);
  const app = emulator.registerApp({ roles: ['User.Invite.All'] });
  const options = { authorityHost: emulator.url, disableInstanceDiscovery: true, tlsOptions: { ca: emulator.caPem } };
  const credential = new ClientSecretCredential(emulator.tenantId, app.clientId, app.clientSecret ?? '', options);
  const token = await credential.getToken(SCOPE);
  assert.deepEqual(decodeJwt(token.token).roles, ['User.Invite.All']);

  // reference/microsoft-graph.md: a wrong secret surfaces as AuthenticationRequiredError with 7000215.
  const wrong = new ClientSecretCredential(emulator.tenantId, app.clientId, 'not-the-secret', options);
  await assert.rejects(wrong.getToken(SCOPE), (error: Error) => {
    assert.ok(error instanceof AuthenticationRequiredError, error.name);
    assert.match(error.message, /7000215/);
    return true;
  });
});

test('ClientCertificateCredential gets a token with a certificate assertion', async (t) => {
  const emulator = await emulatorFor(t);
  const pems = await generate([{ name: 'commonName', value: 'guestlist' }], { keySize: 2048, algorithm: 'sha256' });
  const app = emulator.registerApp({ roles: ['User.Read.All'], certificatePem: pems.cert });
  const credential = new ClientCertificateCredential(
    emulator.tenantId,
    app.clientId,
    { certificate: `${pems.private}\n${pems.cert}` },
    { authorityHost: emulator.url, disableInstanceDiscovery: true, tlsOptions: { ca: emulator.caPem } },
  );
  const token = await credential.getToken(SCOPE);
  assert.deepEqual(decodeJwt(token.token).roles, ['User.Read.All']);
});

test('the Graph client works with customHosts and a process-wide trusted CA', async (t) => {
  const emulator = await emulatorFor(t);
  trustCaForThisProcess(emulator.caPem); // global fetch has no per-call CA option
  const app = emulator.registerApp({ roles: ALL_ROLES });
  const credential = new ClientSecretCredential(emulator.tenantId, app.clientId, app.clientSecret ?? '', {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
  });
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [SCOPE] });
  const host = new URL(emulator.url).hostname;
  const client = Client.initWithMiddleware({
    authProvider,
    baseUrl: emulator.url,
    defaultVersion: 'v1.0',
    customHosts: new Set([host]),
  });

  const invitation = await client.api('/invitations').post({
    invitedUserEmailAddress: "o'brien@fabrikam.com",
    inviteRedirectUrl: 'https://app.example.com',
  });
  assert.equal(invitation.status, 'PendingAcceptance');
  const found = await client
    .api('/users')
    .filter("mail eq 'o''brien@fabrikam.com'")
    .select('id,userType,externalUserState')
    .get();
  assert.deepEqual(found.value, [
    { id: invitation.invitedUser.id, userType: 'Guest', externalUserState: 'PendingAcceptance' },
  ]);

  // GraphError carries Graph's code and the request-id from innerError.
  await assert.rejects(client.api('/users/00000000-0000-0000-0000-000000000000').get(), (error: GraphError) => {
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'Request_ResourceNotFound');
    assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
    return true;
  });

  // The trap: without customHosts the SDK sends no token to a non-Graph host.
  const bare = Client.initWithMiddleware({ authProvider, baseUrl: emulator.url, defaultVersion: 'v1.0' });
  await assert.rejects(bare.api('/users').get(), (error: GraphError) => {
    assert.equal(error.statusCode, 401);
    assert.equal(error.code, 'InvalidAuthenticationToken');
    return true;
  });
});
