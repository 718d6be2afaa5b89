// Break-glass local admins (`guestlist admin create`, app/local-admins.ts), and the secrets
// Guestlist makes for itself (server_secrets: the key that signs the sign-in cookie when
// GUESTLIST_COOKIE_SECRET is unset). Both in the database, not the data folder, so every
// web process behind a load balancer on PostgreSQL shares them.
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema
    .createTable('local_admins')
    /** Lower case letters, digits, `.`, `_`, `-` (app/local-admins.ts). */
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    /** argon2id, PHC string format (salt and parameters inside). */
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    /** Failed sign-ins since the last success or lockout. */
    .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
    /** Sign-in refused until then; null when not locked. */
    .addColumn('locked_until', time)
    .execute();
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('server_secrets').execute();
  await db.schema.dropTable('local_admins').execute();
}
