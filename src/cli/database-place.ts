// Which database a command used, said to the person who ran it: the SQLite file, or the
// PostgreSQL host, port and database (and schema). Never the user or password of the URL.

export function databasePlace(url: string): string {
  if (url.startsWith('sqlite:')) return `SQLite ${url.slice('sqlite:'.length)}`;
  return `PostgreSQL ${postgresPlace(url)}`;
}

/** `host:port/database`, plus `?schema=` when set; without user or password. */
export function postgresPlace(url: string): string {
  try {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema');
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`;
  } catch {
    return 'the DATABASE_URL host';
  }
}
