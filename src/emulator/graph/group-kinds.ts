// The kinds of group a tenant holds, how Graph describes each (resources/groups-overview.md,
// "Group types in Microsoft Entra ID and Microsoft Graph": groupTypes, mailEnabled,
// securityEnabled), and which of them refuse membership writes through Graph:
//  - dynamic (groupTypes has DynamicMembership): members come from the rule; Graph
//    answers 403 Authorization_RequestDenied "Insufficient privileges to complete the
//    operation." (Microsoft support, "Troubleshoot 403 error when adding a user to a group
//    by using Microsoft Graph API", 2025-04: "You cannot use Microsoft Graph to manage
//    Dynamic group membership"; KelvinTegelaar/CIPP#1607 shows it for "All Users");
//  - mail-enabled security and distribution groups are mastered in Exchange: 400
//    Request_BadRequest "Cannot Update a mail-enabled security groups and or distribution
//    list." (microsoftgraph/microsoft-graph-docs#14827, the exact body);
//  - groups synced from on-premises (onPremisesSyncEnabled): 400 Request_BadRequest
//    "Unable to update the specified properties for on-premises mastered Directory Sync
//    objects or objects currently undergoing migration." (the text Graph gives for
//    synced objects, microsoft-graph-docs#18038 and #7301; for groups it is assumed);
//  - role-assignable groups (isAssignableToRole) also need RoleManagement.ReadWrite.Directory
//    (group-post-members.md), else the same 403.
// Microsoft 365 and plain security groups accept members.
import type { StoredGroup } from '../state.ts';
import { badRequest, type GraphError, insufficientPrivileges } from './errors.ts';

export const GROUP_KINDS = [
  'security',
  'microsoft365',
  'dynamic',
  'roleAssignable',
  'mailEnabledSecurity',
  'distribution',
  'synced',
] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export function isGroupKind(value: unknown): value is GroupKind {
  return typeof value === 'string' && (GROUP_KINDS as readonly string[]).includes(value);
}

const MAIL_ENABLED = new Set<GroupKind>(['microsoft365', 'mailEnabledSecurity', 'distribution']);

/** The group's properties as `GET /groups/{id}` returns them without $select. */
export function groupProperties(group: StoredGroup, tenantDomain: string): Record<string, unknown> {
  const { kind } = group;
  const mailNickname = group.displayName.replace(/[^A-Za-z0-9]/g, '').toLowerCase() || group.id.slice(0, 8);
  const mail = MAIL_ENABLED.has(kind) ? `${mailNickname}@${tenantDomain}` : null;
  const synced = kind === 'synced';
  return {
    id: group.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: group.createdDateTime,
    description: null,
    displayName: group.displayName,
    groupTypes: kind === 'microsoft365' ? ['Unified'] : kind === 'dynamic' ? ['DynamicMembership'] : [],
    // Null unless the group was created role-assignable (it cannot change afterwards).
    isAssignableToRole: kind === 'roleAssignable' ? true : null,
    mail,
    mailEnabled: mail !== null,
    mailNickname,
    membershipRule: kind === 'dynamic' ? '(user.userType -eq "Guest")' : null,
    membershipRuleProcessingState: kind === 'dynamic' ? 'On' : null,
    onPremisesLastSyncDateTime: synced ? group.createdDateTime : null,
    onPremisesSyncEnabled: synced ? true : null,
    proxyAddresses: mail ? [`SMTP:${mail}`] : [],
    securityEnabled: kind !== 'microsoft365' && kind !== 'distribution',
    visibility: kind === 'microsoft365' ? 'Private' : null,
  };
}

/** Why Graph refuses to change this group's members, or null when it accepts. */
export function memberWriteRefusal(group: StoredGroup, roles: readonly string[]): GraphError | null {
  switch (group.kind) {
    case 'dynamic':
      return insufficientPrivileges();
    case 'mailEnabledSecurity':
    case 'distribution':
      return badRequest('Cannot Update a mail-enabled security groups and or distribution list.');
    case 'synced':
      return badRequest(
        'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      );
    case 'roleAssignable':
      return roles.includes('RoleManagement.ReadWrite.Directory') ? null : insufficientPrivileges();
    default:
      return null;
  }
}
