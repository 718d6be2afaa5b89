// Which user properties a response carries (user-list.md, "Optional query parameters"):
// without $select, v1.0 returns only the default set below — notably NOT userType,
// accountEnabled, otherMails or externalUserState, which come back only when named in
// $select. With $select, exactly the named properties come back (not even `id` unless
// asked for). An unknown name is a 400.
import type { EmulatedUser } from '../state.ts';
import { badRequest } from './errors.ts';

const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

/** Properties a client may select; those the emulator does not store come back null. */
const KNOWN_PROPERTIES = [
  ...DEFAULT_PROPERTIES,
  'accountEnabled',
  'companyName',
  'createdDateTime',
  'creationType',
  'deletedDateTime',
  'department',
  'employeeId',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'identities',
  'mailNickname',
  'otherMails',
  'proxyAddresses',
  'userType',
];
const CANONICAL = new Map(KNOWN_PROPERTIES.map((name) => [name.toLowerCase(), name]));

/** Parses `$select`; null when absent (the default set applies). */
export function parseSelect(raw: string | null): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  return raw.split(',').map((part) => {
    const name = CANONICAL.get(part.trim().toLowerCase());
    if (!name) {
      throw badRequest(`Could not find a property named '${part.trim()}' on type 'Microsoft.DirectoryServices.User'.`);
    }
    return name;
  });
}

export function projectUser(user: EmulatedUser, select: string[] | null): Record<string, unknown> {
  const source: Record<string, unknown> = { ...user, businessPhones: [] };
  const out: Record<string, unknown> = {};
  for (const name of select ?? DEFAULT_PROPERTIES) {
    out[name] = source[name] ?? null;
  }
  return out;
}
