// API tokens get a lifecycle: an expiry, the last time they were used, revocation, and who
// created them. Admin actions that are not about an access request (creating or revoking a
// token, later the console's) get an append-only trail of their own, `admin_audit`.
import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../schema.ts';

/** The expiry given to tokens created before this migration (domain/api-token.ts's default). */
const GRACE_DAYS = 90;

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  // Added nullable (SQLite cannot add a NOT NULL column without a default), then filled.
  await db.schema.alterTable('api_tokens').addColumn('expires_at', time).execute();
  await db.schema.alterTable('api_tokens').addColumn('last_used_at', time).execute();
  await db.schema.alterTable('api_tokens').addColumn('revoked_at', time).execute();
  await db.schema.alterTable('api_tokens').addColumn('created_by', 'text').execute();

  // Tokens created before tokens expired keep working for GRACE_DAYS after this upgrade
  // rather than being refused at once: refusing them outright would lock out running
  // integrations, and 90 days gives an admin time to replace each one (`guestlist token list`).
  // The real clock, not an injected one: this is when the upgrade ran.
  const expiry = new Date(Date.now() + GRACE_DAYS * 86_400_000);
  await db
    .updateTable('api_tokens' as never)
    .set({
      expires_at: kind === 'sqlite' ? expiry.toISOString() : expiry,
      created_by: 'unknown',
    } as never)
    .execute();
  if (kind === 'postgres') {
    await sql`alter table api_tokens alter column expires_at set not null, alter column created_by set not null`.execute(
      db,
    );
  }

  await db.schema
    .createTable('admin_audit')
    .addColumn('seq', kind === 'sqlite' ? 'integer' : 'bigint', (c) =>
      kind === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
    )
    .addColumn('at', time, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await preventChanges(db, kind);
}

/** Like audit_events (0001): the database refuses to rewrite the admin trail. */
async function preventChanges(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  if (kind === 'sqlite') {
    for (const operation of ['update', 'delete']) {
      await sql
        .raw(
          `create trigger admin_audit_no_${operation} before ${operation} on admin_audit ` +
            `begin select raise(abort, 'admin_audit is append-only'); end`,
        )
        .execute(db);
    }
    return;
  }
  await sql`
    create function admin_audit_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'admin_audit is append-only' using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`create trigger admin_audit_no_update_delete before update or delete on admin_audit
    for each row execute function admin_audit_append_only()`.execute(db);
  await sql`create trigger admin_audit_no_truncate before truncate on admin_audit
    for each statement execute function admin_audit_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  await db.schema.dropTable('admin_audit').execute();
  if (kind === 'postgres') await sql`drop function admin_audit_append_only()`.execute(db);
  for (const column of ['expires_at', 'last_used_at', 'revoked_at', 'created_by']) {
    await db.schema.alterTable('api_tokens').dropColumn(column).execute();
  }
}
