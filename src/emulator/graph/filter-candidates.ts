// Narrows a `$filter` to the users that could match it, from the address index, so the
// lookups a provisioning client makes (`mail eq …`, `otherMails/any(x:x eq …)`,
// `userPrincipalName eq …`, combined with or/and) do not scan the directory. The result
// is a superset (the index mixes mail, otherMails and UPN); the full filter is still
// evaluated on it. null means "cannot narrow: scan everyone".
import { idsWithAddress, type UserIndex } from '../user-index.ts';
import type { FilterNode, Literal } from './filter-parse.ts';

const ADDRESS_PROPERTIES = new Set(['mail', 'userprincipalname']);

export function candidateIds(node: FilterNode, index: UserIndex): Set<string> | null {
  switch (node.kind) {
    case 'or': {
      const left = candidateIds(node.left, index);
      const right = left && candidateIds(node.right, index);
      return left && right ? new Set([...left, ...right]) : null;
    }
    case 'and': {
      const left = candidateIds(node.left, index);
      const right = candidateIds(node.right, index);
      if (left && right) return new Set([...left].filter((id) => right.has(id)));
      return left ?? right;
    }
    case 'compare':
      return node.op === 'eq' ? lookup(node.path, [node.value], index) : null;
    case 'in':
      return lookup(node.path, node.values, index);
    case 'lambda': {
      const body = node.body;
      const collection = node.path.length === 1 ? node.path[0]?.toLowerCase() : undefined;
      const isEqOnItem =
        node.quantifier === 'any' &&
        body.kind === 'compare' &&
        body.op === 'eq' &&
        body.path.length === 1 &&
        body.path[0] === node.variable;
      if (!isEqOnItem || typeof body.value !== 'string') return null;
      if (collection === 'othermails') return idsWithAddress(index, body.value);
      // The index holds smtp proxy addresses by their address part.
      if (collection === 'proxyaddresses' && /^smtp:/i.test(body.value)) {
        return idsWithAddress(index, body.value.slice(5));
      }
      return null;
    }
    default:
      return null;
  }
}

function lookup(path: string[], values: Literal[], index: UserIndex): Set<string> | null {
  const property = path.length === 1 ? path[0]?.toLowerCase() : undefined;
  if (!values.every((value) => typeof value === 'string')) return null;
  const strings = values as string[];
  if (property === 'id') return new Set(strings);
  if (property && ADDRESS_PROPERTIES.has(property)) {
    return new Set(strings.flatMap((value) => [...idsWithAddress(index, value)]));
  }
  return null;
}
