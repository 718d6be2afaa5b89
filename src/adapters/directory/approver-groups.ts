// The ApproverGroups port on Microsoft Graph: `GET /groups/{id}/transitiveMembers` (members
// of nested groups too), users only, following @odata.nextLink. Needs GroupMember.Read.All
// (or Group.Read.All / Directory.Read.All; GroupMember.ReadWrite.All, which provisioning
// already holds, implies it). group-list-transitivemembers.md.
import type { EntraConfig } from '../../config.ts';
import type { ApproverGroups, GroupMember } from '../../ports.ts';
import { createGraphClient } from './graph-client.ts';

interface Page {
  value?: Array<{ '@odata.type'?: string; id?: string; mail?: string | null; userPrincipalName?: string | null }>;
  '@odata.nextLink'?: string;
}

/** Enough for any approval group; a bigger one is a misconfiguration, not an approver list. */
const MAX_PAGES = 50;

export function createGraphApproverGroups(input: { entra: EntraConfig; ca?: string | undefined }): ApproverGroups {
  const graph = createGraphClient(input);
  return {
    async members(groupId) {
      const found: GroupMember[] = [];
      let next: string | null =
        `/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=id,mail,userPrincipalName&$top=999`;
      for (let page = 0; next && page < MAX_PAGES; page++) {
        const path: string = next;
        const answer = (await graph.call((api) => api(path).get())) as Page;
        for (const item of answer.value ?? []) {
          // A directoryObject collection: groups, devices and service principals are not approvers.
          if (item['@odata.type'] !== '#microsoft.graph.user' || !item.id) continue;
          found.push({ id: item.id, mail: item.mail ?? null, userPrincipalName: item.userPrincipalName ?? null });
        }
        next = answer['@odata.nextLink'] ?? null;
      }
      return found;
    },
  };
}
