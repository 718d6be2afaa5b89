// The emulated tenant: users, groups, registered apps, redeem tickets, and the logs
// tests inspect (mailbox, invitations). Plain data in Maps; the HTTP side and the
// programmatic API (index.ts) both go through the helpers here.

import { randomBytes, randomUUID } from 'node:crypto';
import type { CryptoKey } from 'jose';
import type { StoredServicePrincipal } from './graph/app-roles.ts';
import type { GroupKind } from './graph/group-kinds.ts';
import { defaultInvitationPolicy, type InvitationPolicy } from './graph/invitation-policy.ts';
import { createReplication, type Replication } from './replication.ts';
import type { AuthorizationCode, PendingSignIn } from './sign-in/codes.ts';
import { type TokenFaultInjector, type TokenRefusal, tokenFaultInjector } from './sts/token-faults.ts';
import {
  createUserIndex,
  idsWithAddress,
  indexUser,
  inInsertionOrder,
  type UserIndex,
  unindexUser,
} from './user-index.ts';

/** A user as Microsoft Graph describes it (resources/user.md), with the fields Guestlist reads. */
export interface EmulatedUser {
  id: string;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  otherMails: string[];
  /** `SMTP:` marks the primary address, `smtp:` the others (user.md). */
  proxyAddresses: string[];
  userPrincipalName: string;
  userType: 'Guest' | 'Member';
  externalUserState: 'PendingAcceptance' | 'Accepted' | null;
  externalUserStateChangeDateTime: string | null;
  accountEnabled: boolean;
  createdDateTime: string;
  creationType: string | null;
  identities: Array<{ signInType: string; issuer: string; issuerAssignedId: string }>;
}

export interface EmulatedMail {
  id: string;
  to: string[];
  from: string;
  subject: string;
  text: string;
  /** The HTML body, for mail sent with contentType HTML (POST /users/{id}/sendMail). */
  html?: string;
  links: string[];
  sentAt: Date;
}

export interface InvitationLogEntry {
  at: Date;
  receivedAtMs: number;
  body: unknown;
  /** 0 when the answer was lost (FaultOptions.lostAnswerRate): the invitation took effect, unanswered. */
  status: number;
}

export interface StoredGroup {
  id: string;
  displayName: string;
  /** graph/group-kinds.ts: how Graph describes it and whether it accepts member writes. */
  kind: GroupKind;
  createdDateTime: string;
  members: Set<string>;
}

export interface StoredApp {
  clientId: string;
  /** Object id of the app's service principal: the token's `oid`. */
  servicePrincipalId: string;
  clientSecret: string | null;
  secretExpired: boolean;
  certificatePem: string | null;
  roles: string[];
  /** Web platform redirect URIs: where sign-in may send a code, and logout may return to. */
  redirectUris: string[];
  /** Federated identity credentials: external tokens the app may present instead of a secret (sts/federated-assertion.ts). */
  federatedCredentials: FederatedCredential[];
}

/** An app registration's trust in another issuer's tokens (workload identity federation). */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  /** Default `api://AzureADTokenExchange`. */
  audiences: string[];
}

export interface RedeemTicket {
  userId: string;
  inviteRedirectUrl: string;
}

export interface EmulatorState {
  tenantId: string;
  tenantName: string;
  /** The initial domain, e.g. `contoso.onmicrosoft.com`. */
  tenantDomain: string;
  clock: () => Date;
  users: Map<string, EmulatedUser>;
  /** Kept in step with `users` by insertUser, removeUser and the PATCH handler. */
  index: UserIndex;
  groups: Map<string, StoredGroup>;
  /** Service principals that define app roles (graph/app-roles.ts). Not saved in the state file. */
  servicePrincipals: Map<string, StoredServicePrincipal>;
  apps: Map<string, StoredApp>;
  tickets: Map<string, RedeemTicket>;
  mailbox: EmulatedMail[];
  /**
   * Exchange application access policies (New-ApplicationAccessPolicy -AccessRight
   * RestrictAccess): by app id, the mailboxes (lower-case addresses) the app may send as.
   * No entry: the app may send as any mailbox. Not saved in the state file.
   */
  mailAccessPolicies: Map<string, Set<string>>;
  invitationLog: InvitationLogEntry[];
  /** Which users Graph reads do not see yet (replication.ts). Not saved in the state file. */
  replication: Replication;
  /** Who may invite whom (graph/invitation-policy.ts). Not saved in the state file. */
  invitationPolicy: InvitationPolicy;
  /** Verified custom domains, lower-case, besides the initial `tenantDomain`. Not saved. */
  verifiedDomains: string[];
  /** Injected token-endpoint failures (sts/token-faults.ts). */
  tokenFaults: { inject: TokenFaultInjector; refusal: TokenRefusal | null };
  /**
   * The people the sign-in page offers (sign-in/staff.ts), by user id, with the app role
   * values assigned to them. Saved in the state file with the users.
   */
  staff: Map<string, string[]>;
  /** Sign-in pages shown and not yet answered, by their `flow` id (sign-in/codes.ts). Not saved. */
  pendingSignIns: Map<string, PendingSignIn>;
  /** Authorization codes issued, redeemed ones kept until they expire to spot reuse. Not saved. */
  codes: Map<string, AuthorizationCode>;
  /**
   * Issuers whose tokens a federated credential may name, with the public key that checks
   * them. Entra fetches an issuer's JWKS from its discovery document; the emulator knows
   * its own two: the test issuer (workload-identity.ts) and its STS (managed identity tokens).
   */
  trustedIssuers: Map<string, CryptoKey>;
}

export function createState(input: {
  tenantId: string;
  tenantName: string;
  clock: () => Date;
  replicationLagMs?: number;
}): EmulatorState {
  const label = input.tenantName.toLowerCase().replace(/[^a-z0-9]/g, '') || 'contoso';
  return {
    tenantId: input.tenantId,
    tenantName: input.tenantName,
    tenantDomain: `${label}.onmicrosoft.com`,
    clock: input.clock,
    users: new Map(),
    index: createUserIndex(),
    groups: new Map(),
    servicePrincipals: new Map(),
    apps: new Map(),
    tickets: new Map(),
    mailbox: [],
    mailAccessPolicies: new Map(),
    invitationLog: [],
    replication: createReplication(input.replicationLagMs ?? 0),
    tokenFaults: { inject: tokenFaultInjector(null), refusal: null },
    invitationPolicy: defaultInvitationPolicy(),
    verifiedDomains: [],
    staff: new Map(),
    pendingSignIns: new Map(),
    codes: new Map(),
    trustedIssuers: new Map(),
  };
}

/** Graph writes DateTimeOffset values in UTC without fractions: `2019-02-07T21:53:13Z`. */
export function graphDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function newTicket(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Users whose `mail`, `otherMails`, `userPrincipalName` or an `smtp:` proxy address is this address, compared
 * case-insensitively as Entra does (a guest may hold the address only in otherMails:
 * reference/microsoft-graph.md, "Finding a person").
 */
export function usersWithAddress(state: EmulatorState, address: string): EmulatedUser[] {
  return inInsertionOrder(state.index, state.users, idsWithAddress(state.index, address));
}

/** A guest's UPN: `alice_contoso.com#EXT#@tenant.onmicrosoft.com` (tutorial-bulk-invite.md). */
export function guestUserPrincipalName(state: EmulatorState, mail: string): string {
  const base = `${mail.replace('@', '_')}#EXT#`;
  let candidate = `${base}@${state.tenantDomain}`;
  for (let n = 1; state.index.upns.has(candidate.toLowerCase()); n++) candidate = `${base}${n}@${state.tenantDomain}`;
  return candidate;
}

export interface NewUserInput {
  /** null: a guest whose address is only in otherMails (a contact already held it). */
  mail: string | null;
  displayName?: string | null | undefined;
  userType?: 'Guest' | 'Member' | undefined;
  externalUserState?: 'PendingAcceptance' | 'Accepted' | null | undefined;
  otherMails?: string[] | undefined;
  id?: string | undefined;
  userPrincipalName?: string | undefined;
  creationType?: string | null | undefined;
  accountEnabled?: boolean | undefined;
  proxyAddresses?: string[] | undefined;
  /** Graph's format, `2019-02-07T21:53:13Z`; default now. */
  createdDateTime?: string | undefined;
}

export function insertUser(state: EmulatorState, input: NewUserInput): EmulatedUser {
  const userType = input.userType ?? 'Member';
  const id = input.id ?? randomUUID();
  if (state.users.has(id)) throw new Error(`A user with id ${id} already exists in the emulator.`);
  if (input.userPrincipalName && state.index.upns.has(input.userPrincipalName.toLowerCase())) {
    throw new Error(`A user with userPrincipalName ${input.userPrincipalName} already exists in the emulator.`);
  }
  const address = input.mail ?? input.otherMails?.[0] ?? `${id}@${state.tenantDomain}`;
  const userPrincipalName =
    input.userPrincipalName ??
    (userType === 'Guest' ? guestUserPrincipalName(state, address) : `${address.split('@')[0]}@${state.tenantDomain}`);
  // A guest added directly stands for someone who already holds access, so it defaults
  // to Accepted; invitations create PendingAcceptance guests explicitly.
  const externalUserState =
    input.externalUserState === undefined ? (userType === 'Guest' ? 'Accepted' : null) : input.externalUserState;
  const now = graphDate(state.clock());
  if (input.createdDateTime !== undefined && Number.isNaN(Date.parse(input.createdDateTime))) {
    throw new TypeError(`createdDateTime '${input.createdDateTime}' is not a date.`);
  }
  const user: EmulatedUser = {
    id,
    displayName: input.displayName ?? null,
    givenName: null,
    surname: null,
    mail: input.mail,
    otherMails: [...(input.otherMails ?? [])],
    proxyAddresses: [...(input.proxyAddresses ?? [])],
    userPrincipalName,
    userType,
    externalUserState,
    externalUserStateChangeDateTime: externalUserState === null ? null : now,
    accountEnabled: input.accountEnabled ?? true,
    createdDateTime: input.createdDateTime === undefined ? now : graphDate(new Date(input.createdDateTime)),
    creationType: input.creationType ?? null,
    identities: [{ signInType: 'userPrincipalName', issuer: state.tenantDomain, issuerAssignedId: userPrincipalName }],
  };
  state.users.set(id, user);
  indexUser(state.index, user);
  return user;
}

/** Finds a user by object id or UPN, as `/users/{id | userPrincipalName}` does (user-get.md). */
export function findUser(state: EmulatorState, idOrUpn: string): EmulatedUser | undefined {
  const byId = state.users.get(idOrUpn);
  if (byId) return byId;
  const id = state.index.upns.get(idOrUpn.toLowerCase());
  return id === undefined ? undefined : state.users.get(id);
}

/** Deletes a user with their group memberships and redeem tickets (user-delete.md). */
export function removeUser(state: EmulatorState, user: EmulatedUser): void {
  state.users.delete(user.id);
  state.replication.visibleAt.delete(user.id);
  unindexUser(state.index, user, true);
  for (const group of state.groups.values()) group.members.delete(user.id);
  for (const [ticket, entry] of state.tickets) if (entry.userId === user.id) state.tickets.delete(ticket);
  state.staff.delete(user.id);
}

export function copyUser(user: EmulatedUser): EmulatedUser {
  return structuredClone(user);
}
