// Who gets a stage's emails (README, "Approvers and stages"): a person by their address;
// a role by the staff directory (people with that role who signed in with Entra at least once:
// Entra does not tell an app who holds its roles without a Graph call per assignment); a
// group by its members' mail (else their user principal name). Never the requester.
import type { ApproverRef } from '../domain/approval-policy.ts';
import { sameAddress } from '../domain/approval-stages.ts';
import type { ApproverGroups, Store } from '../ports.ts';

export async function approverAddresses(
  deps: { store: Store; approverGroups: ApproverGroups | null },
  refs: readonly ApproverRef[],
  requesterEmail: string,
): Promise<string[]> {
  const found: string[] = [];
  for (const ref of refs) {
    if (ref.kind === 'person') found.push(ref.email);
    if (ref.kind === 'role') {
      for (const member of await deps.store.listStaff(ref.role)) if (member.email) found.push(member.email);
    }
    if (ref.kind === 'group' && deps.approverGroups) {
      for (const member of await deps.approverGroups.members(ref.groupId)) {
        const address = member.mail ?? member.userPrincipalName;
        if (address?.includes('@')) found.push(address);
      }
    }
  }
  const unique = new Map<string, string>();
  for (const address of found) {
    const key = address.trim().toLowerCase();
    if (!unique.has(key) && !sameAddress(address, requesterEmail)) unique.set(key, address.trim());
  }
  return [...unique.values()];
}
