// Review: upgrading PostgreSQL from the previous release (0005) must not hold the locks of
// the early migrations (ALTER TABLE: ACCESS EXCLUSIVE on jobs, access_requests…) while
// 0012 builds its indexes on the big tables. Kysely's migrateToLatest ran every pending
// migration in one transaction, so the running service could not even read its jobs or
// requests until the last index was built. Here 0012 is held at audit_events (another
// session holds a lock that conflicts with CREATE INDEX) while a third session reads.
// (0012's own DROP INDEX still blocks reads of access_requests until 0012 commits: reported.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { databaseFactories } from '../helpers/databases.ts';

const factory = databaseFactories.find((each) => each.name === 'postgres');

test('while 0012 builds its indexes, the service can still read and claim its jobs and check its tokens', {
  skip: !factory,
}, async (t) => {
  const opened = await factory!.open({ migrate: false });
  t.after(() => opened.close());
  const { db } = opened;
  await db.migrate('0005_directory_pause');
  const url = new URL(opened.url!);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = async () => {
    const c = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
    await c.connect();
    t.after(() => c.end());
    return c;
  };
  const locker = await client();
  await locker.query('begin');
  await locker.query('lock table audit_events in row exclusive mode');
  const migrating = db.migrate();
  migrating.catch(() => {});
  const watcher = await client();
  // Wait until the migration is waiting for audit_events (it reached 0012's last index).
  for (let i = 0; ; i++) {
    const { rows } = await watcher.query(
      `select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
        join pg_namespace n on n.oid = c.relnamespace
        where not l.granted and c.relname = 'audit_events' and n.nspname = $1`,
      [schema],
    );
    if (rows[0].n > 0) break;
    assert.ok(i < 1200, 'the migration never reached audit_events');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const reader = await client();
  await reader.query('set statement_timeout = 2000');
  try {
    await reader.query('select count(*) from jobs');
    await reader.query('select count(*) from api_tokens');
    await reader.query('update jobs set attempts = attempts where false');
  } finally {
    await locker.query('rollback');
    await migrating;
  }
  assert.equal(await db.store.isReady(), true);
});
