// `guestlist backup` and `guestlist restore` as an operator runs them: real processes on
// one data folder. A backup taken while the server takes submissions holds every request
// acknowledged before it began; restored into a fresh folder, a server started there
// serves them. Restore refuses while a server runs, a file that is not a database, and a
// database from a newer Guestlist, changing nothing each time.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type TestContext, test } from 'node:test';
import { startGuestlist } from '../helpers/process.ts';
import { removeAfter } from '../helpers/remove-after.ts';

const base = { LOG_LEVEL: 'info', PORT: '0', GUESTLIST_SUBMISSIONS_PER_MINUTE: '100000' };

async function folder(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-backup-'));
  removeAfter(t, dir);
  return dir;
}

/** Runs one CLI command against `dataDir` to its end. */
async function cli(t: TestContext, args: string[], dataDir: string, env: Record<string, string> = {}) {
  const run = await startGuestlist(t, args, { GUESTLIST_DATA_DIR: dataDir, ...env });
  const code = await run.exited;
  return { code, output: run.output() };
}

async function serve(t: TestContext, dataDir: string) {
  const server = await startGuestlist(t, ['serve'], { ...base, GUESTLIST_DATA_DIR: dataDir });
  const url = /"url":"(http:\/\/[^"]+)"/.exec(await server.line(/"url":"http:/, 60_000))![1]!;
  return { ...server, url };
}

async function submit(url: string, n: number): Promise<string> {
  const res = await fetch(`${url}/api/v1/access-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `person${n}@fabrikam.example`, firstName: 'Per', lastName: `Son ${n}` }),
  });
  assert.equal(res.status, 202);
  return ((await res.json()) as { id: string }).id;
}

test('a backup taken while requests pour in restores into a fresh folder with every acknowledged request', async (t) => {
  const live = await folder(t);
  const server = await serve(t, live);

  // Submissions keep arriving, one after another, before, during and after the backup.
  const acknowledged: string[] = [];
  let pouring = true;
  const pour = (async () => {
    for (let n = 0; pouring || acknowledged.length < 5; n++) acknowledged.push(await submit(server.url, n));
  })();
  while (acknowledged.length < 5) await new Promise((done) => setTimeout(done, 20));
  const before = [...acknowledged];
  const file = path.join(await folder(t), 'guestlist-backup.db');
  const backup = await cli(t, ['backup', file], live);
  pouring = false;
  await pour;
  assert.equal(backup.code, 0, backup.output);
  assert.match(backup.output, /Backed up .*guestlist\.db to .*guestlist-backup\.db: \d+ requests/);
  assert.ok(existsSync(file));
  assert.deepEqual(
    readdirSync(path.dirname(file)).filter((name) => name.includes('partial')),
    [],
    'no partial file is left behind',
  );

  // While the server runs, restore is refused and the live database is left alone.
  const refused = await cli(t, ['restore', file], live);
  assert.equal(refused.code, 1);
  assert.match(refused.output, /A Guestlist process \(serve or worker\) is using .*guestlist\.db\. Stop it/);
  assert.deepEqual(
    readdirSync(live).filter((name) => name.includes('before-restore') || name.includes('restoring')),
    [],
  );
  await submit(server.url, 10_000); // the server still writes to its database

  // Into a fresh folder: the requests acknowledged before the backup began are all there.
  const fresh = await folder(t);
  const restored = await cli(t, ['restore', file], fresh);
  assert.equal(restored.code, 0, restored.output);
  assert.match(restored.output, /Restored .* \d+ requests/);
  assert.doesNotMatch(restored.output, /kept as/, 'a fresh folder had nothing to keep aside');
  const token = (await cli(t, ['token', 'create', 'restore-check', '--role', 'admin'], fresh)).output.split('\n')[0]!;
  const second = await serve(t, fresh);
  for (const id of before) {
    const res = await fetch(`${second.url}/api/v1/access-requests/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, `request ${id} is in the restored database`);
  }
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);

  // Once stopped, a restore over it keeps the database that was there aside, with the time.
  const again = await cli(t, ['restore', file], fresh);
  assert.equal(again.code, 0, again.output);
  const aside = /kept as (\S+guestlist\.db\.before-restore-\S+)\.\n/.exec(again.output)?.[1];
  assert.ok(aside && existsSync(aside), again.output);
  const kept = new DatabaseSync(aside);
  const tokens = kept.prepare("select count(*) as n from api_tokens where name = 'restore-check'").get() as {
    n: number;
  };
  kept.close();
  assert.equal(Number(tokens.n), 1, 'the copy kept aside is the database that was in place, token included');
});

test('restore refuses a file that is not a Guestlist database, or one from a newer version, and changes nothing', async (t) => {
  const dir = await folder(t);
  const data = path.join(dir, 'data');
  const notDatabase = path.join(dir, 'notes.txt');
  writeFileSync(notDatabase, 'these are not the pages you are looking for\n'.repeat(100));
  const text = await cli(t, ['restore', notDatabase], data);
  assert.equal(text.code, 1);
  assert.match(text.output, /notes\.txt is not a SQLite database/);

  const other = path.join(dir, 'other.db');
  const db = new DatabaseSync(other);
  db.exec('create table notes (body text)');
  db.close();
  const foreign = await cli(t, ['restore', other], data);
  assert.equal(foreign.code, 1);
  assert.match(foreign.output, /other\.db is a SQLite database, but not Guestlist's/);

  // A real backup, then one migration this build does not know.
  const source = path.join(dir, 'source');
  assert.equal((await cli(t, ['migrate'], source)).code, 0);
  const newer = path.join(dir, 'newer.db');
  assert.equal((await cli(t, ['backup', newer], source)).code, 0);
  const future = new DatabaseSync(newer);
  future.exec("insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01')");
  future.close();
  const tooNew = await cli(t, ['restore', newer], data);
  assert.equal(tooNew.code, 1);
  assert.match(tooNew.output, /comes from a newer Guestlist \(migration 9999_from_the_future is unknown here\)/);

  assert.deepEqual(
    readdirSync(data).filter((name) => !name.endsWith('.in-use')),
    [],
    'nothing was put in place',
  );
  assert.equal(readFileSync(notDatabase, 'utf8').length, 4400, 'the file given is untouched');

  // A log left without its database (a crash, a hand-deleted file) must not be replayed
  // into the restored one: it is moved aside with the rest.
  const valid = path.join(dir, 'valid.db');
  assert.equal((await cli(t, ['backup', valid], source)).code, 0);
  writeFileSync(path.join(data, 'guestlist.db-wal'), 'a stray log');
  const restored = await cli(t, ['restore', valid], data);
  assert.equal(restored.code, 0, restored.output);
  const aside = /kept as (\S+)\.\n/.exec(restored.output)?.[1];
  assert.ok(aside);
  assert.equal(readFileSync(`${aside}-wal`, 'utf8'), 'a stray log');
  assert.equal(existsSync(path.join(data, 'guestlist.db-wal')), false);
});

test('backup and restore send PostgreSQL deployments to PostgreSQL tools; both need exactly one FILE', async (t) => {
  const dir = await folder(t);
  const postgres = { DATABASE_URL: 'postgres://guestlist@db.invalid/guestlist' };
  for (const command of ['backup', 'restore']) {
    const run = await cli(t, [command, path.join(dir, 'x.db')], dir, postgres);
    assert.equal(run.code, 1);
    assert.match(run.output, /PostgreSQL/);
    assert.match(run.output, command === 'backup' ? /pg_dump/ : /pg_restore/);
    assert.match(run.output, /point-in-time restore/);
    const usage = await cli(t, [command], dir);
    assert.equal(usage.code, 2);
    assert.match(usage.output, new RegExp(`Usage: guestlist ${command} FILE`));
  }
  const existing = path.join(dir, 'taken.db');
  writeFileSync(existing, 'keep me');
  assert.equal((await cli(t, ['migrate'], dir)).code, 0);
  const overwrite = await cli(t, ['backup', existing], dir);
  assert.equal(overwrite.code, 1);
  assert.match(overwrite.output, /already exists/);
  assert.equal(readFileSync(existing, 'utf8'), 'keep me');
});
