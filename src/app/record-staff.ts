// The staff directory: everyone who signed in to the console with Entra, with the role they
// held then. An approval stage decided by the admin role emails the admins listed here
// (approver-recipients.ts), so an admin gets those emails once they have signed in once.
// A role removed in Entra shows here at the person's next sign-in.
import type { Role } from '../domain/roles.ts';
import type { Clock, Store } from '../ports.ts';

export async function recordStaffSignIn(
  deps: { store: Store; clock: Clock },
  person: { oid: string; name: string; email: string | null; role: Role | null },
): Promise<void> {
  await deps.store.recordStaffSignIn({ ...person, lastSignInAt: deps.clock.now() });
}
