// The first schema. Migrations are history: never edit one that has shipped, add the
// next file instead. Each runs inside a transaction on both dialects (migrate.ts).
import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  // See schema.ts: fixed-width ISO text on SQLite orders and compares like a time.
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';

  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('directory_user_id', 'text')
    .addColumn('redeem_url', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('access_requests_status_created_at')
    .on('access_requests')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('access_requests_created_at')
    .on('access_requests')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema.createIndex('access_requests_email').on('access_requests').column('email').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('seq', kind === 'sqlite' ? 'integer' : 'bigint', (c) =>
      kind === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('reason', 'text')
    .addColumn('at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_request_id').on('audit_events').columns(['request_id', 'seq']).execute();
  await preventAuditChanges(db, kind);

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('run_at', time, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_run_at').on('jobs').column('run_at').execute();
  await db.schema.createIndex('jobs_request_id').on('jobs').column('request_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sandbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('from', 'text', (c) => c.notNull())
    .addColumn('to', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('links', 'text', (c) => c.notNull())
    .addColumn('sent_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sandbox_messages_sent_at').on('sandbox_messages').column('sent_at').execute();
}

/** The audit trail is append-only (ARCHITECTURE.md): the database refuses to rewrite it. */
async function preventAuditChanges(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  if (kind === 'sqlite') {
    for (const operation of ['update', 'delete']) {
      await sql
        .raw(
          `create trigger audit_events_no_${operation} before ${operation} on audit_events ` +
            `begin select raise(abort, 'audit_events is append-only'); end`,
        )
        .execute(db);
    }
    return;
  }
  await sql`
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_events is append-only' using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`create trigger audit_events_no_update_delete before update or delete on audit_events
    for each row execute function audit_events_append_only()`.execute(db);
  await sql`create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  for (const table of ['sandbox_messages', 'api_tokens', 'jobs', 'audit_events', 'access_requests']) {
    await db.schema.dropTable(table).execute();
  }
  if (kind === 'postgres') await sql`drop function audit_events_append_only()`.execute(db);
}
