// Test helper: a running emulator and the EntraConfig an app registered in it would use.
// The emulator serves the token endpoint and Graph on one https origin with its own CA,
// which is handed to the adapter as `ca` (never trusted process-wide).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { generate } from 'selfsigned';
import type { EntraConfig } from '../../../src/config.ts';
import { type Emulator, startEmulator } from '../../../src/emulator/index.ts';
import { removeAfter } from '../../helpers/remove-after.ts';

export type { Emulator };

export const ALL_ROLES = ['User.Invite.All', 'User.Read.All', 'GroupMember.ReadWrite.All'];

export async function startTenant(t: TestContext): Promise<Emulator> {
  const em = await startEmulator({ invitationThrottle: null });
  t.after(() => em.close());
  return em;
}

export function entraFor(em: Emulator, clientId: string, secret: string): EntraConfig {
  return {
    tenantId: em.tenantId,
    clientId,
    signInClientId: clientId,
    credential: { kind: 'secret', secret },
    authorityHost: em.url,
    graphUrl: em.url,
  };
}

/** Registers an app with the given roles and returns the config that signs in as it. */
export async function appConfig(em: Emulator, roles: string[] = ALL_ROLES): Promise<EntraConfig> {
  const app = em.registerApp({ roles });
  return entraFor(em, app.clientId, app.clientSecret!);
}

/** An app whose credential is a certificate: the PEM file (key + certificate) is written to a temp dir. */
export async function certificateAppConfig(t: TestContext, em: Emulator, roles = ALL_ROLES): Promise<EntraConfig> {
  // RSA: MSAL signs the client assertion with RS256/PS256.
  const pems = await generate([{ name: 'commonName', value: 'guestlist-test' }], { keyType: 'rsa', keySize: 2048 });
  const app = em.registerApp({ roles, certificatePem: pems.cert });
  const dir = await mkdtemp(join(tmpdir(), 'guestlist-cert-'));
  removeAfter(t, dir);
  const path = join(dir, 'app.pem');
  await writeFile(path, `${pems.private}\n${pems.cert}`);
  return { ...entraFor(em, app.clientId, ''), credential: { kind: 'certificate', path, password: undefined } };
}
