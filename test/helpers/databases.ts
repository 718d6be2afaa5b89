// The databases every store contract test runs against: SQLite in memory, SQLite in a
// file, and PostgreSQL when TEST_DATABASE_URL is set (CI sets it). Each open() gives a
// fresh, empty database: a new temp folder, or a new PostgreSQL schema (dropped when the
// whole run ends, see test/global-setup.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';

export interface TestDatabase {
  db: Database;
  /** The URL it was opened with; null for the in-memory database, which nothing else can open. */
  url: string | null;
  /** Another connection (pool) to the same database, closed with this one. Null in memory. */
  openAnother: (() => Promise<Database>) | null;
  /** Runs SQL on a connection of its own, bypassing the store (tests of the schema itself). */
  raw: ((sqlText: string) => Promise<void>) | null;
  close(): Promise<void>;
}

export interface DatabaseFactory {
  name: string;
  open(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

const sqliteMemory: DatabaseFactory = {
  name: 'sqlite (memory)',
  async open(options) {
    const db = await openDatabase('sqlite::memory:');
    if (options?.migrate !== false) await db.migrate();
    return { db, url: null, openAnother: null, raw: null, close: () => db.close() };
  },
};

const sqliteFile: DatabaseFactory = {
  name: 'sqlite (file)',
  async open(options) {
    const dir = await mkdtemp(join(tmpdir(), 'guestlist-store-'));
    const path = join(dir, 'nested', 'guestlist.db'); // the folder does not exist yet
    const url = `sqlite:${path}`;
    return track(url, options, {
      raw: async (sqlText) => {
        const connection = new DatabaseSync(path);
        try {
          connection.exec(sqlText);
        } finally {
          connection.close();
        }
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    });
  },
};

function postgres(baseUrl: string): DatabaseFactory {
  return {
    name: 'postgres',
    async open(options) {
      // Dropped by test/global-setup.ts when the whole run ends (see why there).
      const schema = `guestlist_test_${process.env.GUESTLIST_TEST_RUN ?? 'adhoc'}_${randomBytes(6).toString('hex')}`;
      const url = new URL(baseUrl);
      url.searchParams.set('schema', schema);
      const admin = async (sqlText: string, searchPath: boolean) => {
        const client = new pg.Client({
          connectionString: baseUrl,
          ...(searchPath ? { options: `-c search_path=${schema}` } : {}),
        });
        await client.connect();
        try {
          await client.query(sqlText);
        } finally {
          await client.end();
        }
      };
      return track(url.toString(), options, {
        raw: (sqlText) => admin(sqlText, true),
        // Outside a full run (one file run by hand) nobody else migrates meanwhile.
        cleanup: async () => {
          if (!process.env.GUESTLIST_TEST_RUN) await admin(`drop schema if exists ${schema} cascade`, false);
        },
      });
    },
  };
}

async function track(
  url: string,
  options: { migrate?: boolean } | undefined,
  extra: { raw: (sqlText: string) => Promise<void>; cleanup: () => Promise<void> },
): Promise<TestDatabase> {
  const opened: Database[] = [];
  const open = async () => {
    const db = await openDatabase(url);
    opened.push(db);
    return db;
  };
  const db = await open();
  if (options?.migrate !== false) await db.migrate();
  return {
    db,
    url,
    openAnother: open,
    raw: extra.raw,
    async close() {
      await Promise.all(opened.map((each) => each.close()));
      await extra.cleanup();
    },
  };
}

const postgresUrl = process.env.TEST_DATABASE_URL;

export const databaseFactories: DatabaseFactory[] = [
  sqliteMemory,
  sqliteFile,
  ...(postgresUrl ? [postgres(postgresUrl)] : []),
];
