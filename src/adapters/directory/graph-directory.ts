// The Directory port on Microsoft Graph v1.0. API facts: reference/microsoft-graph.md.
import type { EntraConfig } from '../../config.ts';
import { DirectoryError } from '../../domain/directory-error.ts';
import type { Directory, DirectoryUser, Invitation, InviteInput } from '../../ports.ts';
import { createGraphClient } from './graph-client.ts';
import { encodeFilter, odataString } from './odata.ts';
import { throttleGate } from './throttle-gate.ts';

// externalUserState comes back only when named in $select ("Finding a person").
const USER_FIELDS = ['id', 'userType', 'mail', 'displayName', 'externalUserState', 'accountEnabled'];

interface GraphUser {
  id: string;
  userType?: string | null;
  mail?: string | null;
  displayName?: string | null;
  externalUserState?: string | null;
  accountEnabled?: boolean | null;
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
}): Directory {
  const graph = createGraphClient(input);
  const invitations = throttleGate();

  async function findUserByEmail(email: string): Promise<DirectoryUser | null> {
    // A guest may have an empty `mail` and the address only in `otherMails` (when a mail
    // contact already held it), so ask for both. The `#EXT#` UPN form is not queried: it
    // needs the tenant's initial domain, which Guestlist is not told, and an invited guest
    // always has the address in mail or otherMails.
    const literal = odataString(email);
    const filter = `mail eq ${literal} or otherMails/any(x:x eq ${literal})`;
    const page = await graph.call((api) => api('/users').filter(encodeFilter(filter)).select(USER_FIELDS).get());
    const users = ((page as { value?: GraphUser[] }).value ?? []).map(toDirectoryUser);
    // Several matches (a member with this mail and a guest holding it in otherMails):
    // the exact `mail` owner is the person; otherwise the first, as Graph ordered them.
    const wanted = email.toLowerCase();
    return users.find((u) => u.mail?.toLowerCase() === wanted) ?? users[0] ?? null;
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

  return { findUserByEmail, getUser, invite, addToGroup };
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

function toDirectoryUser(user: GraphUser): DirectoryUser {
  const state = user.externalUserState;
  return {
    id: user.id,
    userType: user.userType === 'Guest' ? 'Guest' : 'Member',
    mail: user.mail ?? null,
    displayName: user.displayName ?? null,
    externalUserState: state === 'PendingAcceptance' || state === 'Accepted' ? state : null,
    accountEnabled: user.accountEnabled ?? null,
  };
}
