// Start-up failures a person can fix, each said in one line that names the cause and the
// fix (main.ts prints it and exits 1): a busy port, a data folder Guestlist cannot use, a
// database it cannot open. Anything else returns null and keeps its stack: it is a bug.
// A PostgreSQL URL is only ever shown as its host, port and database: never the password.
import type { Config } from '../config.ts';
import { RefusedStartError } from '../domain/refused-start.ts';
import { postgresPlace } from './database-place.ts';

interface SystemError {
  code?: unknown;
  errcode?: unknown;
  path?: unknown;
  address?: unknown;
  port?: unknown;
  message?: unknown;
}

const FOLDER_CODES = new Set(['EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'EROFS', 'ENOSPC']);
// SQLite's primary result codes (https://sqlite.org/rescode.html).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/**
 * @param settings the settings, read only when the error needs them: the port and address
 *   come from the error itself (the emulator's `--port` is not PORT), and a command that
 *   never read the server's settings must not fail on them here.
 */
export function describeStartupError(error: unknown, settings: () => Readonly<Config>): string | null {
  if (error instanceof RefusedStartError) return error.message;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as SystemError;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'EADDRINUSE') {
    const port = typeof e.port === 'number' ? e.port : settings().port;
    return `port ${port} is in use: stop the other process, or choose a free port (PORT and GUESTLIST_PUBLIC_URL for the server, --port for the emulator).`;
  }
  if (code === 'EADDRNOTAVAIL') {
    const host = typeof e.address === 'string' ? e.address : settings().host;
    return `${host} is not an address of this machine: set HOST (or --host) to one of its addresses (or 0.0.0.0).`;
  }
  const config = settings();
  if (FOLDER_CODES.has(code) && typeof e.path === 'string') {
    return (
      `cannot use ${e.path} (${code}): the data folder must be a folder this user can read and write; ` +
      `fix its owner or permissions, or set GUESTLIST_DATA_DIR (data folder ${config.dataDir}) or DATABASE_URL.`
    );
  }
  if (config.databaseUrl.startsWith('sqlite:')) return describeSqlite(e, config.databaseUrl.slice('sqlite:'.length));
  return describePostgres(e, code, config.databaseUrl);
}

function describeSqlite(e: SystemError, file: string): string | null {
  if (e.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return null;
  const primary = e.errcode & 0xff; // extended codes keep the primary code in the low byte
  if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) {
    return (
      `the database ${file} is locked: another guestlist (or another program) holds it. ` +
      'Stop it, or give this one its own GUESTLIST_DATA_DIR or DATABASE_URL.'
    );
  }
  if (primary === SQLITE_NOTADB || primary === SQLITE_CORRUPT) {
    return (
      `the database ${file} is not a readable SQLite database (${String(e.message)}): ` +
      'restore it from a backup, or move it away to start with a new one.'
    );
  }
  if (primary === SQLITE_CANTOPEN) {
    return `cannot open the database ${file}: check that its folder exists and this user may write there, or set DATABASE_URL.`;
  }
  return null;
}

// PostgreSQL error classes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const PG_AUTH = new Set(['28000', '28P01']);
const PG_NO_DATABASE = '3D000';
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

function describePostgres(e: SystemError, code: string, url: string): string | null {
  const where = postgresPlace(url);
  if (NETWORK_CODES.has(code) || isAggregateOf(e, NETWORK_CODES)) {
    return `cannot reach PostgreSQL at ${where} (${code || 'connection failed'}): start it, or check the host and port in DATABASE_URL.`;
  }
  if (PG_AUTH.has(code)) {
    return `PostgreSQL at ${where} refused the login (${String(e.message)}): check the user and password in DATABASE_URL.`;
  }
  if (code === PG_NO_DATABASE) {
    return `PostgreSQL at ${where}: ${String(e.message)}. Create it (createdb) or fix the name in DATABASE_URL.`;
  }
  return null;
}

function isAggregateOf(e: SystemError, codes: Set<string>): boolean {
  const errors = (e as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.some((inner) => codes.has((inner as SystemError).code as string));
}
