// POST /servicePrincipals/{id}/appRoleAssignedTo (serviceprincipal-post-approleassignedto.md):
// assigns an app role of the resource service principal to a user, 201 with the
// appRoleAssignment. Graph's answers reproduced here:
//   - unknown service principal: 404 Request_ResourceNotFound;
//   - `resourceId` not the service principal in the URL, a missing or malformed field: 400;
//   - an app role the service principal does not define: 400 "Permission being assigned was
//     not found on application '<id>'.";
//   - a principal not found (or not replicated yet): 404 Request_ResourceNotFound;
//   - the same assignment again: 400 Request_BadRequest "Permission being assigned already
//     exists on the object." (clients treat it as success).
// Permission: AppRoleAssignment.ReadWrite.All (or Directory.ReadWrite.All).
import { randomUUID } from 'node:crypto';
import { isReplicated } from '../replication.ts';
import { graphDate } from '../state.ts';
import { badRequest, resourceNotFound } from './errors.ts';
import type { GraphContext, GraphOperation, GraphReply, Route } from './types.ts';

export interface StoredServicePrincipal {
  id: string;
  displayName: string;
  /** The app roles it defines (ids). */
  appRoleIds: string[];
  assignments: Array<{ id: string; principalId: string; appRoleId: string; createdDateTime: string }>;
}

function assign(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const sp = ctx.state.servicePrincipals.get(params.id ?? '');
  if (!sp) throw resourceNotFound(params.id ?? '');
  const body = (op.body ?? {}) as Record<string, unknown>;
  for (const field of ['principalId', 'resourceId', 'appRoleId']) {
    if (typeof body[field] !== 'string' || body[field] === '') {
      throw badRequest(`Invalid value specified for property '${field}' of resource 'AppRoleAssignment'.`);
    }
  }
  const { principalId, resourceId, appRoleId } = body as Record<'principalId' | 'resourceId' | 'appRoleId', string>;
  if (resourceId !== sp.id)
    throw badRequest(`Invalid value specified for property 'resourceId' of resource 'AppRoleAssignment'.`);
  if (!sp.appRoleIds.includes(appRoleId)) {
    throw badRequest(`Permission being assigned was not found on application '${sp.id}'.`);
  }
  const user = ctx.state.users.get(principalId);
  if (!user || !isReplicated(ctx.state, principalId)) throw resourceNotFound(principalId);
  if (sp.assignments.some((a) => a.principalId === principalId && a.appRoleId === appRoleId)) {
    throw badRequest('Permission being assigned already exists on the object.');
  }
  const assignment = { id: randomUUID(), principalId, appRoleId, createdDateTime: graphDate(ctx.state.clock()) };
  sp.assignments.push(assignment);
  return {
    status: 201,
    body: {
      '@odata.context': `${ctx.origin}/v1.0/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo/$entity`,
      id: assignment.id,
      deletedDateTime: null,
      appRoleId,
      createdDateTime: assignment.createdDateTime,
      principalDisplayName: user.displayName,
      principalId,
      principalType: 'User',
      resourceDisplayName: sp.displayName,
      resourceId: sp.id,
    },
  };
}

export const appRoleRoutes: Route[] = [
  {
    name: 'assignAppRole',
    method: 'POST',
    pattern: ['servicePrincipals', ':id', 'appRoleAssignedTo'],
    permission: 'writeAppRoleAssignments',
    handle: assign,
  },
];
