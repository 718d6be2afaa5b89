// The bundled Microsoft Graph + Entra token emulator: one HTTPS origin serving the
// client-credentials token endpoints (authorityHost) and the Graph v1.0 calls Guestlist
// makes. Used by tests, by sandbox mode (in-process), by benchmarks and standalone
// (`guestlist emulator`). See README.md in this folder.

import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { prepareTls } from './certificates.ts';
import { type FaultOptions, faultInjector, type OperationName } from './graph/faults.ts';
import { GROUP_KINDS, type GroupKind, isGroupKind } from './graph/group-kinds.ts';
import { newGroup } from './graph/groups.ts';
import { type AllowInvitesFrom, changedPolicy, type InvitationPolicyChange } from './graph/invitation-policy.ts';
import type { GraphRuntime } from './graph/pipeline.ts';
import { type InvitationThrottle, slidingWindow } from './graph/throttle.ts';
import { redeemTicket } from './redeem.ts';
import { checkLag, startReplication } from './replication.ts';
import { type RequestEvent, requestHandler } from './server.ts';
import { checkRedirectUris } from './sign-in/redirect-uris.ts';
import {
  addStaffMember,
  assignRoles,
  DEFAULT_STAFF,
  listStaff,
  type StaffInput,
  type StaffMember,
} from './sign-in/staff.ts';
import { restoreSnapshot, takeSnapshot } from './snapshot.ts';
import { copyUser, createState, type EmulatedMail, type EmulatedUser, findUser, insertUser } from './state.ts';
import { readStateFile, stateWriter } from './state-file.ts';
import { createSigningKey } from './sts/access-token.ts';
import { TOKEN_EXCHANGE_AUDIENCE } from './sts/federated-assertion.ts';
import {
  type TokenFaultKind,
  type TokenFaultOptions,
  type TokenRefusal,
  tokenFaultInjector,
} from './sts/token-faults.ts';
import {
  createFederationIssuer,
  type ManagedIdentityEndpoint,
  managedIdentityApp,
  startManagedIdentityEndpoint,
} from './workload-identity.ts';

export type {
  AllowInvitesFrom,
  EmulatedMail,
  EmulatedUser,
  FaultOptions,
  GroupKind,
  InvitationPolicyChange,
  InvitationThrottle,
  OperationName,
  RequestEvent,
  StaffInput,
  StaffMember,
  TokenFaultKind,
  TokenFaultOptions,
  TokenRefusal,
};

export { DEFAULT_STAFF };

export const DEFAULT_TENANT_ID = 'b5c1e3a0-7d4f-4e2a-9c61-0f8e2d3a4b5c';

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** Where ca.pem (and the CA key) are written; a CA already there is reused. Default: a fresh temp dir. */
  dataDir?: string;
  tenantId?: string;
  /** Organization name used in invitation mail; the domain is `<name>.onmicrosoft.com`. */
  tenantName?: string;
  /** Per-tenant POST /invitations limit; default 150 per 5 s; null disables. */
  invitationThrottle?: InvitationThrottle | null;
  faults?: FaultOptions;
  /** Injected token-endpoint failures (see Emulator.setTokenFaults); default none. */
  tokenFaults?: TokenFaultOptions;
  /** Base of inviteRedeemUrl; default `${url}/redeem`. */
  redeemBaseUrl?: string;
  clock?: () => Date;
  /**
   * How long (by `clock`) a user created by POST /invitations, or by addUser with
   * `replicated: false`, stays invisible to Graph reads: missing from `GET /users?$filter`,
   * 404 on `GET /users/{id}` and on `members/$ref`. Default 0 (no lag).
   */
  replicationLagMs?: number;
  /**
   * Keep the directory (users, groups and members, redeem tickets, mailbox) in this JSON
   * file: loaded at start when it exists, saved shortly after each change and on close().
   * Off by default: tests and benchmarks want a fresh, purely in-memory tenant.
   * An unreadable or damaged file makes startEmulator reject with an error naming it.
   */
  stateFile?: string;
  /**
   * People to add as staff at start (sign-in/staff.ts), e.g. DEFAULT_STAFF; default none,
   * so tests start with an empty directory. An id already in a restored directory keeps
   * its user and gets these roles.
   */
  staff?: ReadonlyArray<StaffInput>;
}

export interface RegisteredApp {
  clientId: string;
  clientSecret?: string;
  roles: string[];
  redirectUris: string[];
}

export interface Emulator {
  /** `https://127.0.0.1:PORT`: the Graph base (`${url}/v1.0/…`) and the authority host. */
  url: string;
  tenantId: string;
  caPem: string;
  caPath: string;
  registerApp(input: {
    clientId?: string;
    clientSecret?: string;
    certificatePem?: string;
    roles: string[];
    secretExpired?: boolean;
    /** Web redirect URIs for staff sign-in (and logout return), absolute http(s), no fragment. */
    redirectUris?: string[];
  }): RegisteredApp;
  /** Replaces the app's redirect URIs (the Authentication blade). */
  setRedirectUris(clientId: string, redirectUris: string[]): void;
  /**
   * Adds a Member user to the directory and to the staff the sign-in page offers, with
   * these app role values (`roles` claim; none: no claim). `@contoso.onmicrosoft.com`
   * addresses take the tenant's own domain.
   */
  addStaff(input: StaffInput): StaffMember;
  /** Assigns exactly these app roles to a directory user (who becomes staff); the next sign-in carries them. */
  assignRoles(userId: string, roles: string[]): StaffMember;
  listStaff(): StaffMember[];
  /** The OpenID issuer for staff sign-in, `${url}/${tenantId}/v2.0`: openid-client's discovery URL. */
  issuer: string;
  addUser(input: {
    /** null: a guest whose address is only in otherMails, or a member without a mailbox. */
    mail: string | null;
    displayName?: string;
    userType?: 'Guest' | 'Member';
    /**
     * Default Accepted for a guest, null for a member. null on a guest: self-service
     * sign-up or an older guest; PendingAcceptance on a member: a B2B member.
     */
    externalUserState?: 'PendingAcceptance' | 'Accepted' | null;
    otherMails?: string[];
    id?: string;
    userPrincipalName?: string;
    /** false: hidden from Graph reads for the replication lag, like an invited user. Default true. */
    replicated?: boolean;
    /** Default true. */
    accountEnabled?: boolean;
    /** e.g. ['SMTP:a@contoso.com', 'smtp:b@contoso.com']; default none. */
    proxyAddresses?: string[];
    /** e.g. '2019-02-07T21:53:13Z'; default now (by `clock`). */
    createdDateTime?: string;
  }): EmulatedUser;
  /**
   * Creates a group (kind: see graph/group-kinds.ts; default `security`); for an id that
   * already exists, returns it unchanged (members, name and kind kept).
   */
  addGroup(input?: { id?: string; displayName?: string; kind?: GroupKind }): { id: string };
  /**
   * A service principal defining app roles (graph/app-roles.ts), for POST
   * …/appRoleAssignedTo; idempotent like addGroup. Not saved in the state file.
   */
  addServicePrincipal(input: { id: string; displayName?: string; appRoleIds: string[] }): void;
  /** The users assigned `appRoleId` on the service principal. */
  appRoleAssignees(servicePrincipalId: string, appRoleId: string): string[];
  getUser(id: string): EmulatedUser | undefined;
  listUsers(): EmulatedUser[];
  groupMembers(groupId: string): string[];
  mailbox: { list(): EmulatedMail[]; clear(): void };
  invitations: { list(): Array<{ at: Date; receivedAtMs: number; body: unknown; status: number }> };
  onRequest(listener: (event: RequestEvent) => void): () => void;
  setFaults(faults: FaultOptions | null): void;
  setInvitationThrottle(throttle: InvitationThrottle | null): void;
  /**
   * A seeded share of token requests fails transiently: `temporarily_unavailable`,
   * AADSTS90024, AADSTS90033, or an HTTP 500/503, in Entra's error shape. null: none.
   */
  setTokenFaults(faults: TokenFaultOptions | null): void;
  /** Every token request is refused with this AADSTS code and text (with its error_uri); null lifts it. */
  setTokenRefusal(refusal: TokenRefusal | null): void;
  /** Deletes the app's client secret: the next token request is AADSTS7000215. */
  removeClientSecret(clientId: string): void;
  /** The app's client secret expires: the next token request is AADSTS7000222. */
  expireClientSecret(clientId: string): void;
  /** Deletes the app from the tenant: the next token request is AADSTS700016. */
  removeApp(clientId: string): void;
  /**
   * Grants exactly these application permissions from now on. Tokens already issued keep
   * their roles until they expire, as Entra's do; the next token carries the new ones.
   */
  setAppRoles(clientId: string, roles: string[]): void;
  /**
   * Changes who may invite and whom (graph/invitation-policy.ts); fields left out keep
   * their value. Default: everyone may invite, no domain list, not blocked.
   */
  setInvitationPolicy(change: InvitationPolicyChange): void;
  /**
   * An Exchange application access policy for the app (New-ApplicationAccessPolicy
   * -AccessRight RestrictAccess): from now on it may send mail only as these mailboxes
   * (their addresses); null removes the policy (any mailbox, as Mail.Send alone allows).
   */
  setMailAccessPolicy(clientId: string, mailboxes: string[] | null): void;
  /** Verifies a custom domain: it appears in GET /organization, and its addresses cannot be invited. */
  addVerifiedDomain(name: string): void;
  /** The replication lag for users created from now on (see EmulatorOptions.replicationLagMs). */
  setReplicationLag(ms: number): void;
  redeem(redeemUrlOrTicket: string): { redirectUrl: string } | null;
  /** The issuer (`${url}/federation`) of the tokens issueFederatedToken signs, like a cluster's OIDC issuer. */
  federationIssuer: string;
  /** A workload token from the federation issuer, as AKS writes to AZURE_FEDERATED_TOKEN_FILE. */
  issueFederatedToken(input: { subject: string; audience?: string; lifetimeSeconds?: number }): Promise<string>;
  /** Trusts tokens of `issuer` about `subject` for the app (a federated identity credential). */
  addFederatedCredential(clientId: string, credential: { issuer: string; subject: string; audiences?: string[] }): void;
  /** Creates a managed identity (a service principal without credentials) holding these Graph application permissions. */
  registerManagedIdentity(input: { clientId?: string; roles: string[] }): { clientId: string; principalId: string };
  /**
   * The local token endpoint App Service and Container Apps give a process (IDENTITY_ENDPOINT,
   * IDENTITY_HEADER), for a resource with these identities. Closed with the emulator.
   */
  startManagedIdentityEndpoint(input: {
    systemAssigned?: string;
    userAssigned?: string[];
  }): Promise<ManagedIdentityEndpoint>;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  // Read first, so a bad state file stops start-up before anything is created.
  const saved = options.stateFile === undefined ? null : await readStateFile(options.stateFile, tenantId);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'guestlist-emulator-')));
  const [material, key] = await Promise.all([prepareTls(dataDir), createSigningKey()]);
  const state = createState({
    tenantId,
    tenantName: options.tenantName ?? 'Contoso',
    clock: options.clock ?? (() => new Date()),
    replicationLagMs: options.replicationLagMs ?? 0,
  });
  if (saved) restoreSnapshot(state, saved);
  for (const person of options.staff ?? []) addStaffMember(state, person);
  state.tokenFaults.inject = tokenFaultInjector(options.tokenFaults ?? null);
  const writer =
    options.stateFile === undefined
      ? null
      : stateWriter(options.stateFile, () => `${JSON.stringify(takeSnapshot(state), null, 2)}\n`);
  const changed = writer ? () => writer.changed() : () => {};
  if ((options.staff ?? []).length > 0) changed(); // the seeded staff belong in the file too
  const throttle =
    options.invitationThrottle === undefined ? { limit: 150, windowMs: 5000 } : options.invitationThrottle;
  const runtime: GraphRuntime = {
    state,
    redeemBaseUrl: '',
    throttle: throttle ? slidingWindow(throttle) : null,
    injectFault: faultInjector(options.faults ?? null),
  };
  const listeners = new Set<(event: RequestEvent) => void>();
  let url = '';
  const server = createServer(
    { key: material.key, cert: material.cert },
    requestHandler({
      state,
      key,
      runtime,
      url: () => url,
      changed,
      emit: (event) => {
        for (const listener of listeners) listener(event);
      },
    }),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `https://${urlHost(host)}:${port}`;
  const stsIssuer = `${url}/${state.tenantId}/v2.0`;
  state.trustedIssuers.set(stsIssuer, key.publicKey);
  const federation = await createFederationIssuer(state, `${url}/federation`);
  const identityEndpoints: ManagedIdentityEndpoint[] = [];
  runtime.redeemBaseUrl = options.redeemBaseUrl ?? `${url}/redeem`;

  const appOrThrow = (clientId: string) => {
    const app = state.apps.get(clientId);
    if (!app) throw new Error(`No app ${clientId} is registered in the emulator.`);
    return app;
  };

  return {
    url,
    issuer: stsIssuer,
    federationIssuer: federation.issuer,
    issueFederatedToken: (input) => federation.issue({ ...input, now: state.clock() }),
    addFederatedCredential(clientId, credential) {
      appOrThrow(clientId).federatedCredentials.push({
        issuer: credential.issuer,
        subject: credential.subject,
        audiences: credential.audiences ?? [TOKEN_EXCHANGE_AUDIENCE],
      });
    },
    registerManagedIdentity(input) {
      const identity = managedIdentityApp(input);
      state.apps.set(identity.clientId, identity);
      return { clientId: identity.clientId, principalId: identity.servicePrincipalId };
    },
    async startManagedIdentityEndpoint(input) {
      const endpoint = await startManagedIdentityEndpoint({
        state,
        key,
        stsIssuer,
        systemAssigned: input.systemAssigned ?? null,
        userAssigned: input.userAssigned ?? [],
      });
      identityEndpoints.push(endpoint);
      return endpoint;
    },
    tenantId: state.tenantId,
    caPem: material.caPem,
    caPath: material.caPath,
    registerApp(input) {
      if (input.certificatePem !== undefined) new X509Certificate(input.certificatePem); // fail fast on a bad PEM
      const redirectUris = checkRedirectUris(input.redirectUris ?? []);
      const clientSecret =
        input.clientSecret ??
        (input.certificatePem === undefined
          ? `${randomBytes(3).toString('hex')}8Q~${randomBytes(27).toString('base64url')}`
          : undefined);
      const app = {
        clientId: input.clientId ?? randomUUID(),
        servicePrincipalId: randomUUID(),
        clientSecret: clientSecret ?? null,
        secretExpired: input.secretExpired ?? false,
        certificatePem: input.certificatePem ?? null,
        roles: [...input.roles],
        redirectUris,
        federatedCredentials: [],
      };
      state.apps.set(app.clientId, app);
      return {
        clientId: app.clientId,
        ...(clientSecret === undefined ? {} : { clientSecret }),
        roles: [...app.roles],
        redirectUris: [...redirectUris],
      };
    },
    setRedirectUris(clientId, redirectUris) {
      appOrThrow(clientId).redirectUris = checkRedirectUris(redirectUris);
    },
    addStaff(input) {
      const person = addStaffMember(state, input);
      changed();
      return person;
    },
    assignRoles(userId, roles) {
      const person = assignRoles(state, userId, roles);
      changed();
      return person;
    },
    listStaff: () => listStaff(state),
    addUser(input) {
      const user = insertUser(state, input);
      if (input.replicated === false) startReplication(state, user.id);
      changed();
      return copyUser(user);
    },
    addGroup(input = {}) {
      const id = input.id ?? randomUUID();
      // Idempotent, so a caller can ensure its group at every start without emptying it
      // (a restored directory, or `guestlist emulator` re-adding its saved group).
      if (state.groups.has(id)) return { id };
      if (input.kind !== undefined && !isGroupKind(input.kind)) {
        throw new TypeError(`Group kind must be among ${GROUP_KINDS.join(', ')}.`);
      }
      state.groups.set(id, newGroup(state, id, input.displayName ?? `Group ${state.groups.size + 1}`, input.kind));
      changed();
      return { id };
    },
    addServicePrincipal(input) {
      const sps = state.servicePrincipals;
      if (sps.has(input.id)) return;
      sps.set(input.id, {
        id: input.id,
        displayName: input.displayName ?? 'Emulated app',
        appRoleIds: [...input.appRoleIds],
        assignments: [],
      });
    },
    appRoleAssignees(servicePrincipalId, appRoleId) {
      const sp = state.servicePrincipals.get(servicePrincipalId);
      return (sp?.assignments ?? []).filter((a) => a.appRoleId === appRoleId).map((a) => a.principalId);
    },
    getUser(id) {
      const user = findUser(state, id);
      return user && copyUser(user);
    },
    listUsers: () => [...state.users.values()].map(copyUser),
    groupMembers: (groupId) => [...(state.groups.get(groupId)?.members ?? [])],
    mailbox: {
      list: () => structuredClone(state.mailbox),
      clear: () => {
        state.mailbox.length = 0;
        changed();
      },
    },
    invitations: { list: () => structuredClone(state.invitationLog) },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setFaults(faults) {
      runtime.injectFault = faultInjector(faults);
    },
    setInvitationThrottle(next) {
      runtime.throttle = next ? slidingWindow(next) : null;
    },
    setTokenFaults(faults) {
      state.tokenFaults.inject = tokenFaultInjector(faults);
    },
    setTokenRefusal(refusal) {
      state.tokenFaults.refusal = refusal && { ...refusal };
    },
    removeClientSecret(clientId) {
      appOrThrow(clientId).clientSecret = null;
    },
    expireClientSecret(clientId) {
      appOrThrow(clientId).secretExpired = true;
    },
    removeApp(clientId) {
      appOrThrow(clientId);
      state.apps.delete(clientId);
    },
    setAppRoles(clientId, roles) {
      appOrThrow(clientId).roles = [...roles];
    },
    setInvitationPolicy(change) {
      state.invitationPolicy = changedPolicy(state.invitationPolicy, change);
    },
    setMailAccessPolicy(clientId, mailboxes) {
      if (mailboxes === null) state.mailAccessPolicies.delete(clientId);
      else state.mailAccessPolicies.set(clientId, new Set(mailboxes.map((m) => m.toLowerCase())));
    },
    addVerifiedDomain(name) {
      const domain = name.toLowerCase();
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw new TypeError(`'${name}' is not a domain name.`);
      if (domain !== state.tenantDomain && !state.verifiedDomains.includes(domain)) state.verifiedDomains.push(domain);
    },
    setReplicationLag(ms) {
      checkLag(ms);
      state.replication.lagMs = ms;
    },
    redeem(redeemUrlOrTicket) {
      const redeemed = redeemTicket(state, redeemUrlOrTicket);
      if (redeemed) changed();
      return redeemed;
    },
    async close() {
      await Promise.all(identityEndpoints.map((endpoint) => endpoint.close()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      try {
        // After the server: no request can change the state once the last save is written.
        await writer?.flush();
      } finally {
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Makes this process's TLS clients — global fetch (which the Graph SDK uses) included —
 * trust the emulator's CA, on top of the default roots. For sandbox mode, where the
 * emulator runs in-process and NODE_EXTRA_CA_CERTS (read only at start-up) is too late.
 */
export function trustCaForThisProcess(caPem: string): void {
  const current = tls.getCACertificates('default');
  if (!current.includes(caPem)) tls.setDefaultCACertificates([...current, caPem]);
}

/** A wildcard listen address is reached through loopback, which the certificate names. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
