// The worker's side of the durable queue. Claiming is one statement on both dialects,
// so no transaction is ever held open while a handler runs: a claim is a lease
// (locked_by, locked_until) that the worker renews with extendLease while the handler
// runs and ends with complete/reschedule, or that expires if the worker dies, making the
// job claimable again.
import { sql } from 'kysely';
import type { JobQueue } from '../../ports.ts';
import { jobFromRow, toDate } from './codec.ts';
import type { StoreContext } from './context.ts';

const LEASE_EXPIRED = 'The lease expired before the worker finished (it stopped or was too slow).';

export function createJobQueue(ctx: StoreContext): JobQueue {
  const { db, codec } = ctx;
  const time = codec.time;

  return {
    async claim(workerId, now, leaseMs, running = []) {
      const row = await db
        .updateTable('jobs')
        .set({
          locked_by: workerId,
          locked_until: time(new Date(now.getTime() + leaseMs)),
          // A job still carrying a lock here was abandoned by a worker that died mid-run.
          // That run counts as an attempt, so a job that kills its worker every time
          // (out of memory, say) still reaches maxAttempts instead of looping forever.
          attempts: sql<number>`attempts + case when locked_by is null then 0 else 1 end`,
          last_error: sql<string | null>`case when locked_by is null then last_error else ${LEASE_EXPIRED} end`,
        })
        .where('id', '=', (eb) =>
          eb
            .selectFrom('jobs')
            .select('id')
            .where('run_at', '<=', time(now))
            .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', time(now))]))
            // The caller's own running jobs, whose lease may have run out (renewals failed
            // while the database was unreachable): its handler is still at work on them.
            .$if(running.length > 0, (q) => q.where('id', 'not in', running))
            .orderBy('run_at')
            .orderBy('created_at')
            .orderBy('id')
            .limit(1)
            // PostgreSQL: concurrent claimers skip rows another transaction is taking
            // instead of queueing behind it. SQLite: the whole UPDATE runs under the
            // database's single write lock, so the sub-select cannot race.
            .$if(ctx.kind === 'postgres', (q) => q.forUpdate().skipLocked()),
        )
        .returningAll()
        .executeTakeFirst();
      return row ? jobFromRow(row) : null;
    },

    async complete(jobId, workerId) {
      // Guarded by the lock: a worker whose lease expired must not delete a job that
      // another worker has claimed since.
      await db.deleteFrom('jobs').where('id', '=', jobId).where('locked_by', '=', workerId).execute();
    },

    async reschedule(jobId, workerId, runAt, error, countAttempt) {
      await db
        .updateTable('jobs')
        .set({
          run_at: time(runAt),
          last_error: error,
          locked_by: null,
          locked_until: null,
          attempts: countAttempt ? sql<number>`attempts + 1` : sql<number>`attempts`,
        })
        .where('id', '=', jobId)
        .where('locked_by', '=', workerId)
        .execute();
    },

    async extendLease(jobId, workerId, lockedUntil) {
      // Only on locked_by: a claim by another worker is what ends our hold, not the clock.
      const result = await db
        .updateTable('jobs')
        .set({ locked_until: time(lockedUntil) })
        .where('id', '=', jobId)
        .where('locked_by', '=', workerId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async nextRunAt() {
      // A job locked by a live worker is not due before its lease ends; counting its
      // run_at instead would make every idle worker spin on it.
      const row = await db
        .selectFrom('jobs')
        .select(
          sql<Date | string | null>`min(case when locked_until > run_at then locked_until else run_at end)`.as('next'),
        )
        .executeTakeFirst();
      return row?.next ? toDate(row.next) : null;
    },

    onWake(listener) {
      return ctx.listeners.add(listener);
    },

    async listJobs(requestId) {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .$if(requestId !== undefined, (q) => q.where('request_id', '=', requestId!))
        .orderBy('run_at')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(jobFromRow);
    },
  } satisfies JobQueue;
}
