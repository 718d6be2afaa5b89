// Managed identity and workload identity federation end to end against the emulator:
// @azure/identity's own credentials get Graph tokens, and staff sign-in redeems its code
// with a federated assertion instead of a secret (README, "Credentials without secrets").
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decodeJwt } from 'jose';
import { createCredential, describeCredential, graphScope } from '../../../src/adapters/directory/credential.ts';
import { createOpenIdProvider } from '../../../src/adapters/identity/openid.ts';
import type { EntraConfig, GraphCredential } from '../../../src/config.ts';
import type { Emulator } from '../../../src/emulator/index.ts';
import { createLogger } from '../../../src/logger.ts';
import { hop, parsePage } from '../../emulator/sign-in-helpers.ts';
import { removeAfter } from '../../helpers/remove-after.ts';
import { STAFF, signInHarness } from '../../helpers/sign-in.ts';

const ROLES = ['User.Invite.All', 'User.Read.All', 'GroupMember.ReadWrite.All'];
const SUBJECT = 'system:serviceaccount:guestlist:web';
const REDIRECT_URI = 'https://guestlist.example.com/auth/callback';

function entraFor(emulator: Emulator, clientId: string | null, credential: GraphCredential): EntraConfig {
  return {
    tenantId: emulator.tenantId,
    clientId,
    signInClientId: clientId ?? '',
    credential,
    authorityHost: emulator.url,
    graphUrl: emulator.url,
  };
}

async function graphClaims(entra: EntraConfig, ca: string) {
  const token = await createCredential(entra, { ca }).getToken(graphScope(entra.graphUrl));
  assert.ok(token, 'a token');
  return decodeJwt(token.token);
}

/** The whole code flow for the admin through the emulator's sign-in page, with this client authentication. */
async function signInAsAdmin(emulator: Emulator, clientId: string, credential: GraphCredential) {
  const provider = createOpenIdProvider(
    { issuer: emulator.issuer, clientId, credential, redirectUri: REDIRECT_URI, ca: emulator.caPem },
    createLogger('silent'),
  );
  const { attempt, url } = await provider.begin();
  const page = parsePage((await hop(emulator, url.href)).text);
  const account = [...page.accounts].find(([label]) => label.startsWith(STAFF.admin))![1];
  const back = new URL((await hop(emulator, page.action, { flow: page.flow, account })).location!);
  return provider.complete(back.searchParams, attempt);
}

test('workload identity federation: the token file buys Graph tokens and signs staff in, no secret anywhere', async (t) => {
  const h = await signInHarness();
  t.after(() => h.close());
  const emulator = h.sandbox.emulator;
  const app = emulator.registerApp({ roles: ROLES, redirectUris: [REDIRECT_URI] });
  emulator.removeClientSecret(app.clientId);
  emulator.addFederatedCredential(app.clientId, { issuer: emulator.federationIssuer, subject: SUBJECT });
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-wif-'));
  removeAfter(t, dir);
  const tokenFile = path.join(dir, 'azure-identity-token');
  await writeFile(tokenFile, await emulator.issueFederatedToken({ subject: SUBJECT }));
  const credential: GraphCredential = { kind: 'workload-identity', tokenFile };

  const claims = await graphClaims(entraFor(emulator, app.clientId, credential), emulator.caPem);
  assert.equal(claims.appid, app.clientId);
  assert.deepEqual(claims.roles, ROLES);
  assert.match(describeCredential(credential), /workload identity federation \(the token in .*azure-identity-token\)/);

  const person = await signInAsAdmin(emulator, app.clientId, credential);
  assert.equal(person.name, STAFF.admin);

  // A token for another service account is refused, and says why.
  await writeFile(tokenFile, await emulator.issueFederatedToken({ subject: 'system:serviceaccount:other:web' }));
  await assert.rejects(graphClaims(entraFor(emulator, app.clientId, credential), emulator.caPem), /AADSTS700213/);
});

test('managed identity: Graph tokens for the identity itself; staff sign in through an app that trusts it', async (t) => {
  const h = await signInHarness();
  t.after(() => h.close());
  const emulator = h.sandbox.emulator;
  const system = emulator.registerManagedIdentity({ roles: ROLES });
  const user = emulator.registerManagedIdentity({ roles: ['User.Read.All'] });
  const endpoint = await emulator.startManagedIdentityEndpoint({
    systemAssigned: system.clientId,
    userAssigned: [user.clientId],
  });
  // @azure/identity reads the platform's variables itself, as it does on App Service and Container Apps.
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
  process.env.IDENTITY_ENDPOINT = endpoint.endpoint;
  process.env.IDENTITY_HEADER = endpoint.header;
  t.after(() => {
    for (const [name, value] of [
      ['IDENTITY_ENDPOINT', saved.endpoint],
      ['IDENTITY_HEADER', saved.header],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const systemCredential: GraphCredential = { kind: 'managed-identity', clientId: null };
  const mine = await graphClaims(entraFor(emulator, null, systemCredential), emulator.caPem);
  assert.equal(mine.oid, system.principalId);
  assert.deepEqual(mine.roles, ROLES);
  assert.equal(describeCredential(systemCredential), 'the system-assigned managed identity');
  const userCredential: GraphCredential = { kind: 'managed-identity', clientId: user.clientId };
  const theirs = await graphClaims(entraFor(emulator, user.clientId, userCredential), emulator.caPem);
  assert.equal(theirs.oid, user.principalId);
  assert.match(
    describeCredential(userCredential),
    new RegExp(`user-assigned managed identity \\(client id ${user.clientId}\\)`),
  );

  // Sign-in: an app registration without a secret that trusts the system-assigned identity.
  const signInApp = emulator.registerApp({ roles: [], redirectUris: [REDIRECT_URI] });
  emulator.removeClientSecret(signInApp.clientId);
  emulator.addFederatedCredential(signInApp.clientId, { issuer: emulator.issuer, subject: system.principalId });
  const person = await signInAsAdmin(emulator, signInApp.clientId, systemCredential);
  assert.equal(person.name, STAFF.admin);
  // The user-assigned identity is not trusted by that app: its code redemption is refused.
  await assert.rejects(signInAsAdmin(emulator, signInApp.clientId, userCredential));
});
