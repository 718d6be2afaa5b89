// The doctor's check of GUESTLIST_GROUP_IDS: each group exists, can be read, and is of a
// kind whose members Graph lets an app change (reference/microsoft-graph.md, "Granting the
// app"; resources/groups-overview.md for how groupTypes, mailEnabled and securityEnabled
// tell the kinds apart):
//  - dynamic (groupTypes has DynamicMembership): members come from the rule;
//  - synced from on-premises (onPremisesSyncEnabled): members are managed there;
//  - mail-enabled security and distribution groups: Exchange manages their members;
//  - role-assignable (isAssignableToRole): also needs RoleManagement.ReadWrite.Directory,
//    which can grant any Entra role, so holding it is a warning, not a pass;
//  - security and Microsoft 365 groups with assigned members: fine.
import { classifyGraphError } from '../adapters/directory/classify-graph-error.ts';
import { createGraphClient } from '../adapters/directory/graph-client.ts';
import { isGranted, ROLE_ASSIGNABLE_MEMBERS } from '../adapters/directory/permissions.ts';
import type { Context } from './doctor.ts';
import { SANDBOX, tokenRoles } from './doctor-entra-checks.ts';
import { type Line, skipped } from './doctor-lines.ts';

interface GraphGroup {
  displayName?: string;
  groupTypes?: string[];
  mailEnabled?: boolean;
  securityEnabled?: boolean;
  isAssignableToRole?: boolean | null;
  onPremisesSyncEnabled?: boolean | null;
  membershipRule?: string | null;
}

const FIELDS = [
  'id',
  'displayName',
  'groupTypes',
  'mailEnabled',
  'securityEnabled',
  'isAssignableToRole',
  'onPremisesSyncEnabled',
  'membershipRule',
];

const ASSIGNED_GROUP =
  'a cloud security group or a Microsoft 365 group (Entra admin center → Groups → New group, Membership type: ' +
  'Assigned), its Object ID in GUESTLIST_GROUP_IDS';

export async function checkGroups({ entra, token, noToken, deps }: Context): Promise<Line[]> {
  const { groupIds } = deps.config.invitation;
  if (groupIds.length === 0) return [skipped('Groups', 'GUESTLIST_GROUP_IDS is not set: no group to check.')];
  if (!entra || !token) return [skipped(`Groups ${groupIds.join(', ')}`, noToken ?? SANDBOX)];
  const graph = createGraphClient({ entra, ca: deps.ca });
  const roles = tokenRoles(token) ?? [];
  const lines: Line[] = [];
  for (const id of groupIds) {
    try {
      const group = (await graph.call((api) =>
        api(`/groups/${encodeURIComponent(id)}`)
          .select(FIELDS)
          .get(),
      )) as GraphGroup;
      lines.push(kindLine(`Group ${id} ("${group.displayName ?? ''}")`, group, roles));
    } catch (err) {
      const error = classifyGraphError(err);
      lines.push(
        error.httpStatus === 404
          ? {
              mark: '✗',
              text: `Group ${id} was not found in the tenant.`,
              fix: "Fix GUESTLIST_GROUP_IDS: use the group's Object ID (Entra admin center → Groups → <group> → Overview).",
            }
          : error.httpStatus === 403
            ? {
                mark: '✗',
                text: `Cannot read group ${id}: ${error.describe()}`,
                fix: 'Grant GroupMember.ReadWrite.All with admin consent (see the permission line above).',
              }
            : { mark: '✗', text: `Cannot read group ${id}: ${error.describe()}` },
      );
    }
  }
  return lines;
}

/** What kind of group `group` is, and whether Guestlist can add guests to it. */
function kindLine(name: string, group: GraphGroup, roles: readonly string[]): Line {
  const types = group.groupTypes ?? [];
  const unified = types.includes('Unified');
  if (types.includes('DynamicMembership')) {
    return {
      mark: '✗',
      text:
        `${name} is a dynamic group (rule: ${group.membershipRule ?? 'none'}): its members come from its rule, ` +
        'and Graph refuses to add any.',
      fix:
        'Either make its rule match the guests who should have the app (user.userType -eq "Guest" matches every ' +
        `guest) and remove it from GUESTLIST_GROUP_IDS, or use an assigned group instead: ${ASSIGNED_GROUP}.`,
    };
  }
  if (group.onPremisesSyncEnabled === true) {
    return refused(`${name} is synced from on-premises Active Directory: its members are managed there`);
  }
  if (group.mailEnabled && !unified) {
    const kind = group.securityEnabled ? 'a mail-enabled security group' : 'a distribution group';
    return refused(`${name} is ${kind}: Exchange manages its members`);
  }
  const kind = unified ? 'Microsoft 365 group' : group.securityEnabled ? 'security group' : null;
  if (!kind) {
    return {
      mark: '!',
      text:
        `${name} is of a kind doctor does not know (groupTypes [${types.join(', ')}], mailEnabled ` +
        `${group.mailEnabled}, securityEnabled ${group.securityEnabled}): Graph may refuse to add guests to it.`,
      fix: `Prefer ${ASSIGNED_GROUP}.`,
    };
  }
  if (group.isAssignableToRole === true) {
    const permission = ROLE_ASSIGNABLE_MEMBERS.name;
    return isGranted(ROLE_ASSIGNABLE_MEMBERS, roles)
      ? {
          mark: '!',
          text:
            `${name} is a role-assignable ${kind}: Guestlist can add guests to it only because the app holds ` +
            `${permission}, a highly privileged permission (it can grant any Entra role, Global Administrator included).`,
          fix: `Prefer a group that is not role-assignable, ${ASSIGNED_GROUP}; then remove ${permission} from the app.`,
        }
      : {
          mark: '✗',
          text: `${name} is a role-assignable ${kind}: adding members to it needs ${permission}, which the app lacks.`,
          fix:
            `Prefer a group that is not role-assignable (guests would hold every Entra role assigned to this one): ` +
            `${ASSIGNED_GROUP}. Otherwise grant ${permission} with admin consent, knowing that it is highly ` +
            'privileged (it can grant any Entra role).',
        };
  }
  return { mark: '✓', text: `${name} is a ${kind}: Guestlist can add guests to it.` };
}

function refused(what: string): Line {
  return {
    mark: '✗',
    text: `${what}, and Graph refuses to change them.`,
    fix: `Use ${ASSIGNED_GROUP}.`,
  };
}
