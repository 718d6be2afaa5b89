// The Microsoft Graph application permissions Guestlist needs, and the broader ones that
// imply each (least privileged first, per the "Permissions" table of each API page:
// invitation-post.md, user-list.md, group-post-members.md; reference/microsoft-graph.md).
// An app-only token's `roles` claim lists exactly the granted application permissions.

export interface RequiredPermission {
  name: string;
  /** What Guestlist does with it, for the doctor's message. */
  usedFor: string;
  /** Granting any of these instead is enough. */
  impliedBy: readonly string[];
}

const USER_INVITE: RequiredPermission = {
  name: 'User.Invite.All',
  usedFor: 'invite guests (POST /invitations)',
  impliedBy: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
};

const USER_READ: RequiredPermission = {
  name: 'User.Read.All',
  usedFor: 'find people already in the directory and follow their redemption (GET /users)',
  impliedBy: ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
};

const GROUP_MEMBER_WRITE: RequiredPermission = {
  name: 'GroupMember.ReadWrite.All',
  usedFor:
    'add guests to GUESTLIST_GROUP_IDS and remove them when access is revoked or expires (POST and DELETE /groups/{id}/members/$ref)',
  impliedBy: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
};

/** What this configuration needs: group membership only when groups are configured. */
export function requiredPermissions(input: { groups: boolean }): RequiredPermission[] {
  return input.groups ? [USER_INVITE, USER_READ, GROUP_MEMBER_WRITE] : [USER_INVITE, USER_READ];
}

/** True when `roles` holds the permission itself or one that implies it. */
export function isGranted(permission: RequiredPermission, roles: readonly string[]): boolean {
  return [permission.name, ...permission.impliedBy].some((name) => roles.includes(name));
}

/**
 * Optional: reading the tenant's invitation policy (authorizationpolicy-get.md) lets doctor
 * tell whether app-only invitations are allowed before the first one is refused.
 */
export const READ_INVITATION_POLICY: RequiredPermission = {
  name: 'Policy.Read.All',
  usedFor: 'read who may invite guests (GET /policies/authorizationPolicy)',
  impliedBy: ['Policy.ReadWrite.Authorization'],
};

/**
 * Needed on top of GroupMember.ReadWrite.All to change the members of a role-assignable
 * group (group-post-members.md); highly privileged: it can grant any Entra role.
 */
export const ROLE_ASSIGNABLE_MEMBERS: RequiredPermission = {
  name: 'RoleManagement.ReadWrite.Directory',
  usedFor: 'add guests to a role-assignable group (POST /groups/{id}/members/$ref)',
  impliedBy: [],
};

/**
 * Optional: the tenant's verified domains (organization-get.md) let provisioning refuse an
 * address of the tenant's own domains before inviting it, and find guests by #EXT# UPN.
 */
export const READ_VERIFIED_DOMAINS: RequiredPermission = {
  name: 'Organization.Read.All',
  usedFor: "read the tenant's verified domains (GET /organization)",
  impliedBy: ['Directory.Read.All', 'Organization.ReadWrite.All', 'Directory.ReadWrite.All'],
};

/**
 * Optional: deleting the guest account a request invited, when an admin revokes with
 * "delete the guest" (user-delete.md). Without it the groups are still removed and the
 * history says the account was kept.
 */
export const DELETE_USERS: RequiredPermission = {
  name: 'User.ReadWrite.All',
  usedFor: 'delete the guest account a revoked request invited, when asked (DELETE /users/{id})',
  impliedBy: ['Directory.ReadWrite.All'],
};

/**
 * Every application permission Guestlist can use: what the sandbox and `guestlist
 * emulator` grant their app, and what the README lists (required first, then optional).
 * Role-assignable groups' extra permission is left out on purpose: it is highly privileged.
 */
export function allPermissionNames(): string[] {
  return [...requiredPermissions({ groups: true }), READ_VERIFIED_DOMAINS, READ_INVITATION_POLICY, DELETE_USERS].map(
    (p) => p.name,
  );
}
