// Revoking access (app/revoke-access.ts, app/remove-access.ts): a job may carry what it was
// asked (`jobs.payload`, JSON: a revoke's deleteGuest), and provisioning records the user
// its invitation created (`provisioning_progress.created_user_id`), the only user a revoke
// may delete. Both columns are nullable additions, so this migration stands alone.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('payload', 'text').execute();
  await db.schema.alterTable('provisioning_progress').addColumn('created_user_id', 'text').execute();
}
