// Group members, remembered for a few minutes: the console asks for every pending request
// it lists, and an approval stage's group changes rarely. A member removed from the group
// can still decide for up to GROUP_MEMBERS_TTL_MS; an emailed link is bound to the address
// it was sent to and is not re-checked (it expires: GUESTLIST_APPROVAL_LINK_DAYS).
import type { ApproverGroups, Clock, GroupMember } from '../ports.ts';

export const GROUP_MEMBERS_TTL_MS = 5 * 60_000;

export function cachedApproverGroups(
  source: ApproverGroups,
  clock: Clock,
  ttlMs = GROUP_MEMBERS_TTL_MS,
): ApproverGroups {
  const cache = new Map<string, { at: number; members: Promise<GroupMember[]> }>();
  return {
    members(groupId) {
      const now = clock.now().getTime();
      const hit = cache.get(groupId);
      if (hit && now - hit.at < ttlMs) return hit.members;
      const entry = { at: now, members: source.members(groupId) };
      cache.set(groupId, entry);
      // A failed read is not kept: the next call asks again.
      entry.members.catch(() => {
        if (cache.get(groupId) === entry) cache.delete(groupId);
      });
      return entry.members;
    },
  };
}
