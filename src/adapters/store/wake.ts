// "A job may have become due": how a commit that inserted jobs reaches the worker.
// In this process the listeners are called right after the commit; other processes
// learn it through NOTIFY on PostgreSQL (postgres-listener.ts) or, on SQLite, by
// watching the file's data_version (below). A wake-up is only a hint: the worker
// always claims through the database, so a spurious or duplicate wake costs one query.
import type { DatabaseSync } from 'node:sqlite';

export type WakeListener = () => void;

/** Starts watching other processes' commits; returns how to stop. */
export type Watch = () => () => Promise<void> | void;

export class Listeners {
  readonly #listeners = new Set<WakeListener>();
  readonly #watch: Watch | null;
  #stopWatching: (() => Promise<void> | void) | null = null;
  #closed = false;

  /** `watch` runs only while someone listens: a web-only process pays nothing for it. */
  constructor(watch: Watch | null) {
    this.#watch = watch;
  }

  add(listener: WakeListener): () => void {
    // Wrapped so the same function may subscribe twice and unsubscribe each separately.
    const entry: WakeListener = () => listener();
    this.#listeners.add(entry);
    if (!this.#closed && this.#watch && !this.#stopWatching) this.#stopWatching = this.#watch();
    return () => {
      this.#listeners.delete(entry);
      if (this.#listeners.size === 0) void this.#unwatch();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#unwatch();
  }

  async #unwatch(): Promise<void> {
    const stop = this.#stopWatching;
    this.#stopWatching = null;
    await stop?.();
  }

  get size(): number {
    return this.#listeners.size;
  }

  fire(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure must not stop the others or the commit's caller.
      }
    }
  }
}

export const SQLITE_WATCH_INTERVAL_MS = 200;

/**
 * Calls `onChange` when another connection (another process: the CLI, a separate
 * worker) commits to the file. SQLite has no notifications; `pragma data_version`
 * changes exactly when some other connection has committed, and reading it only looks
 * at the WAL index in shared memory.
 */
export function watchSqliteCommits(db: DatabaseSync, onChange: () => void): () => void {
  const read = () => Number((db.prepare('pragma data_version').get() as { data_version: number }).data_version);
  let last = read();
  const timer = setInterval(() => {
    let now: number;
    try {
      now = read();
    } catch {
      return; // a transient lock or a closing database: look again next tick
    }
    if (now !== last) {
      last = now;
      onChange();
    }
  }, SQLITE_WATCH_INTERVAL_MS);
  timer.unref(); // never the reason the process stays alive
  return () => clearInterval(timer);
}
