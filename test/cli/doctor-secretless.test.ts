// `guestlist doctor` with the secretless credentials: it gets its token through them and
// says which one it used (README, "Credentials without secrets").
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { EntraConfig } from '../../src/config.ts';
import { ALL_ROLES, startTenant } from '../adapters/directory/emulated-tenant.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { configFor, doctor, failures } from './doctor-fixtures.ts';

test('doctor with workload identity federation: ✓ token, and it names the token file', async (t) => {
  const em = await startTenant(t);
  const app = em.registerApp({ roles: ALL_ROLES });
  em.removeClientSecret(app.clientId);
  em.addFederatedCredential(app.clientId, { issuer: em.federationIssuer, subject: 'system:serviceaccount:gl:web' });
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-doctor-wif-'));
  removeAfter(t, dir);
  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, await em.issueFederatedToken({ subject: 'system:serviceaccount:gl:web' }));
  const entra: EntraConfig = {
    tenantId: em.tenantId,
    clientId: app.clientId,
    signInClientId: app.clientId,
    credential: { kind: 'workload-identity', tokenFile },
    authorityHost: em.url,
    graphUrl: em.url,
  };
  const { code, output } = await doctor(configFor(entra), { ca: em.caPem });
  assert.deepEqual(failures(output), []);
  assert.equal(code, 0, output);
  assert.match(output, new RegExp(`with workload identity federation \\(the token in ${tokenFile}\\), authority`));
  assert.match(output, /✓ Token acquired from https:\/\/127\.0\.0\.1:\d+ with workload identity federation/);
  for (const role of ALL_ROLES.slice(0, 2)) assert.match(output, new RegExp(`✓ Permission ${role} is granted`));
});

test('doctor with a managed identity: ✓ token from the platform endpoint; a missing permission is named', async (t) => {
  const em = await startTenant(t);
  const identity = em.registerManagedIdentity({ roles: ['User.Invite.All'] });
  const endpoint = await em.startManagedIdentityEndpoint({ systemAssigned: identity.clientId });
  process.env.IDENTITY_ENDPOINT = endpoint.endpoint;
  process.env.IDENTITY_HEADER = endpoint.header;
  t.after(() => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
  });
  const entra: EntraConfig = {
    tenantId: em.tenantId,
    clientId: null,
    signInClientId: crypto.randomUUID(),
    credential: { kind: 'managed-identity', clientId: null },
    authorityHost: em.url,
    graphUrl: em.url,
  };
  const { code, output } = await doctor(configFor(entra), { ca: em.caPem });
  assert.match(output, /no client id with the system-assigned managed identity/);
  assert.match(output, /✓ Token acquired from the managed identity endpoint with the system-assigned managed identity/);
  assert.match(output, /✓ Permission User\.Invite\.All is granted/);
  assert.match(output, /✗ Permission User\.Read\.All/);
  assert.match(
    output,
    new RegExp(
      `New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId ${identity.principalId} .*'User\\.Read\\.All'`,
    ),
    'a managed identity has no API permissions page: the fix is the PowerShell assignment on its service principal',
  );
  assert.doesNotMatch(output, /client id null|App registrations → your app/);
  assert.equal(code, 1);
});
