// What a directory lookup means for a request. Pure: the provisioning step asks the
// directory, this decides.
//
// - `otherMails` is not proof of ownership: users and admins can put any address there
//   and it is not unique (reference/microsoft-graph.md, "Finding a person"). A match found
//   only there, several matching users, or a disabled account is never granted
//   automatically: an admin confirms the match or chooses to invite the address anew.
// - Redemption is decided on externalUserState first: PendingAcceptance is pending
//   whatever userType says (a B2B member can be pending); Accepted is redeemed; null is
//   redeemed for guests too (self-service sign-up and many older guests have null).
import type { DirectoryMatch, DirectoryUser, DirectoryUserState } from '../ports.ts';

/** An admin's choice, for an uncertain match, to invite the address as a new guest. */
export const INVITE_AS_NEW_GUEST = 'invite';

export type MatchVerdict =
  | { kind: 'nobody' }
  | { kind: 'found'; user: DirectoryUser }
  | { kind: 'confirm'; reason: string };

export function judgeMatches(matches: readonly DirectoryMatch[]): MatchVerdict {
  if (matches.length === 0) return { kind: 'nobody' };
  if (matches.length > 1) {
    return {
      kind: 'confirm',
      reason: `${matches.length} directory users hold this address (${matches.map(describeMatch).join('; ')}).`,
    };
  }
  const [match] = matches as [DirectoryMatch];
  if (match.matchedBy.length > 0 && match.matchedBy.every((how) => how === 'otherMails')) {
    return {
      kind: 'confirm',
      reason: `Only ${describeMatch(match)} holds this address, in otherMails, which anyone who can edit the user may set.`,
    };
  }
  if (match.user.accountEnabled === false) {
    return { kind: 'confirm', reason: `The matching account is disabled (${describeMatch(match)}).` };
  }
  return { kind: 'found', user: match.user };
}

export function redemptionState(user: DirectoryUser): DirectoryUserState {
  if (user.externalUserState === 'PendingAcceptance') return 'pending';
  if (user.externalUserState === 'Accepted') return 'redeemed';
  return user.userType === 'Member' ? 'member' : 'redeemed';
}

export function describeMatch(match: DirectoryMatch): string {
  const who = match.user.displayName ?? match.user.mail ?? match.user.id;
  const how = match.matchedBy.length > 0 ? match.matchedBy.join(', ') : 'an unknown property';
  return `${match.user.userType.toLowerCase()} ${who} [${match.user.id}] by ${how}`;
}

/** The domain of an address, lower case. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
