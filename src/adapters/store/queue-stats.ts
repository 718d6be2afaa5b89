// The job queue as metrics see it (telemetry/metrics.ts, on each scrape): per kind, how many
// jobs are due and waiting for a worker, running (leased), or scheduled for later, and when
// the oldest due one became due. One grouped statement over the jobs table, which holds only
// jobs not yet done (a finished job is deleted), so it stays small and the scan cheap.
import { sql } from 'kysely';
import type { QueueStats } from '../../ports.ts';
import { toDate } from './codec.ts';
import type { StoreContext } from './context.ts';

export function createQueueStats(ctx: StoreContext): QueueStats {
  const { db, codec } = ctx;
  return {
    async jobsByKind(now) {
      const at = codec.time(now);
      const running = sql<boolean>`(locked_until is not null and locked_until > ${at})`;
      const due = sql<boolean>`(run_at <= ${at} and not ${running})`;
      const rows = await db
        .selectFrom('jobs')
        .select([
          'kind',
          sql<number | string>`sum(case when ${due} then 1 else 0 end)`.as('due'),
          sql<number | string>`sum(case when ${running} then 1 else 0 end)`.as('running'),
          sql<number | string>`sum(case when run_at > ${at} and not ${running} then 1 else 0 end)`.as('scheduled'),
          sql<Date | string | null>`min(case when ${due} then run_at end)`.as('oldest_due_at'),
        ])
        .groupBy('kind')
        .execute();
      return rows.map((row) => ({
        kind: row.kind,
        due: Number(row.due),
        running: Number(row.running),
        scheduled: Number(row.scheduled),
        oldestDueAt: row.oldest_due_at === null ? null : toDate(row.oldest_due_at),
      }));
    },
  };
}
