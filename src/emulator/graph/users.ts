// /users routes: list with $filter/$select/$top/$count, get, update, delete
// (user-list.md, user-get.md, user-update.md, user-delete.md).
import { isReplicated } from '../replication.ts';
import { type EmulatedUser, type EmulatorState, findUser, removeUser } from '../state.ts';
import { inInsertionOrder } from '../user-index.ts';
import { badRequest, GraphError, resourceNotFound } from './errors.ts';
import { candidateIds } from './filter-candidates.ts';
import { checkFilter, FilterClauseError, matchesFilter, UnsupportedFilterError } from './filter-eval.ts';
import { type FilterNode, FilterSyntaxError, parseFilter } from './filter-parse.ts';
import { parseSelect, projectUser } from './select.ts';
import type { GraphContext, GraphOperation, GraphReply, Route } from './types.ts';
import { updateUser } from './user-update.ts';

const DEFAULT_PAGE_SIZE = 100;

function unsupportedQuery(message: string): GraphError {
  return new GraphError(400, 'Request_UnsupportedQuery', message);
}

/** aad-advanced-queries.md: both the header and `$count=true`; `$count` alone is ignored. */
function isAdvancedQuery(op: GraphOperation): boolean {
  return op.headers.consistencylevel?.toLowerCase() === 'eventual' && op.query.get('$count') === 'true';
}

function parseUserFilter(raw: string, advanced: boolean): FilterNode {
  let node: FilterNode;
  let advancedOperator: string | null;
  try {
    node = parseFilter(raw);
    advancedOperator = checkFilter(node);
  } catch (error) {
    if (error instanceof UnsupportedFilterError) throw unsupportedQuery(error.message);
    if (error instanceof FilterSyntaxError || error instanceof FilterClauseError)
      throw badRequest('Invalid filter clause');
    throw error;
  }
  if (advancedOperator !== null && !advanced) {
    // Message as in graph-examples.json `error_unsupported_query`.
    throw unsupportedQuery(
      `Operator '${advancedOperator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
    );
  }
  return node;
}

function parseTop(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  }
  return top;
}

function listUsers(op: GraphOperation, _params: Record<string, string>, ctx: GraphContext): GraphReply {
  const advanced = isAdvancedQuery(op);
  if (op.query.has('$search') && !advanced) {
    throw unsupportedQuery(
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
  if (op.query.has('$search')) throw unsupportedQuery('$search is not implemented by the Guestlist emulator.');
  const rawFilter = op.query.get('$filter');
  const filter = rawFilter === null ? null : parseUserFilter(rawFilter, advanced);
  const select = parseSelect(op.query.get('$select'));
  const top = parseTop(op.query.get('$top'));
  const skip = Number(op.query.get('$skiptoken') ?? '0');
  if (!Number.isInteger(skip) || skip < 0) throw badRequest('Invalid skip token.');

  const { state } = ctx;
  const candidates = filter === null ? null : candidateIds(filter, state.index);
  const pool = candidates === null ? [...state.users.values()] : inInsertionOrder(state.index, state.users, candidates);
  let users = pool.filter((user) => isReplicated(state, user.id) && (filter === null || matchesFilter(filter, user)));
  const orderBy = op.query.get('$orderby');
  if (orderBy !== null) {
    // aad-advanced-queries.md: $orderby together with $filter is an advanced query.
    if (filter !== null && !advanced) throw unsupportedQuery('Sorting not supported for current query.');
    const [property = '', direction = 'asc'] = orderBy.trim().split(/\s+/);
    const key = ['displayName', 'userPrincipalName', 'mail'].find((p) => p.toLowerCase() === property.toLowerCase());
    if (!key) throw unsupportedQuery('Sorting not supported for current query.');
    const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
    users = users.sort((a, b) => sign * String(a[key as 'mail'] ?? '').localeCompare(String(b[key as 'mail'] ?? '')));
  }

  const page = users.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.origin}/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}`,
  };
  if (advanced) body['@odata.count'] = users.length;
  if (skip + top < users.length) {
    const next = new URLSearchParams(op.query);
    next.set('$skiptoken', String(skip + top));
    body['@odata.nextLink'] = `${ctx.origin}/v1.0/users?${next.toString().replaceAll('+', '%20')}`;
  }
  body.value = page.map((user) => projectUser(user, select));
  // throttling-limits.md: listing users costs 2 resource units, 1 with $select.
  return { status: 200, body, headers: { 'x-ms-resource-unit': select ? '1' : '2' } };
}

/** `/users/{id | userPrincipalName}` as Graph reads see it: a user not replicated yet is 404. */
export function visibleUserOr404(state: EmulatorState, id: string): EmulatedUser {
  const user = findUser(state, id);
  if (!user || !isReplicated(state, user.id)) throw resourceNotFound(id);
  return user;
}

function getUser(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const user = visibleUserOr404(ctx.state, params.id ?? '');
  const select = parseSelect(op.query.get('$select'));
  return {
    status: 200,
    body: {
      '@odata.context': `${ctx.origin}/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}/$entity`,
      ...projectUser(user, select),
    },
    headers: { 'x-ms-resource-unit': '1' },
  };
}

function deleteUser(_op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const user = visibleUserOr404(ctx.state, params.id ?? '');
  removeUser(ctx.state, user);
  return { status: 204 };
}

export const userRoutes: Route[] = [
  { name: 'listUsers', method: 'GET', pattern: ['users'], permission: 'readUsers', handle: listUsers },
  { name: 'getUser', method: 'GET', pattern: ['users', ':id'], permission: 'readUsers', handle: getUser },
  { name: 'updateUser', method: 'PATCH', pattern: ['users', ':id'], permission: 'writeUsers', handle: updateUser },
  { name: 'deleteUser', method: 'DELETE', pattern: ['users', ':id'], permission: 'writeUsers', handle: deleteUser },
];
