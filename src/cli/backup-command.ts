// `guestlist backup FILE` (online, while the server runs) and `guestlist restore FILE`
// (offline, refused while a server runs), for the embedded SQLite database only:
// PostgreSQL has its own tools, which these commands name instead. Exit codes as
// elsewhere: 2 for a usage mistake, 1 for a refusal (nothing changed).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, backupSqlite, restoreSqlite } from '../adapters/store/sqlite-backup.ts';
import type { Config } from '../config.ts';

const POSTGRES_BACKUP =
  'guestlist backup copies the embedded SQLite database; this deployment uses PostgreSQL (DATABASE_URL).\n' +
  'Back it up with PostgreSQL\'s tools: pg_dump --format=custom --file=guestlist.dump "$DATABASE_URL"\n' +
  '(restore with pg_restore), or, on Azure Database for PostgreSQL Flexible Server, its automated\n' +
  'backups and point-in-time restore (az postgres flexible-server restore). See README.md, "Backups".\n';

const POSTGRES_RESTORE =
  'guestlist restore puts back an embedded SQLite database; this deployment uses PostgreSQL (DATABASE_URL).\n' +
  'Restore a pg_dump with pg_restore --clean --if-exists --dbname="$DATABASE_URL" guestlist.dump, or use\n' +
  'point-in-time restore on Azure Database for PostgreSQL Flexible Server. See README.md, "Backups".\n';

export async function runBackup(args: string[], config: Readonly<Config>): Promise<number> {
  const file = oneFile(args, 'backup');
  if (!file) return 2;
  const database = sqliteFile(config, POSTGRES_BACKUP);
  if (!database) return 1;
  try {
    const result = await backupSqlite(database, file);
    if (result.method === 'vacuum-into') {
      process.stderr.write(
        `This Node.js (${process.version}) has no SQLite backup API (22.16+); the copy was taken with VACUUM INTO, just as consistent.\n`,
      );
    }
    process.stdout.write(
      `Backed up ${database} to ${file}: ${result.requests} requests, ${Math.ceil(result.bytes / 1024)} KB.\n`,
    );
    return 0;
  } catch (error) {
    return refusal(error);
  }
}

export async function runRestore(args: string[], config: Readonly<Config>): Promise<number> {
  const file = oneFile(args, 'restore');
  if (!file) return 2;
  const database = sqliteFile(config, POSTGRES_RESTORE);
  if (!database) return 1;
  try {
    const result = restoreSqlite(database, file, new Date());
    process.stdout.write(
      `Restored ${file} to ${database}: ${result.requests} requests.\n` +
        (result.keptAside ? `The database that was there is kept as ${result.keptAside}.\n` : '') +
        'Start Guestlist as usual; it applies any newer migrations at start.\n',
    );
    return 0;
  } catch (error) {
    return refusal(error);
  }
}

/** The one FILE argument, resolved; null (with the usage on stderr) for anything else. */
function oneFile(args: string[], command: 'backup' | 'restore'): string | null {
  try {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    if (positionals.length === 1 && positionals[0]) return path.resolve(positionals[0]);
  } catch {
    // an option: none is known
  }
  process.stderr.write(`Usage: guestlist ${command} FILE\n`);
  return null;
}

/** The SQLite file in use, or null (with the PostgreSQL advice) when there is none. */
function sqliteFile(config: Readonly<Config>, postgresAdvice: string): string | null {
  if (!config.databaseUrl.startsWith('sqlite:')) {
    process.stderr.write(postgresAdvice);
    return null;
  }
  const file = config.databaseUrl.slice('sqlite:'.length);
  if (file === ':memory:') {
    process.stderr.write('DATABASE_URL is sqlite::memory:, which keeps nothing to back up or restore.\n');
    return null;
  }
  return file;
}

function refusal(error: unknown): number {
  if (!(error instanceof BackupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  return 1;
}
