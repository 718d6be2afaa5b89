// Who may invite, and whom (Emulator.setInvitationPolicy, GET /policies/authorizationPolicy).
// Graph refuses POST /invitations, before anything is created, when:
//  - the tenant is blocked for suspicious activity: 403 "Invitations are blocked for this
//    directory due to suspicious activity. Please contact Microsoft support to help"
//    (Microsoft support TSG "B2B TSG: Invitations are blocked for this directory due to
//    suspicious activity": resultSignature Forbidden, text as quoted there);
//  - allowInvitesFrom (authorizationpolicy.md) is `none` or `adminsAndGuestInviters`: an
//    app-only caller is neither an admin nor a guest inviter (unless it holds a directory
//    role, which the emulator does not model), so it gets 403 "Guest invitations not
//    allowed for your company. Contact your company administrator for more details."
//    (entra-docs app-provisioning troubleshooting, "AzureActiveDirectoryForbidden");
//    `adminsGuestInvitersAndAllMembers` and `everyone` let it invite — our reading of
//    reference/microsoft-graph.md ("restricts them to admins"), not a documented rule;
//  - the address's domain is on the B2B blocklist, or an allowlist exists without it
//    (external-id/allow-deny-list.md: one list or the other, never both). The text is
//    not documented: ours below is a guess.
// The error code of these 403s is not documented either; `Forbidden` is our choice.
import { GraphError } from './errors.ts';

export type AllowInvitesFrom = 'none' | 'adminsAndGuestInviters' | 'adminsGuestInvitersAndAllMembers' | 'everyone';
const ALLOW_INVITES_FROM: readonly AllowInvitesFrom[] = [
  'none',
  'adminsAndGuestInviters',
  'adminsGuestInvitersAndAllMembers',
  'everyone',
];

export interface InvitationPolicy {
  allowInvitesFrom: AllowInvitesFrom;
  /** Lower-case domains; null when there is no allowlist. */
  allowedDomains: string[] | null;
  /** Lower-case domains; null when there is no blocklist. */
  blockedDomains: string[] | null;
  blockedForSuspiciousActivity: boolean;
}

export interface InvitationPolicyChange {
  allowInvitesFrom?: AllowInvitesFrom;
  allowedDomains?: string[] | null;
  blockedDomains?: string[] | null;
  blockedForSuspiciousActivity?: boolean;
}

export function defaultInvitationPolicy(): InvitationPolicy {
  return {
    allowInvitesFrom: 'everyone',
    allowedDomains: null,
    blockedDomains: null,
    blockedForSuspiciousActivity: false,
  };
}

/** The policy after `change`; fields left out keep their value. Throws TypeError on a bad value. */
export function changedPolicy(current: InvitationPolicy, change: InvitationPolicyChange): InvitationPolicy {
  const next: InvitationPolicy = {
    allowInvitesFrom: change.allowInvitesFrom ?? current.allowInvitesFrom,
    allowedDomains: change.allowedDomains === undefined ? current.allowedDomains : lowerCased(change.allowedDomains),
    blockedDomains: change.blockedDomains === undefined ? current.blockedDomains : lowerCased(change.blockedDomains),
    blockedForSuspiciousActivity: change.blockedForSuspiciousActivity ?? current.blockedForSuspiciousActivity,
  };
  if (!ALLOW_INVITES_FROM.includes(next.allowInvitesFrom)) {
    throw new TypeError(`allowInvitesFrom must be among ${ALLOW_INVITES_FROM.join(', ')}.`);
  }
  if (next.allowedDomains && next.blockedDomains) {
    throw new TypeError('A tenant has an allowlist or a blocklist of domains, not both (allow-deny-list.md).');
  }
  return next;
}

function lowerCased(domains: string[] | null): string[] | null {
  return domains === null ? null : domains.map((domain) => domain.toLowerCase());
}

/** The refusal an app-only invitation to `address` meets, or null. */
export function invitationRefusal(policy: InvitationPolicy, address: string): GraphError | null {
  if (policy.blockedForSuspiciousActivity) {
    return forbidden(
      'Invitations are blocked for this directory due to suspicious activity. Please contact Microsoft support to help',
    );
  }
  if (policy.allowInvitesFrom === 'none' || policy.allowInvitesFrom === 'adminsAndGuestInviters') {
    return forbidden(
      'Guest invitations not allowed for your company. Contact your company administrator for more details.',
    );
  }
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const blocked = policy.blockedDomains?.includes(domain) ?? false;
  const notAllowed = policy.allowedDomains !== null && !policy.allowedDomains.includes(domain);
  if (blocked || notAllowed) {
    // Guessed text: Graph's is not documented.
    return forbidden(
      `The invitation to '${address}' is blocked by your organization's collaboration restrictions: the domain '${domain}' is not allowed.`,
    );
  }
  return null;
}

function forbidden(message: string): GraphError {
  return new GraphError(403, 'Forbidden', message);
}

/** GET /policies/authorizationPolicy (authorizationpolicy-get.md, v1.0 example). */
export function authorizationPolicyBody(policy: InvitationPolicy, origin: string): Record<string, unknown> {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#policies/authorizationPolicy/$entity`,
    id: 'authorizationPolicy',
    allowInvitesFrom: policy.allowInvitesFrom,
    allowedToSignUpEmailBasedSubscriptions: true,
    allowedToUseSSPR: true,
    allowEmailVerifiedUsersToJoinOrganization: false,
    allowUserConsentForRiskyApps: null,
    blockMsolPowerShell: false,
    description: 'Used to manage authorization related settings across the company.',
    displayName: 'Authorization Policy',
    // The default guest role ("Guest users have limited access to properties and memberships").
    guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
    defaultUserRolePermissions: {
      allowedToCreateApps: true,
      allowedToCreateSecurityGroups: true,
      allowedToCreateTenants: true,
      allowedToReadBitlockerKeysForOwnedDevice: true,
      allowedToReadOtherUsers: true,
      permissionGrantPoliciesAssigned: ['ManagePermissionGrantsForSelf.microsoft-user-default-legacy'],
    },
  };
}
