// Application permissions that allow each operation: the "Application" rows of each API
// page's permissions table (least privileged first). A token whose `roles` hold none of
// them gets 403 Authorization_RequestDenied.

export const PERMISSIONS = {
  // invitation-post.md
  createInvitation: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // user-list.md, user-get.md
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  // user-update.md, user-delete.md
  writeUsers: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // group-get.md, group-list-members.md
  readGroups: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Directory.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  // group-post-members.md, group-delete-members.md
  writeGroupMembers: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  // organization-get.md (User.Read, which reads verifiedDomains too, is delegated only)
  readOrganization: [
    'Organization.Read.All',
    'Directory.Read.All',
    'Organization.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  // serviceprincipal-post-approleassignedto.md
  writeAppRoleAssignments: ['AppRoleAssignment.ReadWrite.All', 'Directory.ReadWrite.All'],
  // authorizationpolicy-get.md
  readAuthorizationPolicy: ['Policy.Read.All', 'Policy.ReadWrite.Authorization'],
  // user-sendmail.md (Application: Mail.Send only)
  sendMail: ['Mail.Send'],
} as const;

export type Permission = keyof typeof PERMISSIONS;

export function isAllowed(permission: Permission, roles: readonly string[]): boolean {
  return PERMISSIONS[permission].some((role) => roles.includes(role));
}
