// What the store and the job queue share: the Kysely instance, the dialect's codec, and
// how to announce new jobs.
import { type Kysely, sql } from 'kysely';
import type { NewJob } from '../../ports.ts';
import type { Codec } from './codec.ts';
import { WAKE_CHANNEL } from './postgres-listener.ts';
import type { DialectKind, Tables } from './schema.ts';
import type { Listeners } from './wake.ts';

export interface StoreContext {
  db: Kysely<Tables>;
  kind: DialectKind;
  codec: Codec;
  /** Listeners in this process. */
  listeners: Listeners;
  newId(): string;
}

/** Inserts jobs inside the caller's transaction and, on PostgreSQL, queues the NOTIFY. */
export async function insertJobs(ctx: StoreContext, trx: Kysely<Tables>, jobs: NewJob[], at: Date): Promise<void> {
  if (jobs.length === 0) return;
  await trx
    .insertInto('jobs')
    .values(
      jobs.map((job) => ({
        id: ctx.newId(),
        kind: job.kind,
        request_id: job.requestId,
        run_at: ctx.codec.time(job.runAt),
        attempts: 0,
        last_error: null,
        locked_by: null,
        locked_until: null,
        created_at: ctx.codec.time(at),
        payload: job.payload ? JSON.stringify(job.payload) : null,
      })),
    )
    .execute();
  await notifyOtherProcesses(ctx, trx);
}

/**
 * PostgreSQL delivers a NOTIFY sent inside a transaction only when it commits (and
 * never if it rolls back), so a worker elsewhere is never woken before the job is
 * visible. SQLite has no NOTIFY: other processes watch data_version (wake.ts).
 */
export async function notifyOtherProcesses(ctx: StoreContext, db: Kysely<Tables>): Promise<void> {
  if (ctx.kind === 'postgres') await sql`select pg_notify(${WAKE_CHANNEL}, '')`.execute(db);
}

/** SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, or PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown } | null;
  return e?.code === '23505' || e?.errcode === 2067 || e?.errcode === 1555;
}
