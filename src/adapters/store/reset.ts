// Drops every table of a Guestlist database (`guestlist sandbox clear`): the next start
// migrates an empty one. Dropping, not deleting rows, because the audit tables refuse
// DELETE by trigger (they are append-only) — and a sandbox's audit trail is sandbox data.
import { type Kysely, sql } from 'kysely';
import type { DialectKind, Tables } from './schema.ts';

export async function dropAllTables(db: Kysely<Tables>, kind: DialectKind): Promise<number> {
  if (kind === 'postgres') {
    // Only the schema Guestlist works in (search_path), never another one in the database.
    const { rows } = await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = current_schema()`.execute(db);
    if (rows.length === 0) return 0;
    await sql`drop table if exists ${sql.join(rows.map((row) => sql.id(row.name)))} cascade`.execute(db);
    return rows.length;
  }
  const { rows } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  for (const row of rows) await sql`drop table if exists ${sql.id(row.name)}`.execute(db);
  return rows.length;
}
