// Checks a parsed `$filter` against the user properties Graph lets you filter on
// (resources/user.md, "Supports $filter") and evaluates it on a user.
// - Advanced operators (`ne`, `not`, `endsWith`, comparisons with null) need
//   `ConsistencyLevel: eventual` and `$count=true` (concepts/aad-advanced-queries.md);
//   check() returns the first one used so the caller can answer Request_UnsupportedQuery.
// - String comparisons are case-insensitive, as they are in Entra.
// - A boolean property compared to a quoted value is "Invalid filter clause"
//   (microsoftgraph/microsoft-graph-docs#3044: `accountEnabled eq 'true'`).
import type { EmulatedUser } from '../state.ts';
import type { FilterNode, Literal } from './filter-parse.ts';

type Kind = 'string' | 'boolean' | 'strings' | 'identities';

const FILTERABLE: Record<string, { name: keyof EmulatedUser; kind: Kind }> = {};
for (const [name, kind] of [
  ['id', 'string'],
  ['mail', 'string'],
  ['userPrincipalName', 'string'],
  ['displayName', 'string'],
  ['givenName', 'string'],
  ['surname', 'string'],
  ['userType', 'string'],
  ['externalUserState', 'string'],
  ['creationType', 'string'],
  ['accountEnabled', 'boolean'],
  ['otherMails', 'strings'],
  // proxyAddresses/any(x:x eq 'smtp:…'), as entra-docs customize-invitation-api.md queries.
  ['proxyAddresses', 'strings'],
  ['identities', 'identities'],
] as const) {
  FILTERABLE[name.toLowerCase()] = { name, kind };
}

export class FilterClauseError extends Error {}
export class UnsupportedFilterError extends Error {
  readonly property: string;
  constructor(property: string) {
    super(`Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`);
    this.property = property;
  }
}

/** Validates the filter; returns the first advanced operator it uses, or null. */
export function checkFilter(
  node: FilterNode,
  lambdaVar: string | null = null,
  kind: Kind | null = null,
): string | null {
  switch (node.kind) {
    case 'and':
    case 'or':
      return checkFilter(node.left, lambdaVar, kind) ?? checkFilter(node.right, lambdaVar, kind);
    case 'not':
      return checkFilter(node.operand, lambdaVar, kind) ?? 'not';
    case 'lambda': {
      if (lambdaVar !== null) throw new FilterClauseError('nested lambdas are not supported');
      const property = propertyOf(node.path);
      if (property.kind !== 'strings' && property.kind !== 'identities')
        throw new FilterClauseError('not a collection');
      return checkFilter(node.body, node.variable, property.kind);
    }
    default: {
      const valueKind = scalarKind(node.path, lambdaVar, kind);
      const values = node.kind === 'in' ? node.values : [node.value];
      for (const value of values) {
        if (value === null) continue;
        if ((valueKind === 'boolean') !== (typeof value === 'boolean') || typeof value === 'number') {
          throw new FilterClauseError('literal of the wrong type');
        }
      }
      if (node.kind === 'call') return node.fn === 'endswith' ? 'endsWith' : null;
      if (node.kind === 'compare') {
        if (node.op === 'gt' || node.op === 'lt') throw new UnsupportedFilterError(node.path.join('/'));
        if (node.op === 'ne') return 'ne';
        if (node.value === null) return node.op;
      }
      return null;
    }
  }
}

function propertyOf(path: string[]): { name: keyof EmulatedUser; kind: Kind } {
  const property = FILTERABLE[(path[0] ?? '').toLowerCase()];
  if (!property || path.length > 1) throw new UnsupportedFilterError(path.join('/'));
  return property;
}

/** The kind of a comparison's left side: a user property, or the lambda variable (or its field). */
function scalarKind(path: string[], lambdaVar: string | null, collection: Kind | null): Kind {
  if (lambdaVar !== null) {
    if (path[0] !== lambdaVar) throw new FilterClauseError('the lambda body must use its variable');
    if (collection === 'strings' && path.length === 1) return 'string';
    if (collection === 'identities' && path.length === 2) return 'string';
    throw new FilterClauseError('invalid lambda property');
  }
  const property = propertyOf(path);
  if (property.kind === 'strings' || property.kind === 'identities')
    throw new FilterClauseError('use any() on a collection');
  return property.kind;
}

export function matchesFilter(node: FilterNode, user: EmulatedUser, scope: Map<string, unknown> = new Map()): boolean {
  switch (node.kind) {
    case 'and':
      return matchesFilter(node.left, user, scope) && matchesFilter(node.right, user, scope);
    case 'or':
      return matchesFilter(node.left, user, scope) || matchesFilter(node.right, user, scope);
    case 'not':
      return !matchesFilter(node.operand, user, scope);
    case 'lambda': {
      const items = (user[propertyOf(node.path).name] ?? []) as unknown[];
      const test = (item: unknown) => matchesFilter(node.body, user, new Map(scope).set(node.variable, item));
      return node.quantifier === 'any' ? items.some(test) : items.every(test);
    }
    case 'in':
      return node.values.some((value) => equal(resolve(node.path, user, scope), value));
    case 'call': {
      const actual = normalize(resolve(node.path, user, scope));
      const wanted = normalize(node.value);
      if (typeof actual !== 'string' || typeof wanted !== 'string') return false;
      return node.fn === 'startswith' ? actual.startsWith(wanted) : actual.endsWith(wanted);
    }
    case 'compare': {
      const actual = resolve(node.path, user, scope);
      if (node.op === 'eq') return equal(actual, node.value);
      if (node.op === 'ne') return !equal(actual, node.value);
      const a = normalize(actual);
      const b = normalize(node.value);
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      return node.op === 'ge' ? a >= b : node.op === 'le' ? a <= b : node.op === 'gt' ? a > b : a < b;
    }
  }
}

function resolve(path: string[], user: EmulatedUser, scope: Map<string, unknown>): unknown {
  const [head = '', ...rest] = path;
  let value: unknown = scope.has(head) ? scope.get(head) : user[propertyOf([head]).name];
  for (const segment of rest) value = (value as Record<string, unknown> | null)?.[segment];
  return value;
}

function normalize(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function equal(actual: unknown, wanted: Literal): boolean {
  if (wanted === null) return actual === null || actual === undefined;
  return normalize(actual) === normalize(wanted);
}
