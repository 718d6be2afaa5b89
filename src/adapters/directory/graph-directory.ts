// The Directory port on Microsoft Graph v1.0. API facts: reference/microsoft-graph.md.
import type { EntraConfig } from '../../config.ts';
import { DirectoryError } from '../../domain/directory-error.ts';
import type {
  Directory,
  DirectoryMatch,
  DirectoryUser,
  GraphMetrics,
  Invitation,
  InviteInput,
  MatchedBy,
  VerifiedDomains,
} from '../../ports.ts';
import { createGraphClient } from './graph-client.ts';
import { encodeFilter, odataString } from './odata.ts';
import { DELETE_USERS } from './permissions.ts';
import { INVITATION_LIMIT, throttleGate } from './throttle-gate.ts';

// externalUserState comes back only when named in $select ("Finding a person"); the
// address fields let us say how a user matched.
const USER_FIELDS = [
  'id',
  'userType',
  'mail',
  'displayName',
  'externalUserState',
  'accountEnabled',
  'createdDateTime',
  'userPrincipalName',
  'proxyAddresses',
  'otherMails',
];
/** Verified domains change rarely; read them again after this long. */
const DOMAINS_TTL_MS = 3_600_000;

interface GraphUser {
  id: string;
  userType?: string | null;
  mail?: string | null;
  displayName?: string | null;
  externalUserState?: string | null;
  accountEnabled?: boolean | null;
  createdDateTime?: string | null;
  userPrincipalName?: string | null;
  proxyAddresses?: string[] | null;
  otherMails?: string[] | null;
}

interface GraphInvitation {
  id?: string;
  inviteRedeemUrl?: string;
  status?: string;
  // A single object in current docs; tolerate the array some older samples show.
  invitedUser?: { id?: string } | { id?: string }[];
}

export function createGraphDirectory(input: {
  entra: EntraConfig;
  ca?: string | undefined;
  timeoutMs?: number | undefined;
  /** Graph calls and throttle waits, counted (telemetry/metrics.ts). */
  metrics?: GraphMetrics | undefined;
}): Directory {
  const graph = createGraphClient(input);
  const invitations = throttleGate(Date.now, INVITATION_LIMIT, (ms) => input.metrics?.throttleWait(ms));

  // The pending read is shared: the jobs a worker starts at once ask together, once.
  let domains: { value: Promise<VerifiedDomains | null>; at: number } | null = null;

  function verifiedDomains(): Promise<VerifiedDomains | null> {
    if (domains && Date.now() - domains.at < DOMAINS_TTL_MS) return domains.value;
    const read = { value: readVerifiedDomains(), at: Date.now() };
    domains = read;
    // A failed read is not kept: the next call asks again.
    read.value.catch(() => {
      if (domains === read) domains = null;
    });
    return read.value;
  }

  async function readVerifiedDomains(): Promise<VerifiedDomains | null> {
    let value: VerifiedDomains | null;
    try {
      const page = (await graph.call((api) => api('/organization').select(['verifiedDomains']).get(), {
        optional: true,
      })) as {
        value?: Array<{ verifiedDomains?: Array<{ name?: string; isInitial?: boolean }> }>;
      };
      const list = page.value?.[0]?.verifiedDomains ?? [];
      value = {
        names: list.flatMap((d) => (d.name ? [d.name.toLowerCase()] : [])),
        initial: list.find((d) => d.isInitial)?.name?.toLowerCase() ?? null,
      };
    } catch (err) {
      // Organization.Read.All is optional: without it the member pre-check is skipped and
      // Graph's own refusal to invite a member says the same, later (doctor reports it).
      if (!(err instanceof DirectoryError) || err.httpStatus !== 403) throw err;
      value = null;
    }
    return value;
  }

  async function findUsersByEmail(email: string): Promise<DirectoryMatch[]> {
    // Microsoft's "determine if a user was already invited" query (entra-docs,
    // customize-invitation-api.md): the address as a member's UPN or a guest's #EXT# UPN,
    // as mail, among proxyAddresses (smtp:, case-insensitive in Graph) or otherMails.
    const literal = odataString(email);
    const clauses = [
      `userPrincipalName eq ${literal}`,
      `mail eq ${literal}`,
      `proxyAddresses/any(x:x eq ${odataString(`smtp:${email}`)})`,
      `otherMails/any(x:x eq ${literal})`,
    ];
    const initial = (await verifiedDomains())?.initial ?? null;
    const guestUpn = initial ? externalUpn(email, initial) : null;
    if (guestUpn) clauses.splice(1, 0, `userPrincipalName eq ${odataString(guestUpn)}`);
    const filter = clauses.join(' or ');
    const page = await graph.call((api) => api('/users').filter(encodeFilter(filter)).select(USER_FIELDS).get());
    const users = (page as { value?: GraphUser[] }).value ?? [];
    return users.map((user) => ({ user: toDirectoryUser(user), matchedBy: matchedBy(user, email, guestUpn) }));
  }

  async function getUser(id: string): Promise<DirectoryUser | null> {
    try {
      const user = await graph.call((api) =>
        api(`/users/${encodeURIComponent(id)}`)
          .select(USER_FIELDS)
          .get(),
      );
      return toDirectoryUser(user as GraphUser);
    } catch (err) {
      if (err instanceof DirectoryError && err.httpStatus === 404) return null;
      throw err;
    }
  }

  async function invite(input: InviteInput): Promise<Invitation> {
    const messageInfo = {
      ...(input.customMessage ? { customizedMessageBody: input.customMessage } : {}),
      ...(input.messageLanguage ? { messageLanguage: input.messageLanguage } : {}),
    };
    const body = {
      invitedUserEmailAddress: input.email,
      invitedUserDisplayName: input.displayName,
      inviteRedirectUrl: input.redirectUrl,
      // Graph's default is false; always say what we mean (invariant 3).
      sendInvitationMessage: input.sendInvitationMessage,
      ...(Object.keys(messageInfo).length > 0 ? { invitedUserMessageInfo: messageInfo } : {}),
      // invitation-post.md: resetRedemption re-invites that user object, keeping its id,
      // groups and app assignments (a pending user stays pending, with a new redeem URL).
      ...(input.userId ? { invitedUser: { id: input.userId }, resetRedemption: true } : {}),
    };
    invitations.check();
    // Sent once: the client has no RetryHandler (graph-client.ts).
    const result = (await graph
      .call((api) => api('/invitations').post(body))
      .catch((err: unknown) => {
        invitations.note(err);
        throw err;
      })) as GraphInvitation;
    const invited = Array.isArray(result.invitedUser) ? result.invitedUser[0] : result.invitedUser;
    if (!result.id || !invited?.id || !result.inviteRedeemUrl) {
      throw new DirectoryError({
        message: 'Microsoft Graph answered the invitation without an id, invited user or redeem URL.',
        transient: false,
        graphCode: 'unexpected_response',
      });
    }
    return {
      invitationId: result.id,
      userId: invited.id,
      redeemUrl: result.inviteRedeemUrl,
      status: result.status ?? 'PendingAcceptance',
    };
  }

  async function addToGroup(groupId: string, userId: string): Promise<void> {
    const reference = { '@odata.id': `${graph.versionUrl}/directoryObjects/${encodeURIComponent(userId)}` };
    try {
      await graph.call((api) => api(`/groups/${encodeURIComponent(groupId)}/members/$ref`).post(reference));
    } catch (err) {
      if (isAlreadyMember(err)) return;
      throw err;
    }
  }

  // POST /servicePrincipals/{resource}/appRoleAssignedTo {principalId, resourceId, appRoleId}
  // → 201 (serviceprincipal-post-approleassignedto.md). The same assignment again is a 400
  // "Permission being assigned already exists on the object.": the goal state holds.
  async function assignAppRole(input: { servicePrincipalId: string; appRoleId: string; userId: string }) {
    const body = { principalId: input.userId, resourceId: input.servicePrincipalId, appRoleId: input.appRoleId };
    try {
      await graph.call((api) =>
        api(`/servicePrincipals/${encodeURIComponent(input.servicePrincipalId)}/appRoleAssignedTo`).post(body),
      );
    } catch (err) {
      if (isExistingAssignment(err)) return;
      throw err;
    }
  }

  // DELETE …/members/{id}/$ref → 204; 404 when the user is not a member (or the user or
  // group does not exist). The goal state holds then, so it is not an error here; but a
  // membership added seconds ago may not have replicated yet, so the adapter says `absent`
  // and the caller decides whether that can be lag (group-delete-members.md).
  async function removeFromGroup(groupId: string, userId: string): Promise<'removed' | 'absent'> {
    const path = `/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}/$ref`;
    return (await notFoundAsAbsent(() => graph.call((api) => api(path).delete()))) ? 'removed' : 'absent';
  }

  // DELETE /users/{id} → 204 (the user stays restorable for 30 days); 404 when already gone.
  // User.ReadWrite.All is optional (only a revoke that asks to delete needs it): its 403 is
  // about this call, not a tenant fault that should pause provisioning (user-delete.md).
  async function deleteUser(userId: string): Promise<'deleted' | 'absent'> {
    const path = `/users/${encodeURIComponent(userId)}`;
    try {
      const done = await notFoundAsAbsent(() => graph.call((api) => api(path).delete(), { optional: true }));
      return done ? 'deleted' : 'absent';
    } catch (err) {
      if (!(err instanceof DirectoryError) || err.httpStatus !== 403) throw err;
      throw new DirectoryError({
        message: `Guestlist may not delete users: grant the application permission ${DELETE_USERS.name} (${err.message})`,
        transient: false,
        graphCode: err.graphCode,
        httpStatus: 403,
        requestId: err.requestId,
        cause: err,
      });
    }
  }

  return {
    findUsersByEmail,
    verifiedDomains,
    getUser,
    invite,
    addToGroup,
    assignAppRole,
    removeFromGroup,
    deleteUser,
    invitationsHeldForMs: () => invitations.remainingMs(),
  };
}

// Graph has no distinct code for this: 400 Request_BadRequest "One or more added object
// references already exist for the following modified properties: 'members'."
// (group-post-members.md; reference/microsoft-graph.md, "Granting the app").
function isAlreadyMember(err: unknown): boolean {
  return (
    err instanceof DirectoryError &&
    err.httpStatus === 400 &&
    /added object references already exist/i.test(err.message)
  );
}

function isExistingAssignment(err: unknown): boolean {
  return err instanceof DirectoryError && err.httpStatus === 400 && /already exists on the object/i.test(err.message);
}

/** True when the call succeeded, false when Graph answered 404; other errors pass. */
async function notFoundAsAbsent(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (err instanceof DirectoryError && err.httpStatus === 404) return false;
    throw err;
  }
}

function toDirectoryUser(user: GraphUser): DirectoryUser {
  const state = user.externalUserState;
  return {
    id: user.id,
    userType: user.userType === 'Guest' ? 'Guest' : 'Member',
    mail: user.mail ?? null,
    displayName: user.displayName ?? null,
    externalUserState: state === 'PendingAcceptance' || state === 'Accepted' ? state : null,
    accountEnabled: user.accountEnabled ?? null,
    createdAt: user.createdDateTime ? new Date(user.createdDateTime) : null,
  };
}

/** How Graph's answer holds the address (Graph compares case-insensitively; so do we). */
function matchedBy(user: GraphUser, email: string, guestUpn: string | null): MatchedBy[] {
  const wanted = email.toLowerCase();
  const same = (value: string | null | undefined) => value?.toLowerCase() === wanted;
  const how: MatchedBy[] = [];
  const upn = user.userPrincipalName?.toLowerCase();
  if (same(user.userPrincipalName) || (guestUpn !== null && upn === guestUpn.toLowerCase()))
    how.push('userPrincipalName');
  if (same(user.mail)) how.push('mail');
  if ((user.proxyAddresses ?? []).some((a) => a.toLowerCase() === `smtp:${wanted}`)) how.push('proxyAddresses');
  if ((user.otherMails ?? []).some(same)) how.push('otherMails');
  return how;
}

/** `alice@fabrikam.com` → `alice_fabrikam.com#EXT#@contoso.onmicrosoft.com` (lower case). */
export function externalUpn(email: string, initialDomain: string): string {
  return `${email.toLowerCase().replace('@', '_')}#EXT#@${initialDomain.toLowerCase()}`;
}
