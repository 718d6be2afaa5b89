// Which deployment a database belongs to: the sandbox, or one Entra tenant. Recorded once,
// at the first start (a `server_secrets` row), and compared at every start after. Why: a
// sandbox database started against a real tenant would have its emulated guests looked up
// in the real directory, and its invited requests revoked or expired as if they were real
// people's — and a database of tenant A started for tenant B would grant B's groups to A's
// requests. Refusing to start is the only safe answer; the message says what to do.

import { RefusedStartError } from './refused-start.ts';

export const DATABASE_OWNER_KEY = 'database-owner';

export type DatabaseOwner = { kind: 'sandbox' } | { kind: 'entra'; tenantId: string };

export function ownerKey(owner: DatabaseOwner): string {
  return owner.kind === 'sandbox' ? 'sandbox' : `entra:${owner.tenantId.toLowerCase()}`;
}

export class DatabaseOwnerError extends RefusedStartError {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseOwnerError';
  }
}

/** Throws, with the way out, when the database belongs to another deployment than `current`. */
export function checkDatabaseOwner(recorded: string, current: DatabaseOwner): void {
  if (recorded === ownerKey(current)) return;
  const belongsTo = recorded === 'sandbox' ? 'the sandbox' : `Entra tenant ${recorded.replace(/^entra:/, '')}`;
  const startingAs = current.kind === 'sandbox' ? 'the sandbox' : `Entra tenant ${current.tenantId}`;
  const way =
    recorded === 'sandbox'
      ? 'clear its sandbox data with `guestlist sandbox clear --yes`, or set GUESTLIST_DATA_DIR (or DATABASE_URL) to a new database'
      : 'set GUESTLIST_DATA_DIR (or DATABASE_URL) to the database of this deployment, or to a new one';
  throw new DatabaseOwnerError(
    `this database belongs to ${belongsTo}, not to ${startingAs}; nothing was changed: ${way}.`,
  );
}
