import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { hashToken } from '../../src/app/secret-tokens.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/guestlist.js');

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: tmpdir() }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

test('token create prints the token alone on stdout, once, and stores only its hash', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-token-'));
  const env = { DATABASE_URL: `sqlite:${path.join(dir, 'gl.db')}` };
  const result = await cli(['token', 'create', '--name', 'ops', '--role', 'approver'], env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^gl_[A-Za-z0-9_-]{43}\n$/);
  assert.match(result.stderr, /cannot be shown again/);
  const token = result.stdout.trim();

  const db = await openDatabase(env.DATABASE_URL);
  try {
    const found = await db.store.useApiToken(hashToken(token), new Date());
    assert.deepEqual({ name: found?.name, role: found?.role }, { name: 'ops', role: 'approver' });
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
  assert.match(help.stdout, /token create --name NAME --role admin\|approver/);
});
