// /groups routes (group-get.md, group-list-members.md, group-post-members.md,
// group-delete-members.md). Adding someone who is already a member is a 400 with the
// exact message clients match on to treat it as success (graph-examples.json
// `error_already_member`). Groups of some kinds refuse member writes (group-kinds.ts).
import { isReplicated } from '../replication.ts';
import { graphDate, type StoredGroup } from '../state.ts';
import { badRequest, GraphError, resourceNotFound } from './errors.ts';
import { type GroupKind, groupProperties, memberWriteRefusal } from './group-kinds.ts';
import type { GraphContext, GraphOperation, GraphReply, Route } from './types.ts';

function groupOr404(ctx: GraphContext, id: string): StoredGroup {
  const group = ctx.state.groups.get(id);
  if (!group) throw resourceNotFound(id);
  return group;
}

/** group-get.md: without $select the default set; with it exactly the named properties. */
function getGroup(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const group = groupOr404(ctx, params.id ?? '');
  const properties = groupProperties(group, ctx.state.tenantDomain);
  const raw = op.query.get('$select');
  const select = raw === null || raw.trim() === '' ? null : raw.split(',').map((name) => name.trim());
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.origin}/v1.0/$metadata#groups${select ? `(${select.join(',')})` : ''}/$entity`,
  };
  for (const name of select ?? Object.keys(properties)) {
    const key = Object.keys(properties).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key) {
      throw badRequest(`Could not find a property named '${name}' on type 'Microsoft.DirectoryServices.Group'.`);
    }
    body[key] = properties[key];
  }
  return { status: 200, body };
}

function listMembers(_op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const group = groupOr404(ctx, params.id ?? '');
  const value = [...group.members].flatMap((id) => {
    const user = ctx.state.users.get(id);
    return user ? [{ '@odata.type': '#microsoft.graph.user', id, displayName: user.displayName, mail: user.mail }] : [];
  });
  return { status: 200, body: { '@odata.context': `${ctx.origin}/v1.0/$metadata#directoryObjects`, value } };
}

/**
 * group-list-transitivemembers.md: the group's members and, through nested groups, theirs,
 * each once; users carry `@odata.type` (a directoryObject collection mixes kinds). With
 * $select, exactly the named properties (id always comes back, as Graph does).
 */
function listTransitiveMembers(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const group = groupOr404(ctx, params.id ?? '');
  const raw = op.query.get('$select');
  const select = raw === null || raw.trim() === '' ? null : raw.split(',').map((name) => name.trim());
  const known = ['id', 'displayName', 'mail', 'userPrincipalName'];
  for (const name of select ?? []) {
    if (!known.some((k) => k.toLowerCase() === name.toLowerCase())) {
      throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`);
    }
  }
  const seen = new Set<string>();
  const users: Array<Record<string, unknown>> = [];
  const visit = (members: Set<string>) => {
    for (const id of members) {
      if (seen.has(id)) continue;
      seen.add(id);
      const nested = ctx.state.groups.get(id);
      if (nested) {
        visit(nested.members);
        continue;
      }
      const user = ctx.state.users.get(id);
      if (!user) continue;
      const all: Record<string, unknown> = {
        id,
        displayName: user.displayName,
        mail: user.mail,
        userPrincipalName: user.userPrincipalName,
      };
      const wanted = select
        ? known.filter((k) => k === 'id' || select.some((n) => n.toLowerCase() === k.toLowerCase()))
        : known;
      users.push({ '@odata.type': '#microsoft.graph.user', ...Object.fromEntries(wanted.map((k) => [k, all[k]])) });
    }
  };
  visit(group.members);
  return { status: 200, body: { '@odata.context': `${ctx.origin}/v1.0/$metadata#directoryObjects`, value: users } };
}

/** `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}` (also `/users/{id}`). */
function referencedId(body: unknown): string {
  const ref = (body as Record<string, unknown> | null)?.['@odata.id'];
  if (typeof ref !== 'string') throw badRequest("The request body must contain '@odata.id'.");
  const match = /\/(?:directoryObjects|users)\/([^/?#]+)$/i.exec(ref);
  if (!match?.[1]) throw badRequest(`Invalid object identifier '${ref}'.`);
  return decodeURIComponent(match[1]);
}

function addMember(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const group = groupOr404(ctx, params.id ?? '');
  const refusal = memberWriteRefusal(group, ctx.claims.roles);
  if (refusal) throw refusal;
  const userId = referencedId(op.body);
  // A user created a moment ago is 404 here until it replicates (replication.ts).
  if (!ctx.state.users.has(userId) || !isReplicated(ctx.state, userId)) throw resourceNotFound(userId);
  if (group.members.has(userId)) {
    throw badRequest(
      "One or more added object references already exist for the following modified properties: 'members'.",
    );
  }
  group.members.add(userId);
  return { status: 204 };
}

function removeMember(_op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const group = groupOr404(ctx, params.id ?? '');
  const refusal = memberWriteRefusal(group, ctx.claims.roles);
  if (refusal) throw refusal;
  const userId = params.memberId ?? '';
  // An unknown user, or one created a moment ago and not replicated yet, is the same 404 as
  // on POST …/$ref: a caller cannot tell lag from "not a member" by the status alone.
  if (!ctx.state.users.has(userId) || !isReplicated(ctx.state, userId)) throw resourceNotFound(userId);
  // A user who is not a member (never was, or removed already): Graph's 404 for the reference.
  if (!group.members.delete(userId)) {
    throw new GraphError(
      404,
      'Request_ResourceNotFound',
      "One or more removed object references do not exist for the following modified properties: 'members'.",
    );
  }
  return { status: 204 };
}

export function newGroup(
  ctx: { clock: () => Date },
  id: string,
  displayName: string,
  kind: GroupKind = 'security',
): StoredGroup {
  return { id, displayName, kind, createdDateTime: graphDate(ctx.clock()), members: new Set() };
}

export const groupRoutes: Route[] = [
  { name: 'getGroup', method: 'GET', pattern: ['groups', ':id'], permission: 'readGroups', handle: getGroup },
  {
    name: 'listMembers',
    method: 'GET',
    pattern: ['groups', ':id', 'members'],
    permission: 'readGroups',
    handle: listMembers,
  },
  {
    name: 'listTransitiveMembers',
    method: 'GET',
    pattern: ['groups', ':id', 'transitiveMembers'],
    permission: 'readGroups',
    handle: listTransitiveMembers,
  },
  {
    name: 'addMember',
    method: 'POST',
    pattern: ['groups', ':id', 'members', '$ref'],
    permission: 'writeGroupMembers',
    handle: addMember,
  },
  {
    name: 'removeMember',
    method: 'DELETE',
    pattern: ['groups', ':id', 'members', ':memberId', '$ref'],
    permission: 'writeGroupMembers',
    handle: removeMember,
  },
];
