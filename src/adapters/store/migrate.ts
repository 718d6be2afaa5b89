// Runs the migrations in migrations/ with Kysely's Migrator, on either dialect.
// Two processes may start at once (server and worker): on PostgreSQL the Migrator holds
// an advisory lock; on SQLite each step is one BEGIN IMMEDIATE transaction (see
// sqlite.ts), so the second process waits for the first and then finds nothing to do.
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { MIGRATIONS } from './migrations/index.ts';
import type { DialectKind } from './schema.ts';

const MIGRATION_TABLE = 'kysely_migration';

function provider(kind: DialectKind): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, module] of Object.entries(MIGRATIONS)) {
        const down = module.down;
        migrations[name] = {
          up: (db) => module.up(db, kind),
          ...(down ? { down: (db: Kysely<unknown>) => down(db, kind) } : {}),
        };
      }
      return migrations;
    },
  };
}

/**
 * Applies every pending migration (or those up to and including `upTo`: tests building a
 * database as an older version left it); a no-op when there is none. Throws on failure.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  kind: DialectKind,
  schema: string | null,
  upTo?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: provider(kind),
    migrationTableName: MIGRATION_TABLE,
    // Kysely looks for its tables in every schema unless told which one; with several
    // schemas in one database (tests, tenants) it would find another schema's table.
    ...(kind === 'postgres' ? { migrationTableSchema: schema ?? 'public' } : {}),
  });
  // One step (and one transaction) per migration, not one transaction for them all
  // (Kysely's migrateToLatest): an upgrade over several releases would otherwise hold every
  // ALTER TABLE's exclusive lock (jobs, access_requests…) until the last index of the last
  // migration is built, and the running service could not even read its jobs meanwhile.
  // migrateUp re-reads what is pending under the Migrator's lock, so two processes
  // migrating at once each apply what is left (never migrateTo, which could go down).
  if (upTo && (await appliedMigrations(db).catch(() => new Set<string>())).has(upTo)) return;
  for (;;) {
    const { error, results } = await migrator.migrateUp();
    if (error) {
      const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'setup';
      throw new Error(`Database migration ${failed} failed: ${String(error)}`, { cause: error });
    }
    if (!results || results.length === 0) return;
    if (upTo && results.some((result) => result.migrationName === upTo)) return;
  }
}

/** True when the database answers and every known migration has been applied. */
export async function migrationsApplied<DB>(db: Kysely<DB>): Promise<boolean> {
  try {
    const applied = await appliedMigrations(db);
    return Object.keys(MIGRATIONS).every((name) => applied.has(name));
  } catch {
    return false; // no migration table yet, or no database
  }
}

/** The names of the migrations applied; throws when there is no migration table (yet). */
async function appliedMigrations<DB>(db: Kysely<DB>): Promise<Set<string>> {
  // Unqualified: on PostgreSQL the search_path names the schema (see postgres.ts).
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return new Set(rows.map((row) => row.name));
}
