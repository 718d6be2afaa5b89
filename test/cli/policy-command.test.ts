// `guestlist policy check [--app SLUG] EMAIL`, run as an operator would: the deciding rule and
// every verdict, from the app's stored policy; bad input is told and changes nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { DEFAULT_POLICY } from '../../src/domain/approval-policy.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/guestlist.js');

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: tmpdir() }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'gl-policy-'));
const env = { DATABASE_URL: `sqlite:${path.join(dir, 'gl.db')}` };
const wiki = anApp({
  slug: 'partner-wiki',
  name: 'Partner wiki',
  policy: { ...DEFAULT_POLICY, blockedDomains: ['evil.example'] },
});

before(async () => {
  const db = await openDatabase(env.DATABASE_URL);
  await db.migrate();
  await db.store.insertApp(wiki, null);
  await db.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('policy check names the deciding rule and every verdict, for the app asked', async () => {
  const blocked = await cli(['policy', 'check', '--app', 'partner-wiki', 'Eve@Mail.Evil.Example'], env);
  assert.equal(blocked.code, 0, blocked.stderr);
  assert.match(blocked.stdout, /^App: Partner wiki \(partner-wiki\)\nAddress: eve@mail\.evil\.example\n/);
  assert.match(blocked.stdout, /Decision: blocked_domain, reject: .*evil\.example.*\(not shown to the requester\)/);
  assert.match(blocked.stdout, /1\. blocked_domain +reject .*<- decides/);
  assert.match(blocked.stdout, /6\. stages +ask 1 .*\(not reached\)/);
  // The default app (no --app) has the default policy: the admins are asked.
  const fallback = await cli(['policy', 'check', 'eve@evil.example'], env);
  assert.equal(fallback.code, 0, fallback.stderr);
  assert.match(fallback.stdout, /Decision: stages, ask stage 1/);
});

test('an unknown app, a bad address or a missing one is told, exit code 1 or 2', async () => {
  const unknown = await cli(['policy', 'check', '--app', 'nope', 'ann@fabrikam.com'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No app has the slug "nope"/);
  const bad = await cli(['policy', 'check', 'not-an-address'], env);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /needs a name, an @ and a domain/);
  const usage = await cli(['policy', 'check'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: guestlist policy check/);
});
