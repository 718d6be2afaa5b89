// Lookup tables over the emulated users, so an invitation or a `mail eq` lookup does not
// scan the whole directory (benchmarks grow it to thousands of guests). Keys are
// lower-cased: Entra compares addresses and UPNs case-insensitively.
import type { EmulatedUser } from './state.ts';

export interface UserIndex {
  /** UPN → id. UPNs are unique in a tenant. */
  upns: Map<string, string>;
  /** mail, each of otherMails, each smtp proxy address, and UPN → ids of the users holding it. */
  addresses: Map<string, Set<string>>;
  /** id → insertion number, to list index hits in the same order as a full scan. */
  order: Map<string, number>;
}

export function createUserIndex(): UserIndex {
  return { upns: new Map(), addresses: new Map(), order: new Map() };
}

function addressesOf(user: EmulatedUser): string[] {
  // Proxy addresses count by their address: `SMTP:a@x.com` is a@x.com (other schemes are not mail).
  const proxies = (user.proxyAddresses ?? []).flatMap((p) => (/^smtp:/i.test(p) ? [p.slice(5)] : []));
  return [user.mail, user.userPrincipalName, ...user.otherMails, ...proxies].flatMap((a) =>
    a ? [a.toLowerCase()] : [],
  );
}

export function indexUser(index: UserIndex, user: EmulatedUser): void {
  if (!index.order.has(user.id)) index.order.set(user.id, index.order.size);
  index.upns.set(user.userPrincipalName.toLowerCase(), user.id);
  for (const address of addressesOf(user)) {
    const ids = index.addresses.get(address) ?? new Set<string>();
    ids.add(user.id);
    index.addresses.set(address, ids);
  }
}

/** Drops the user's keys; `removed` also forgets its place (a deleted user). */
export function unindexUser(index: UserIndex, user: EmulatedUser, removed: boolean): void {
  index.upns.delete(user.userPrincipalName.toLowerCase());
  for (const address of addressesOf(user)) index.addresses.get(address)?.delete(user.id);
  if (removed) index.order.delete(user.id);
}

export function idsWithAddress(index: UserIndex, address: string): Set<string> {
  return index.addresses.get(address.toLowerCase()) ?? new Set();
}

export function inInsertionOrder(
  index: UserIndex,
  users: Map<string, EmulatedUser>,
  ids: Iterable<string>,
): EmulatedUser[] {
  return [...ids]
    .flatMap((id) => users.get(id) ?? [])
    .sort((a, b) => (index.order.get(a.id) ?? 0) - (index.order.get(b.id) ?? 0));
}
