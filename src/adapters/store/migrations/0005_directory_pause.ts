// Provisioning paused by a tenant-wide directory fault (jobs/directory-pause.ts): at most
// one row, so every worker and web process sees the same pause, and starting, probing
// and ending it are single conditional statements that one process wins.
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema
    .createTable('directory_pause')
    // Always 'directory': the primary key is what makes a second pause a no-op.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('since', time, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('fix', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('next_probe_at', time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('directory_pause').execute();
}
