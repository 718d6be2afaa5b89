// PostgreSQL through pg's pool. Any number of web and worker processes share it.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type ListenerLogger, startPostgresListener } from './postgres-listener.ts';
import type { Tables } from './schema.ts';
import { Listeners } from './wake.ts';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function openPostgres(
  url: string,
  options: { schema?: string; logger?: ListenerLogger },
): { db: Kysely<Tables>; listeners: Listeners; resolveSchema(): Promise<string | null> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('The PostgreSQL URL is not a valid URL.'); // not echoed: it may hold a password
  }
  const schema = options.schema ?? parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema'); // ours, not libpq's
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new Error('The PostgreSQL schema must be a plain identifier (letters, digits, underscore).');
  }
  const config: pg.ClientConfig = {
    connectionString: parsed.toString(),
    // Every session, pooled or listening, works in the chosen schema only.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = new pg.Pool(config);
  // An idle client that loses its connection emits here; unhandled, it would crash the
  // process. The pool replaces it on next use.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL connection failed'));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Listeners(() => {
    const listener = startPostgresListener(config, listeners, options.logger);
    return () => listener.stop();
  });
  return {
    db,
    listeners,
    /** The schema migrations go to: the one asked for, or the session's default. */
    async resolveSchema() {
      if (schema) return schema;
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      return rows[0]?.schema ?? null;
    },
  };
}
