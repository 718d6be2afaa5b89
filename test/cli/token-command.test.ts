import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestContext, test } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { hashToken } from '../../src/app/secret-tokens.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { systemClock } from '../../src/main.ts';
import { httpDepsFor } from '../helpers/app.ts';
import { removeAfter } from '../helpers/remove-after.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/guestlist.js');

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: tmpdir() }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** A SQLite database in a folder of its own, removed after the test. */
function databaseIn(t: TestContext): { DATABASE_URL: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-token-'));
  removeAfter(t, dir);
  return { DATABASE_URL: `sqlite:${path.join(dir, 'gl.db')}` };
}

test('token create prints the token alone on stdout, once, and stores only its hash', async (t) => {
  const env = databaseIn(t);
  const result = await cli(['token', 'create', '--name', 'ops', '--role', 'approver'], env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^gl_[A-Za-z0-9_-]{43}\n$/);
  assert.match(result.stderr, /cannot be shown again/);
  assert.ok(result.stderr.includes(`in SQLite ${env.DATABASE_URL.slice('sqlite:'.length)},`), 'names the database');
  const token = result.stdout.trim();

  const db = await openDatabase(env.DATABASE_URL);
  try {
    const found = await db.store.useApiToken(hashToken(token), new Date());
    assert.deepEqual({ name: found?.name, role: found?.role }, { name: 'ops', role: 'approver' });
    assert.match(found?.createdBy ?? '', /^cli:./);
  } finally {
    await db.close();
  }

  const duplicate = await cli(['token', 'create', '--name', 'ops', '--role', 'admin'], env);
  assert.equal(duplicate.code, 1);
  assert.equal(duplicate.stdout, '');
  assert.match(duplicate.stderr, /already exists/);

  const badRole = await cli(['token', 'create', '--name', 'x', '--role', 'root'], env);
  assert.equal(badRole.code, 1);
  assert.match(badRole.stderr, /admin or approver/);
});

test('a bad setting stops the CLI with the setting named, and unknown commands are refused', async () => {
  const bad = await cli(['migrate'], { DATABASE_URL: 'mysql://db' });
  assert.equal(bad.code, 78);
  assert.match(bad.stderr, /DATABASE_URL: must start with sqlite: or postgres/);
  const unknown = await cli(['frobnicate'], {});
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  const help = await cli(['help'], {});
  assert.equal(help.code, 0);
  assert.match(help.stdout, /token create NAME --role admin\|approver \[--expires-in-days N\]/);
  assert.match(help.stdout, /token revoke ID\|NAME/);
});

test('token create with an expiry, list without the secret, revoke: the API refuses it', async (t) => {
  const env = databaseIn(t);
  const created = await cli(['token', 'create', 'ci-bot', '--role', 'admin', '--expires-in-days', '30'], env);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  assert.match(created.stderr, /valid until \d{4}-/);

  const listed = await cli(['token', 'list'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^ID +NAME +ROLE +CREATED \(UTC\) +EXPIRES \(UTC\) +LAST USED \(UTC\) +STATE\n/);
  assert.match(listed.stdout, /ci-bot +admin .* - +active\n$/);
  const json = await cli(['token', 'list', '--json'], env);
  const [entry] = JSON.parse(json.stdout) as { id: string; expiresAt: string; createdAt: string; state: string }[];
  assert.equal(Date.parse(entry!.expiresAt) - Date.parse(entry!.createdAt), 30 * 86_400_000);
  assert.equal(entry!.state, 'active');
  for (const output of [listed.stdout, json.stdout]) {
    assert.ok(!output.includes(token) && !output.includes(hashToken(token)), 'no secret, no hash');
  }

  const db = await openDatabase(env.DATABASE_URL);
  t.after(() => db.close());
  const app = await buildHttpApp(httpDepsFor(db, { clock: systemClock }));
  t.after(() => app.close());
  const call = () => app.inject({ url: '/api/v1/access-requests', headers: { authorization: `Bearer ${token}` } });
  assert.equal((await call()).statusCode, 200);

  const revoked = await cli(['token', 'revoke', entry!.id], env);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stderr, /Revoked token "ci-bot"/);
  assert.equal((await call()).statusCode, 401);
  const again = await cli(['token', 'revoke', 'ci-bot'], env);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /already revoked/);
  assert.match((await cli(['token', 'list'], env)).stdout, /ci-bot .* revoked\n$/);
});

test('token: unknown tokens, bad lifetimes and usage mistakes are refused clearly', async (t) => {
  const env = databaseIn(t);
  const unknown = await cli(['token', 'revoke', 'nobody'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /The token "nobody" was not found/);
  // One refused lifetime shows the CLI's answer; test/app/api-tokens.test.ts tries the others.
  const never = await cli(['token', 'create', 'x', '--role', 'admin', '--expires-in-days', 'never'], env);
  assert.equal(never.code, 1);
  assert.equal(never.stdout, '');
  assert.match(never.stderr, /1 to 365 days/);
  assert.match((await cli(['token', 'list'], env)).stdout, /No API tokens/);
  for (const args of [['revoke'], ['create', 'x'], ['list', '--colour'], ['revoke', 'x', '--json']]) {
    const usage = await cli(['token', ...args], env);
    assert.equal(usage.code, 2, args.join(' '));
    assert.match(usage.stderr, /Usage: guestlist token create NAME/);
  }
});
