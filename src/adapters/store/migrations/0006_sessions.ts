// Console sessions (app/sessions.ts): server-side, so signing out or an admin's revocation
// ends them at once, and the cookie holds nothing but a random id. Only the id's SHA-256
// hash is stored: a leaked database backup does not let anyone resume a session.
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    /** `entra` (OpenID Connect) or `local` (break-glass admin). */
    .addColumn('via', 'text', (c) => c.notNull())
    /** The person's Entra object id (`oid`), or the local admin's user name. */
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    /** `admin`, `approver`, or null for a person with no Guestlist role. */
    .addColumn('role', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_seen_at', time, (c) => c.notNull())
    /** The idle timeout: moved forward on use, never past expires_at. */
    .addColumn('idle_until', time, (c) => c.notNull())
    /** The absolute timeout: fixed at sign-in. */
    .addColumn('expires_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
}
