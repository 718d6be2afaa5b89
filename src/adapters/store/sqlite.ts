// SQLite through Node's built-in node:sqlite (no native addon), shaped like the
// better-sqlite3 object Kysely's SqliteDialect expects.
import { chmodSync, closeSync, constants, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Kysely, SqliteAdapter, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import type { Tables } from './schema.ts';

export const BUSY_TIMEOUT_MS = 5000;

/** Prepared statements kept per SQL text; Kysely writes the same text for each query shape. */
const STATEMENT_CACHE_SIZE = 500;

/** Wraps a DatabaseSync for Kysely: its statements take spread parameters, not an array. */
export function kyselySqliteDatabase(db: DatabaseSync): SqliteDatabase {
  // Preparing costs more than running most of our queries (a profile of the request form
  // under load spent as long in prepare as in all/run). node:sqlite runs a statement to
  // completion in all() and run(), so one prepared statement can serve every call of its
  // text; iterate() leaves it open, so a stream gets a statement of its own.
  const cache = new Map<string, { statement: StatementSync; reader: boolean }>();
  const prepared = (text: string) => {
    let entry = cache.get(text);
    if (!entry) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      const statement = db.prepare(text);
      entry = { statement, reader: returnsRows(statement, text) };
      cache.set(text, entry);
    }
    return entry;
  };
  return {
    prepare(sql: string): SqliteStatement {
      // Kysely opens transactions with a plain (deferred) `begin`. Other processes write
      // to the same file (CLI, a separate worker), and a deferred transaction that reads
      // and then writes fails with SQLITE_BUSY_SNAPSHOT when another connection committed
      // in between; busy_timeout cannot wait that out. BEGIN IMMEDIATE takes the write
      // lock up front, waiting up to busy_timeout for it, so our transactions never fail
      // half-way for that reason.
      const text = /^\s*begin\s*;?\s*$/i.test(sql) ? 'begin immediate' : sql;
      const { statement, reader } = prepared(text);
      return {
        reader,
        all: (parameters) => statement.all(...(parameters as SqlParameter[])),
        run: (parameters) => statement.run(...(parameters as SqlParameter[])),
        iterate: (parameters) => db.prepare(text).iterate(...(parameters as SqlParameter[])),
      };
    },
    close() {
      closeQuietly(db);
    },
  };
}

type SqlParameter = null | number | bigint | string | Uint8Array;

/** Whether Kysely should read rows (`all`) or a change count (`run`) from the statement. */
function returnsRows(statement: StatementSync, text: string): boolean {
  // StatementSync.columns() arrived in Node 22.16; on older 22.x look at the SQL instead.
  if (typeof statement.columns === 'function') return statement.columns().length > 0;
  return /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i.test(text);
}

/**
 * Opens the file (creating its folder) or `:memory:`, in WAL mode with full fsync,
 * foreign keys on and a busy timeout: other processes open the same file while the
 * server runs. Each process should open one connection per file and share it: two
 * connections in one process would block the event loop waiting for each other.
 */
export function openSqliteFile(path: string): DatabaseSync {
  if (path !== ':memory:') createPrivately(path);
  const db = new DatabaseSync(path);
  db.exec(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.exec('pragma journal_mode = wal'); // readers never block the writer, and vice versa
  db.exec('pragma synchronous = full'); // a committed request survives power loss (invariant 1)
  db.exec('pragma foreign_keys = on');
  return db;
}

/**
 * The database holds people's addresses and token hashes: its folders are created 0700 and
 * the file 0600, whatever the umask (which can only narrow a mode, so each is set after
 * creation). SQLite gives the -wal and -shm files the mode of the database file. Existing
 * folders and files keep the mode their owner chose.
 */
export function createPrivately(path: string): void {
  createFolderPrivately(path);
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/** Creates the folder of the database file `path`, and any parent it needs, 0700. */
export function createFolderPrivately(path: string): void {
  const folder = resolve(dirname(path));
  const first = mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (first !== undefined) {
    for (let dir = folder; dir.startsWith(first); dir = dirname(dir)) chmodSync(dir, 0o700);
  }
}

/**
 * SQLite runs DDL inside transactions perfectly well; Kysely's adapter says otherwise
 * only to stay conservative. Saying yes makes the Migrator run every migration inside one
 * (BEGIN IMMEDIATE) transaction, which is what serializes two processes migrating at once
 * and leaves no half-applied migration behind.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class GuestlistSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalSqliteAdapter();
  }
}

export function sqliteKysely(db: DatabaseSync): Kysely<Tables> {
  return new Kysely<Tables>({ dialect: new GuestlistSqliteDialect({ database: kyselySqliteDatabase(db) }) });
}

/** The path in `sqlite:<path>`, `sqlite://<path>` or `sqlite::memory:`. */
export function sqlitePath(url: string): string {
  let rest = url.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') throw new Error('The SQLite URL names no file: use sqlite:./data/guestlist.db or sqlite::memory:.');
  return rest;
}

/** Closes once; Kysely and the Database both try, whichever comes first. */
export function closeQuietly(db: DatabaseSync): void {
  try {
    db.close();
  } catch {
    // already closed
  }
}
