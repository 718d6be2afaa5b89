// The retention rule: requests that ended without access (domain/personal-data.ts) lose
// their person GUESTLIST_RETENTION_DAYS after they ended (their last change). Run daily by
// every worker process (main.ts) and at its start; it is idempotent and works from the data
// alone, so a missed day, a crash or two workers at once lose or double nothing: whatever is
// due is erased by the next run, and an erased request is never erased twice.
import type { Clock, PersonalDataStore } from '../ports.ts';

const BATCH = 200;

export async function eraseEndedRequests(
  deps: { personalData: PersonalDataStore; clock: Clock },
  input: { retentionDays: number },
): Promise<number> {
  const now = deps.clock.now();
  const endedBefore = new Date(now.getTime() - input.retentionDays * 86_400_000);
  const why = `retention: ended without access more than ${input.retentionDays} days ago`;
  let total = 0;
  for (;;) {
    const due = await deps.personalData.listEndedWithoutAccess(endedBefore, BATCH);
    if (due.length === 0) return total;
    const erased = await deps.personalData.erase(due, { at: now, actor: 'system', why });
    total += erased.length;
    if (erased.length === 0) return total; // every one moved meanwhile; the next run sees them
  }
}
