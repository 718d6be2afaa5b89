// The emulated tenant's staff: Member users who may sign in to Guestlist's console, each
// with the app role values assigned to them on the Guestlist app (Enterprise applications
// → Users and groups). The sign-in page lists them. One assignment holds for every app
// registered in the emulator: sandbox mode and `guestlist emulator` register a new app
// (or the same client id) at each start, and a per-app table would be lost with them.
import { type EmulatedUser, type EmulatorState, insertUser } from '../state.ts';

export interface StaffInput {
  name: string;
  email: string;
  /** App role values, e.g. ['Guestlist.Admin']; default none (no `roles` claim). */
  roles?: string[];
  /** Object id; default a new GUID. A fixed id lets a saved directory keep the same person. */
  id?: string;
  /** Default Member. A Guest signs in with `acct` 1. */
  userType?: 'Member' | 'Guest';
  /** Default true; a disabled account is refused at sign-in (AADSTS50057). */
  accountEnabled?: boolean;
}

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  userPrincipalName: string;
  roles: string[];
}

/**
 * The people sandbox mode and `guestlist emulator` start with, with fixed ids so that a
 * directory kept in the state file holds the same people after a restart.
 * `@contoso.onmicrosoft.com` becomes the tenant's own initial domain.
 */
export const DEFAULT_STAFF: ReadonlyArray<StaffInput & { id: string }> = [
  {
    id: '0c6d5a41-2f3b-4f8e-9a71-5b2e8c4d1f01',
    name: 'Adele Vance',
    email: 'adele.vance@contoso.onmicrosoft.com',
    roles: ['Guestlist.Admin'],
  },
  {
    id: '0c6d5a41-2f3b-4f8e-9a71-5b2e8c4d1f02',
    name: 'Alex Wilber',
    email: 'alex.wilber@contoso.onmicrosoft.com',
    roles: ['Guestlist.Approver'],
  },
  {
    id: '0c6d5a41-2f3b-4f8e-9a71-5b2e8c4d1f03',
    name: 'Megan Bowen',
    email: 'megan.bowen@contoso.onmicrosoft.com',
    roles: [],
  },
];

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function checkRoles(roles: string[]): string[] {
  for (const role of roles) {
    if (typeof role !== 'string' || !/^\S+$/.test(role)) throw new TypeError(`App role value '${role}' is not valid.`);
  }
  return [...new Set(roles)];
}

/**
 * Adds a person to the directory and to the staff. For an id already in the directory
 * (a restored state file), only the staff entry and roles are set: the user is kept.
 */
export function addStaffMember(state: EmulatorState, input: StaffInput): StaffMember {
  const email = input.email.replace('@contoso.onmicrosoft.com', `@${state.tenantDomain}`);
  if (!EMAIL.test(email)) throw new TypeError(`'${input.email}' is not an email address.`);
  if (!input.name.trim()) throw new TypeError('A staff member needs a name.');
  const roles = checkRoles(input.roles ?? []);
  const existing = input.id === undefined ? undefined : state.users.get(input.id);
  const user =
    existing ??
    insertUser(state, {
      mail: email,
      displayName: input.name,
      userType: input.userType ?? 'Member',
      userPrincipalName: email,
      id: input.id,
      accountEnabled: input.accountEnabled,
    });
  state.staff.set(user.id, roles);
  return staffMember(user, roles);
}

/** Assigns exactly these app roles to a user (making them staff); the next sign-in carries them. */
export function assignRoles(state: EmulatorState, userId: string, roles: string[]): StaffMember {
  const user = state.users.get(userId);
  if (!user) throw new Error(`No user ${userId} is in the emulator's directory.`);
  const checked = checkRoles(roles);
  state.staff.set(userId, checked);
  return staffMember(user, checked);
}

export function listStaff(state: EmulatorState): StaffMember[] {
  const out: StaffMember[] = [];
  for (const [id, roles] of state.staff) {
    const user = state.users.get(id);
    if (user) out.push(staffMember(user, roles));
  }
  return out;
}

function staffMember(user: EmulatedUser, roles: string[]): StaffMember {
  return {
    id: user.id,
    name: user.displayName ?? user.userPrincipalName,
    email: user.mail ?? user.userPrincipalName,
    userPrincipalName: user.userPrincipalName,
    roles: [...roles],
  };
}
