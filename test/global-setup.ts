// Runs once around the whole test run (node --test --test-global-setup). PostgreSQL test
// schemas are dropped here, at the end, not by each test file: dropping a schema while
// another test process is migrating makes Kysely's catalogue introspection (which reads
// every schema) fail with "schema … does not exist".
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function globalSetup(): Promise<void> {
  // Test files (child processes) inherit it and prefix their schemas with it.
  process.env.GUESTLIST_TEST_RUN ??= randomBytes(4).toString('hex');
}

export async function globalTeardown(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  const run = process.env.GUESTLIST_TEST_RUN;
  if (!url || !run) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname like 'guestlist\\_test\\_' || $1 || '\\_%'",
      [run],
    );
    for (const { name } of rows) await client.query(`drop schema if exists "${name}" cascade`);
  } finally {
    await client.end();
  }
}
