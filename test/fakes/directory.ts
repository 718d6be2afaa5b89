// An in-memory Directory for use-case tests: Graph's documented behaviour in a few lines
// (re-inviting a guest returns the same user; members cannot be invited; a new user is
// invisible to lookups and 404s for `lagMs` — Entra's replication lag), plus a hook to
// make any call fail, before or after it took effect, so a test can crash provisioning
// at each step.
import { DirectoryError } from '../../src/domain/directory-error.ts';
import type {
  Clock,
  Directory,
  DirectoryMatch,
  DirectoryUser,
  Invitation,
  InviteInput,
  VerifiedDomains,
} from '../../src/ports.ts';

export interface FakeUser extends DirectoryUser {
  otherMails?: string[];
  proxyAddresses?: string[];
  userPrincipalName?: string;
}

type Method =
  | 'findUsersByEmail'
  | 'invite'
  | 'addToGroup'
  | 'assignAppRole'
  | 'getUser'
  | 'verifiedDomains'
  | 'removeFromGroup'
  | 'deleteUser';

export interface FakeDirectory extends Directory {
  users: Map<string, FakeUser>;
  groups: Map<string, Set<string>>;
  /** Every invite call, in order (including ones that failed after taking effect). */
  invites: InviteInput[];
  /** Emails Graph "sent": invites with sendInvitationMessage true. */
  emails: string[];
  /** Every addToGroup call, in order. */
  groupAdds: Array<{ groupId: string; userId: string }>;
  /** Every assignAppRole call, in order; `appRoles` holds the assignments made. */
  appRoleCalls: Array<{ servicePrincipalId: string; appRoleId: string; userId: string }>;
  appRoles: Set<string>;
  /** Every removeFromGroup call, in order. */
  groupRemovals: Array<{ groupId: string; userId: string }>;
  /** Every deleteUser call, in order. */
  userDeletes: string[];
  domains: VerifiedDomains | null;
  /** New users stay invisible to lookups, getUser and group adds for this long. */
  lagMs: number;
  failNext(method: Method, error: Error, options?: { afterEffect?: boolean; times?: number }): void;
  addUser(user: Partial<FakeUser> & { id: string }): FakeUser;
}

export function fakeDirectory(clock: Clock = { now: () => new Date() }): FakeDirectory {
  const users = new Map<string, FakeUser>();
  const groups = new Map<string, Set<string>>();
  const invites: InviteInput[] = [];
  const emails: string[] = [];
  const groupAdds: Array<{ groupId: string; userId: string }> = [];
  const groupRemovals: Array<{ groupId: string; userId: string }> = [];
  const userDeletes: string[] = [];
  const appRoleCalls: FakeDirectory['appRoleCalls'] = [];
  const appRoles = new Set<string>();
  const failures = new Map<string, { error: Error; afterEffect: boolean; times: number }>();
  let seq = 0;

  const take = (method: string, phase: 'before' | 'after') => {
    const failure = failures.get(method);
    if (failure && failure.afterEffect === (phase === 'after')) {
      if (--failure.times <= 0) failures.delete(method);
      throw failure.error;
    }
  };
  const visible = (user: FakeUser) =>
    user.createdAt === null || clock.now().getTime() - user.createdAt.getTime() >= self.lagMs;
  const same = (a: string | null | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
  const notFound = (id: string) =>
    new DirectoryError({
      message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      transient: false,
      graphCode: 'Request_ResourceNotFound',
      httpStatus: 404,
    });

  const self: FakeDirectory = {
    users,
    groups,
    invites,
    emails,
    groupAdds,
    groupRemovals,
    userDeletes,
    appRoleCalls,
    appRoles,
    domains: { names: ['contoso.com', 'contoso.onmicrosoft.com'], initial: 'contoso.onmicrosoft.com' },
    lagMs: 0,
    failNext(method, error, options) {
      failures.set(method, { error, afterEffect: options?.afterEffect ?? false, times: options?.times ?? 1 });
    },
    addUser(user) {
      const full: FakeUser = {
        userType: 'Guest',
        mail: null,
        displayName: null,
        externalUserState: 'PendingAcceptance',
        accountEnabled: true,
        createdAt: null,
        ...user,
      };
      users.set(full.id, full);
      return full;
    },
    async verifiedDomains() {
      take('verifiedDomains', 'before');
      return self.domains;
    },
    async findUsersByEmail(email) {
      take('findUsersByEmail', 'before');
      const matches: DirectoryMatch[] = [];
      for (const user of users.values()) {
        if (!visible(user)) continue;
        const matchedBy: DirectoryMatch['matchedBy'] = [];
        if (same(user.userPrincipalName, email)) matchedBy.push('userPrincipalName');
        if (same(user.mail, email)) matchedBy.push('mail');
        if ((user.proxyAddresses ?? []).some((a) => same(a, `smtp:${email}`))) matchedBy.push('proxyAddresses');
        if ((user.otherMails ?? []).some((a) => same(a, email))) matchedBy.push('otherMails');
        if (matchedBy.length > 0) matches.push({ user: { ...user }, matchedBy });
      }
      return matches;
    },
    async getUser(id) {
      take('getUser', 'before');
      const user = users.get(id);
      return user && visible(user) ? { ...user } : null;
    },
    async invite(input): Promise<Invitation> {
      take('invite', 'before');
      invites.push(input);
      // The invitation service sees users before lookups do (no second user, ever).
      let user = input.userId
        ? users.get(input.userId)
        : [...users.values()].find((u) => same(u.mail, input.email) || (u.otherMails ?? []).includes(input.email));
      if (input.userId && !user) throw notFound(input.userId);
      // An internal member cannot be invited; a B2B member (external, PendingAcceptance) can.
      if (user?.userType === 'Member' && user.externalUserState === null) {
        throw new DirectoryError({
          message: 'Non-external user already exists with the given mail address',
          transient: false,
          graphCode: 'Request_BadRequest',
          httpStatus: 400,
        });
      }
      if (!user) {
        user = self.addUser({
          id: `user-${++seq}`,
          mail: input.email,
          displayName: input.displayName,
          createdAt: clock.now(),
        });
      }
      if (input.sendInvitationMessage) emails.push(input.email);
      take('invite', 'after');
      return {
        invitationId: `inv-${invites.length}`,
        userId: user.id,
        redeemUrl: `https://redeem.test/${user.id}/${invites.length}`,
        status: 'PendingAcceptance',
      };
    },
    invitationsHeldForMs: () => 0,
    async addToGroup(groupId, userId) {
      groupAdds.push({ groupId, userId });
      take('addToGroup', 'before');
      const user = users.get(userId);
      if (!user || !visible(user)) throw notFound(userId);
      const members = groups.get(groupId) ?? new Set<string>();
      members.add(userId);
      groups.set(groupId, members);
      take('addToGroup', 'after');
    },
    // Graph's 404 (not a member; a user not replicated yet) is `absent`, as the adapter says.
    async assignAppRole(input) {
      appRoleCalls.push(input);
      take('assignAppRole', 'before');
      const user = users.get(input.userId);
      if (!user || !visible(user)) throw notFound(input.userId);
      appRoles.add(`${input.servicePrincipalId}/${input.appRoleId}/${input.userId}`); // again: success
      take('assignAppRole', 'after');
    },
    async removeFromGroup(groupId, userId) {
      groupRemovals.push({ groupId, userId });
      take('removeFromGroup', 'before');
      const user = users.get(userId);
      const removed = user !== undefined && visible(user) && (groups.get(groupId)?.delete(userId) ?? false);
      take('removeFromGroup', 'after');
      return removed ? 'removed' : 'absent';
    },
    async deleteUser(userId) {
      userDeletes.push(userId);
      take('deleteUser', 'before');
      const user = users.get(userId);
      if (!user || !visible(user)) return 'absent';
      users.delete(userId);
      for (const members of groups.values()) members.delete(userId);
      take('deleteUser', 'after');
      return 'deleted';
    },
  };
  return self;
}

export function transientError(status = 503): DirectoryError {
  return new DirectoryError({
    message: 'Service unavailable',
    transient: true,
    graphCode: 'ServiceUnavailable',
    httpStatus: status,
  });
}
