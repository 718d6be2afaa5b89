// Online backup and offline restore of the embedded SQLite database.
//
// Backup copies through SQLite's backup API (node:sqlite `backup()`, Node 22.16+/23.8+):
// a consistent snapshot taken while the server keeps writing, since in WAL mode a reader
// never blocks the writer. The whole copy is one step, so a commit by the server cannot
// make SQLite restart it half-way. Older Node falls back to `VACUUM INTO`, just as
// consistent. Either way the copy is written beside the target and renamed into place,
// so an interrupted backup never leaves a half file under the name asked for.
//
// Restore checks the file before anything changes (a SQLite database, intact, made by
// this version of Guestlist or an older one), then, holding the in-use lock so no server
// starts meanwhile, moves the current database and its -wal/-shm aside under one
// timestamp (a -wal left beside the restored file would be replayed into it) and renames
// the checked copy into place.
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename } from 'node:path';
import * as sqlite from 'node:sqlite';
import { MIGRATIONS } from './migrations/index.ts';
import { BUSY_TIMEOUT_MS, closeQuietly, createFolderPrivately } from './sqlite.ts';
import { takeExclusively } from './sqlite-in-use.ts';

/** A refusal worth showing as is: nothing was changed. */
export class BackupError extends Error {}

/** One step for the whole database (the option must be a positive 32-bit integer). */
const ALL_PAGES = 2 ** 31 - 1;

export interface BackupResult {
  /** How the copy was taken: SQLite's backup API, or VACUUM INTO on an older Node. */
  method: 'backup-api' | 'vacuum-into';
  requests: number;
  bytes: number;
}

export async function backupSqlite(databasePath: string, target: string): Promise<BackupResult> {
  if (!existsSync(databasePath)) throw new BackupError(`There is no database at ${databasePath} to back up.`);
  if (existsSync(target)) throw new BackupError(`${target} already exists; choose a new file name.`);
  const partial = `${target}.partial-${process.pid}`;
  // Created empty and private first: the copy holds people's addresses (both methods
  // accept an empty file as their target).
  try {
    closeSync(openSync(partial, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (error) {
    // A folder that does not exist or cannot be written: said in one line, not a stack.
    const code = (error as { code?: string }).code ?? 'error';
    throw new BackupError(
      `cannot write ${target} (${code}): make sure its folder exists and this user may write there.`,
    );
  }
  const source = new sqlite.DatabaseSync(databasePath);
  let method: BackupResult['method'];
  try {
    source.exec(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (typeof sqlite.backup === 'function') {
      method = 'backup-api';
      await sqlite.backup(source, partial, { rate: ALL_PAGES });
    } else {
      method = 'vacuum-into';
      source.prepare('vacuum into ?').run(partial);
    }
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    closeQuietly(source);
  }
  const { requests } = inspect(partial, 'the backup');
  flush(partial);
  renameSync(partial, target);
  return { method, requests, bytes: statSync(target).size };
}

export interface RestoreResult {
  requests: number;
  /** Where the database that was in place now is, or null when there was none. */
  keptAside: string | null;
}

export function restoreSqlite(databasePath: string, backupFile: string, now: Date): RestoreResult {
  if (!existsSync(backupFile)) throw new BackupError(`${backupFile} does not exist.`);
  createFolderPrivately(databasePath);
  const lock = takeExclusively(databasePath);
  if (lock === 'in-use') {
    throw new BackupError(
      `A Guestlist process (serve or worker) is using ${databasePath}. Stop it, then restore; nothing was changed.`,
    );
  }
  const incoming = `${databasePath}.restoring-${process.pid}`;
  try {
    copyFileSync(backupFile, incoming, constants.COPYFILE_EXCL);
    chmodSync(incoming, 0o600); // like the database it replaces (adapters/store/sqlite.ts)
    const { requests } = inspect(incoming, basename(backupFile));
    flush(incoming);
    const keptAside = moveAside(databasePath, now);
    renameSync(incoming, databasePath);
    return { requests, keptAside };
  } catch (error) {
    rmSync(incoming, { force: true });
    throw error;
  } finally {
    lock.release();
  }
}

/** Checks `file` is an intact Guestlist database this version can run; counts its requests. */
function inspect(file: string, name: string): { requests: number } {
  let db: sqlite.DatabaseSync | null = null;
  try {
    db = new sqlite.DatabaseSync(file);
    const problems = db.prepare('pragma integrity_check').all() as Array<{ integrity_check: string }>;
    if (problems[0]?.integrity_check !== 'ok') {
      throw new BackupError(`${name} is damaged (${problems.map((p) => p.integrity_check).join('; ')}).`);
    }
    const migrations = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name in ('kysely_migration', 'access_requests')",
      )
      .all();
    if (migrations.length < 2) throw new BackupError(`${name} is a SQLite database, but not Guestlist's.`);
    const applied = (db.prepare('select name from kysely_migration').all() as Array<{ name: string }>).map(
      (row) => row.name,
    );
    const unknown = applied.filter((migration) => !(migration in MIGRATIONS));
    if (unknown.length > 0) {
      throw new BackupError(
        `${name} comes from a newer Guestlist (migration ${unknown.join(', ')} is unknown here): ` +
          'restore it with that version or a later one.',
      );
    }
    const row = db.prepare('select count(*) as n from access_requests').get() as { n: number };
    return { requests: Number(row.n) };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    // SQLITE_NOTADB (26): "file is not a database".
    throw new BackupError(`${name} is not a SQLite database (${(error as Error).message}).`);
  } finally {
    if (db) closeQuietly(db);
  }
}

/** Renames the database and its -wal and -shm to `<name>.before-restore-<time>`, keeping them a set. */
function moveAside(databasePath: string, now: Date): string | null {
  // A -wal without its database too: SQLite would replay a stray log into the restored file.
  const present = ['', '-wal', '-shm'].filter((suffix) => existsSync(databasePath + suffix));
  if (present.length === 0) return null;
  // Milliseconds too: two restores within a second must not overwrite the first one's copy.
  const aside = `${databasePath}.before-restore-${now.toISOString().replace(/:/g, '-')}`;
  // SQLite finds a database's log by its name plus -wal: renamed together, the copy kept
  // aside still opens with every commit its log held (after a crash, not yet checkpointed).
  for (const suffix of present) renameSync(databasePath + suffix, aside + suffix);
  return aside;
}

/** The copy is on disk before it takes the database's name. */
function flush(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
