// An in-memory Directory for use-case tests: Graph's documented behaviour in a few lines
// (re-inviting a guest returns the same user; members cannot be invited), plus a hook
// to make any call fail, so a test can crash provisioning at each step.
import { DirectoryError } from '../../src/domain/directory-error.ts';
import type { Directory, DirectoryUser, Invitation, InviteInput } from '../../src/ports.ts';

export interface FakeDirectory extends Directory {
  users: Map<string, DirectoryUser>;
  groups: Map<string, Set<string>>;
  /** Every invite call, in order. */
  invites: InviteInput[];
  /** Emails "sent": invites with sendInvitationMessage true. */
  emails: string[];
  failNext(
    method: 'findUserByEmail' | 'invite' | 'addToGroup' | 'getUser',
    error: Error,
    options?: { afterEffect?: boolean },
  ): void;
}

export function fakeDirectory(): FakeDirectory {
  const users = new Map<string, DirectoryUser>();
  const groups = new Map<string, Set<string>>();
  const invites: InviteInput[] = [];
  const emails: string[] = [];
  const failures = new Map<string, { error: Error; afterEffect: boolean }>();
  let seq = 0;

  const take = (method: string, phase: 'before' | 'after') => {
    const failure = failures.get(method);
    if (failure && failure.afterEffect === (phase === 'after')) {
      failures.delete(method);
      throw failure.error;
    }
  };

  return {
    users,
    groups,
    invites,
    emails,
    failNext(method, error, options) {
      failures.set(method, { error, afterEffect: options?.afterEffect ?? false });
    },
    async findUserByEmail(email) {
      take('findUserByEmail', 'before');
      return [...users.values()].find((user) => user.mail?.toLowerCase() === email.toLowerCase()) ?? null;
    },
    async getUser(id) {
      take('getUser', 'before');
      return users.get(id) ?? null;
    },
    async invite(input): Promise<Invitation> {
      take('invite', 'before');
      invites.push(input);
      let user = [...users.values()].find((u) => u.mail === input.email);
      if (user?.userType === 'Member') {
        throw new DirectoryError({
          message: 'Non-external user already exists with the given mail address',
          transient: false,
          graphCode: 'Request_BadRequest',
          httpStatus: 400,
        });
      }
      if (!user) {
        user = {
          id: `user-${++seq}`,
          userType: 'Guest',
          mail: input.email,
          displayName: input.displayName,
          externalUserState: 'PendingAcceptance',
          accountEnabled: true,
        };
        users.set(user.id, user);
      }
      if (input.sendInvitationMessage) emails.push(input.email);
      take('invite', 'after');
      return {
        invitationId: `inv-${seq}`,
        userId: user.id,
        redeemUrl: `https://redeem.test/${user.id}/${invites.length}`,
        status: 'PendingAcceptance',
      };
    },
    async addToGroup(groupId, userId) {
      take('addToGroup', 'before');
      const members = groups.get(groupId) ?? new Set<string>();
      members.add(userId);
      groups.set(groupId, members);
    },
  };
}

export function transientError(status = 503): DirectoryError {
  return new DirectoryError({
    message: 'Service unavailable',
    transient: true,
    graphCode: 'ServiceUnavailable',
    httpStatus: status,
  });
}
