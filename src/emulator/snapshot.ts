// The emulated directory as plain JSON, for the state file (EmulatorOptions.stateFile):
// users, groups with their members, redeem tickets (so links in mail already sent keep
// working), the mailbox and the staff with their app roles. Not kept: registered apps (every caller registers its app at
// start, and the token signing key is new each start anyway, so old tokens and secrets
// would buy nothing) and the invitation log (a per-process request log whose
// receivedAtMs only means something in the process that measured it). Pending sign-ins and
// codes are not kept either: a sign-in interrupted by a restart is simply started again.
import { type GroupKind, isGroupKind } from './graph/group-kinds.ts';
import type { EmulatedMail, EmulatedUser, EmulatorState } from './state.ts';
import { indexUser } from './user-index.ts';

export const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  version: typeof SNAPSHOT_VERSION;
  tenantId: string;
  users: EmulatedUser[];
  /** `kind` is absent in files written before group kinds existed: a security group. */
  groups: Array<{ id: string; displayName: string; kind?: GroupKind; createdDateTime: string; members: string[] }>;
  tickets: Array<{ ticket: string; userId: string; inviteRedirectUrl: string }>;
  /** sentAt as an ISO string; restored as a Date. */
  mailbox: Array<Omit<EmulatedMail, 'sentAt'> & { sentAt: string }>;
  /** Who signs in as staff, with their app roles; absent in files written before sign-in existed. */
  staff?: Array<{ userId: string; roles: string[] }>;
}

export function takeSnapshot(state: EmulatorState): Snapshot {
  return {
    version: SNAPSHOT_VERSION,
    tenantId: state.tenantId,
    users: [...state.users.values()],
    groups: [...state.groups.values()].map((group) => ({ ...group, members: [...group.members] })),
    tickets: [...state.tickets].map(([ticket, entry]) => ({ ticket, ...entry })),
    mailbox: state.mailbox.map((mail) => ({ ...mail, sentAt: mail.sentAt.toISOString() })),
    staff: [...state.staff].map(([userId, roles]) => ({ userId, roles })),
  };
}

/** Fills an empty state from a checked snapshot (see `checkSnapshot`). */
export function restoreSnapshot(state: EmulatorState, snapshot: Snapshot): void {
  for (const saved of snapshot.users) {
    // Files written before proxyAddresses existed lack it.
    const user = { ...structuredClone(saved), proxyAddresses: saved.proxyAddresses ?? [] };
    state.users.set(user.id, user);
    indexUser(state.index, user);
  }
  for (const group of snapshot.groups) {
    state.groups.set(group.id, { ...group, kind: group.kind ?? 'security', members: new Set(group.members) });
  }
  for (const { ticket, userId, inviteRedirectUrl } of snapshot.tickets) {
    state.tickets.set(ticket, { userId, inviteRedirectUrl });
  }
  for (const mail of snapshot.mailbox) state.mailbox.push({ ...mail, sentAt: new Date(mail.sentAt) });
  for (const { userId, roles } of snapshot.staff ?? []) state.staff.set(userId, [...roles]);
}

/**
 * Checks what JSON.parse returned has the shape the emulator relies on, so a damaged or
 * hand-edited file is refused at start rather than failing on some later request.
 * Returns the problem, or null.
 */
export function checkSnapshot(value: unknown, tenantId: string): string | null {
  const data = value as Partial<Record<keyof Snapshot, unknown>> | null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'it is not a JSON object';
  if (data.version !== SNAPSHOT_VERSION)
    return `its version is ${JSON.stringify(data.version)}, not ${SNAPSHOT_VERSION}`;
  if (data.tenantId !== tenantId) {
    return `it holds tenant ${JSON.stringify(data.tenantId)}, but the emulator was started for tenant ${tenantId}`;
  }
  for (const name of ['users', 'groups', 'tickets', 'mailbox'] as const) {
    if (!Array.isArray(data[name])) return `"${name}" is not a list`;
  }
  const users = data.users as Array<Partial<EmulatedUser>>;
  const ids = new Set<string>();
  for (const [i, user] of users.entries()) {
    if (typeof user?.id !== 'string' || typeof user.userPrincipalName !== 'string' || !Array.isArray(user.otherMails)) {
      return `users[${i}] lacks id, userPrincipalName or otherMails`;
    }
    if (ids.has(user.id)) return `users[${i}] repeats id ${user.id}`;
    ids.add(user.id);
  }
  for (const [i, group] of (data.groups as Array<Partial<Snapshot['groups'][number]>>).entries()) {
    if (
      typeof group?.id !== 'string' ||
      typeof group.displayName !== 'string' ||
      typeof group.createdDateTime !== 'string' ||
      !Array.isArray(group.members)
    ) {
      return `groups[${i}] lacks id, displayName, createdDateTime or members`;
    }
    if (group.kind !== undefined && !isGroupKind(group.kind)) return `groups[${i}] has an unknown kind`;
  }
  for (const [i, entry] of (data.tickets as Array<Partial<Snapshot['tickets'][number]>>).entries()) {
    if (typeof entry?.ticket !== 'string' || typeof entry.userId !== 'string') {
      return `tickets[${i}] lacks ticket or userId`;
    }
  }
  for (const [i, mail] of (data.mailbox as Array<Partial<Snapshot['mailbox'][number]>>).entries()) {
    if (
      typeof mail?.sentAt !== 'string' ||
      Number.isNaN(Date.parse(mail.sentAt)) ||
      !Array.isArray(mail.to) ||
      !Array.isArray(mail.links)
    ) {
      return `mailbox[${i}] lacks a valid sentAt, to or links`;
    }
  }
  if (data.staff !== undefined) {
    if (!Array.isArray(data.staff)) return '"staff" is not a list';
    for (const [i, entry] of (data.staff as Array<Partial<NonNullable<Snapshot['staff']>[number]>>).entries()) {
      if (typeof entry?.userId !== 'string' || !ids.has(entry.userId) || !Array.isArray(entry.roles)) {
        return `staff[${i}] lacks roles or names no user`;
      }
    }
  }
  return null;
}
