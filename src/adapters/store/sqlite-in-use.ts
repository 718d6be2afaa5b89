// Whether a Guestlist process (serve, worker) is using a SQLite database, so `guestlist
// restore` never swaps the file under a running server.
//
// Why an operating-system lock and not a pid file: a pid file outlives a crash (SIGKILL,
// OOM, power loss), and in a container the next process often gets the very same pid, so
// a stale file would look alive. A lock held by an open file is released by the kernel
// when its process dies, however it dies. Node has no flock(), but SQLite takes POSIX
// locks for us: each running process keeps a read transaction open on a small side file
// (`<database>.in-use`, an ordinary rollback-journal database), which holds a SHARED lock
// for as long as the process lives. Several processes share it; `restore` asks for an
// EXCLUSIVE lock without waiting, and SQLite says BUSY while any of them runs.
//
// The side file, not the database itself: the database is in WAL mode, whose readers hold
// no lock on the main file, and a long read transaction there would stop checkpoints.
import { DatabaseSync } from 'node:sqlite';
import { createPrivately } from './sqlite.ts';

/** The side file next to the database file. */
export function inUsePath(databasePath: string): string {
  return `${databasePath}.in-use`;
}

/** Marks the database in use until the returned function is called or the process ends. */
export function holdInUse(databasePath: string): () => void {
  const db = openSideFile(databasePath);
  try {
    // Another process starting or a restore checking at the same moment holds the lock
    // for a few milliseconds; wait for it rather than fail.
    db.exec('pragma busy_timeout = 5000');
    db.exec('create table if not exists holder (note text)');
    db.exec('begin');
    db.prepare('select count(*) from holder').get(); // the SHARED lock, kept until rollback
  } catch (error) {
    db.close();
    throw new Error(`Could not mark ${databasePath} in use (is a restore running?): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return () => {
    try {
      db.exec('rollback');
    } finally {
      db.close();
    }
  };
}

/**
 * Takes the database for an offline change (restore): null when no process holds it,
 * then `release` must be called; 'in-use' when a running process does.
 */
export function takeExclusively(databasePath: string): { release(): void } | 'in-use' {
  const db = openSideFile(databasePath);
  try {
    db.exec('pragma busy_timeout = 0');
    db.exec('create table if not exists holder (note text)');
    db.exec('begin exclusive');
  } catch (error) {
    db.close();
    if (/locked|busy/i.test((error as Error).message)) return 'in-use';
    throw error;
  }
  return {
    release() {
      try {
        db.exec('rollback');
      } finally {
        db.close();
      }
    },
  };
}

/**
 * Opens the side file, creating it (and the database's folder, on a first start: the lock is
 * taken before the database is opened, so a restore cannot slip in between) the way the
 * database is created: 0600 whatever the umask. A file SQLite created under a umask such
 * as 277 would be read-only to the next process, which could then take no lock to write.
 */
function openSideFile(databasePath: string): DatabaseSync {
  createPrivately(inUsePath(databasePath));
  return new DatabaseSync(inUsePath(databasePath));
}
