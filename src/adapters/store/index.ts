// The database: Store + JobQueue over SQLite (embedded default) or PostgreSQL.
//   sqlite:./data/guestlist.db   sqlite:/abs/path.db   sqlite::memory:
//   postgres://user@host/db?schema=name   (also postgresql://; `schema` sets search_path)
// Open one Database per process and share it between the web server and the worker.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  JobQueue,
  LocalAdminStore,
  PersonalDataStore,
  QueueStats,
  RequestQueries,
  ServerSecretStore,
  SessionStore,
  Store,
} from '../../ports.ts';
import { codecFor } from './codec.ts';
import type { StoreContext } from './context.ts';
import { createPersonalDataStore } from './erasure.ts';
import { createJobQueue } from './job-queue.ts';
import { createLocalAdminStore, createServerSecretStore } from './local-admins.ts';
import { migrateToLatest, migrationsApplied } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import { createQueries } from './queries.ts';
import { createQueueStats } from './queue-stats.ts';
import { dropAllTables } from './reset.ts';
import type { DialectKind, Tables } from './schema.ts';
import { createSessionStore } from './sessions.ts';
import { closeQuietly, openSqliteFile, sqliteKysely, sqlitePath } from './sqlite.ts';
import { createStore } from './store.ts';
import { Listeners, watchSqliteCommits } from './wake.ts';

export interface Database {
  kind: DialectKind;
  store: Store;
  jobs: JobQueue;
  /** The read side: lists, search, counts. */
  queries: RequestQueries;
  /** The queue per job kind, for metrics. */
  queueStats: QueueStats;
  /** Console sessions. */
  sessions: SessionStore;
  /** Break-glass local admins. */
  localAdmins: LocalAdminStore;
  /** Secrets Guestlist generated for itself (the cookie-signing key), and which deployment the database belongs to. */
  serverSecrets: ServerSecretStore;
  /** Personal data erasure. */
  personalData: PersonalDataStore;
  /**
   * Applies pending migrations. Idempotent; safe when several processes start at once.
   * `upTo` stops after that migration (tests of an upgrade from an older version).
   */
  migrate(upTo?: string): Promise<void>;
  /** Drops every table (`guestlist sandbox clear`); returns how many there were. */
  dropAllTables(): Promise<number>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  logger?: { warn(obj: object, msg?: string): void };
  /** PostgreSQL only: the schema to work in (search_path), as the `schema` URL parameter. */
  schema?: string;
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) {
    const path = sqlitePath(url);
    const file = openSqliteFile(path);
    // An in-memory database has no other process to hear from.
    const watch = path === ':memory:' ? null : () => watchSqliteCommits(file, () => listeners.fire());
    const listeners = new Listeners(watch);
    const afterClose = () => closeQuietly(file); // Kysely closes it only if it ever ran a query
    return assemble('sqlite', sqliteKysely(file), listeners, { resolveSchema: async () => null, afterClose });
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const pg = openPostgres(url, options);
    return assemble('postgres', pg.db, pg.listeners, { resolveSchema: pg.resolveSchema });
  }
  // Never echo the URL: it may carry a password.
  throw new Error('DATABASE_URL must start with sqlite:, postgres:// or postgresql://.');
}

function assemble(
  kind: DialectKind,
  db: Kysely<Tables>,
  listeners: Listeners,
  hooks: { resolveSchema(): Promise<string | null>; afterClose?(): void },
): Database {
  const ctx: StoreContext = { db, kind, codec: codecFor(kind), listeners, newId: randomUUID };
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await listeners.close();
      await db.destroy();
      hooks.afterClose?.();
    })();
    return closing;
  };
  const store = createStore(ctx, { isReady: () => migrationsApplied(db), close });
  return {
    kind,
    store,
    jobs: createJobQueue(ctx),
    queries: createQueries(ctx),
    queueStats: createQueueStats(ctx),
    sessions: createSessionStore(ctx),
    localAdmins: createLocalAdminStore(ctx),
    serverSecrets: createServerSecretStore(ctx),
    personalData: createPersonalDataStore(ctx),
    async migrate(upTo?: string) {
      await migrateToLatest(db, kind, await hooks.resolveSchema(), upTo);
    },
    dropAllTables: () => dropAllTables(db, kind),
    close,
  };
}
