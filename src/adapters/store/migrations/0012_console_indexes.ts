// The console's lists stay fast with 100,000 requests (measured on SQLite; README, "The
// console"): each list is read in index order or from index ranges, never by scanning.
//   - the queue filtered by a state: (status, created_at, id), newest first, the id breaking
//     ties so the page cursor is exact (0001's (status, created_at) is superseded);
//   - the search (adapters/store/queries.ts): one index per thing a search may start with —
//     the address (0001's email index on SQLite), its domain, the full name, the last name.
//     PostgreSQL compares with its collation, so there the indexes use text_pattern_ops,
//     which serve `like 'term%'`;
//   - the audit trail by date range: (at, seq).
// Unfiltered pages use 0001's (created_at, id); the trail is read in seq (primary key) order.
import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../schema.ts';

function searchIndexes(kind: DialectKind): Record<string, string> {
  if (kind === 'sqlite') {
    return {
      access_requests_email_domain: `substr(email, instr(email, '@') + 1)`,
      access_requests_full_name: `lower(first_name || ' ' || last_name)`,
      access_requests_last_name: `lower(last_name)`,
    };
  }
  return {
    access_requests_email_prefix: 'email text_pattern_ops',
    access_requests_email_domain: `(substr(email, strpos(email, '@') + 1)) text_pattern_ops`,
    access_requests_full_name: `(lower(first_name || ' ' || last_name)) text_pattern_ops`,
    access_requests_last_name: `(lower(last_name)) text_pattern_ops`,
  };
}

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  await db.schema
    .createIndex('access_requests_status_created_at_id')
    .on('access_requests')
    .columns(['status', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('access_requests_status_created_at').execute();
  for (const [name, expression] of Object.entries(searchIndexes(kind))) {
    await sql.raw(`create index ${name} on access_requests (${expression})`).execute(db);
  }
  await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'seq']).execute();
}

export async function down(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  await db.schema.dropIndex('audit_events_at').execute();
  for (const name of Object.keys(searchIndexes(kind))) await db.schema.dropIndex(name).execute();
  await db.schema
    .createIndex('access_requests_status_created_at')
    .on('access_requests')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema.dropIndex('access_requests_status_created_at_id').execute();
}
