// Sandbox mode: without Azure credentials Guestlist starts the bundled emulator
// in-process and talks to it through the very same Graph adapter and SDKs, so a
// newcomer sees the whole flow with nothing configured (ARCHITECTURE.md, "Directory").
import path from 'node:path';
import { allPermissionNames } from './adapters/directory/permissions.ts';
import type { EntraConfig } from './config.ts';
import { DEFAULT_STAFF, type Emulator, startEmulator } from './emulator/index.ts';
import type { SandboxHooks } from './http/sandbox-hooks.ts';

/** The permissions Guestlist's app registration needs (README, "Connecting to Entra"). */
// AppRoleAssignment.ReadWrite.All: only apps of the catalogue that assign an app role need it.
export const SANDBOX_ROLES = [...new Set([...allPermissionNames(), 'AppRoleAssignment.ReadWrite.All'])];

/**
 * The app group when GUESTLIST_GROUP_IDS is unset. Fixed, so that after a restart the
 * saved directory's group (and its members) is the one Guestlist keeps granting.
 */
export const SANDBOX_GROUP_ID = '6f1c2a9e-4b7d-4e35-8a0c-93d5e2b17f48';

/** Where the sign-in path is in Guestlist: the app registration's Web redirect URI. */
export const SIGN_IN_CALLBACK_PATH = '/auth/callback';

export interface Sandbox {
  emulator: Emulator;
  entra: EntraConfig;
  groupIds: string[];
  hooks: SandboxHooks;
  /**
   * Staff sign-in against the emulator, as against Entra: discover `issuer` with
   * openid-client, authenticate with the app's client id and secret (the same as
   * `entra`), and trust `ca` (the emulator's CA PEM) in the fetch openid-client uses.
   */
  signIn: { issuer: string; clientId: string; clientSecret: string; redirectUri: string; ca: string };
}

export async function startSandbox(input: {
  dataDir: string;
  publicUrl: string;
  groupIds: readonly string[];
  /** Entra's replication lag, played by the emulator (GUESTLIST_SANDBOX_LAG_SECONDS). */
  replicationLagMs: number;
}): Promise<Sandbox> {
  const emulator = await startEmulator({
    // A new guest is invisible to lookups and answers 404 to group adds for a few seconds,
    // as in Entra, so the everyday path of the sandbox is the one that copes with it.
    replicationLagMs: input.replicationLagMs,
    dataDir: path.join(input.dataDir, 'emulator'),
    // The directory outlives the process, as the request rows in the database do: without
    // it a restart would lose every guest and the redemption check would revoke them all.
    stateFile: path.join(input.dataDir, 'emulator', 'directory.json'),
    // Redeem links point at Guestlist's own /sandbox/redeem, over plain http, so a browser
    // follows them without trusting the emulator's self-signed certificate.
    redeemBaseUrl: `${input.publicUrl}/sandbox/redeem`,
    // Who can sign in to the console: an admin, an approver and someone with no role.
    staff: DEFAULT_STAFF,
  });
  const redirectUri = `${input.publicUrl}${SIGN_IN_CALLBACK_PATH}`;
  // A new app (and secret) each start is fine: they are used only inside this process.
  const app = emulator.registerApp({ roles: SANDBOX_ROLES, redirectUris: [redirectUri] });
  const groupIds =
    input.groupIds.length > 0
      ? input.groupIds.map((id) => emulator.addGroup({ id, displayName: 'Configured app group' }).id)
      : [emulator.addGroup({ id: SANDBOX_GROUP_ID, displayName: 'Sandbox app users' }).id];
  return {
    emulator,
    groupIds,
    entra: {
      tenantId: emulator.tenantId,
      clientId: app.clientId,
      signInClientId: app.clientId,
      credential: { kind: 'secret', secret: app.clientSecret ?? '' },
      authorityHost: emulator.url,
      graphUrl: emulator.url,
    },
    signIn: {
      issuer: emulator.issuer,
      clientId: app.clientId,
      clientSecret: app.clientSecret ?? '',
      redirectUri,
      ca: emulator.caPem,
    },
    hooks: {
      graphMail: () => emulator.mailbox.list().map((mail) => ({ ...mail, source: 'graph' as const })),
      redeem: (url) => emulator.redeem(url),
    },
  };
}
