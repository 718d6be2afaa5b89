// `guestlist request revoke ID [--reason TEXT] [--delete-guest]`, run as an operator would:
// the request is revoked with the revoke_access job, the history names `cli:<user>`, and
// what cannot be revoked or parsed changes nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/adapters/store/index.ts';
import type { Status } from '../../src/domain/lifecycle.ts';
import { anAudit, aRequest } from '../adapters/store/fixtures.ts';

const run = promisify(execFile);
const bin = path.resolve('bin/guestlist.js');

function cli(args: string[], env: Record<string, string>) {
  return run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: tmpdir() }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function databaseWith(status: Status) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-revoke-'));
  const url = `sqlite:${path.join(dir, 'gl.db')}`;
  const db = await openDatabase(url);
  await db.migrate();
  const request = aRequest({ status, directoryUserId: status === 'invited' ? 'user-1' : null });
  await db.store.insertRequest(request, anAudit(request), []);
  await db.close();
  return { url, id: request.id, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function inspect(url: string, id: string) {
  const db = await openDatabase(url);
  try {
    return {
      status: (await db.store.getRequest(id))?.status,
      audit: await db.store.listAudit(id),
      jobs: await db.jobs.listJobs(id),
    };
  } finally {
    await db.close();
  }
}

test('request revoke revokes with the reason, names the operator, and queues the removal', async (t) => {
  const { url, id, remove } = await databaseWith('invited');
  t.after(remove);
  const env = { DATABASE_URL: url };
  const result = await cli(['request', 'revoke', id, '--reason', 'Contract ended', '--delete-guest'], env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /is revoked: a worker removes its group memberships shortly, and deletes the guest/);
  const after = await inspect(url, id);
  assert.equal(after.status, 'revoked');
  const revoke = after.audit.find((entry) => entry.action === 'revoke');
  assert.equal(revoke?.actor, `cli:${userInfo().username}`);
  assert.match(revoke?.reason ?? '', /^Contract ended/);
  assert.deepEqual(
    after.jobs.map((job) => [job.kind, job.payload]),
    [['revoke_access', { deleteGuest: true }]],
  );

  const again = await cli(['request', 'revoke', id], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /A request that is revoked cannot be/);
  assert.equal((await inspect(url, id)).jobs.length, 1, 'no second job');
});

test('request revoke without --delete-guest keeps the guest; a state that cannot be revoked or bad usage changes nothing', async (t) => {
  const invited = await databaseWith('invited');
  t.after(invited.remove);
  const kept = await cli(['request', 'revoke', invited.id], { DATABASE_URL: invited.url });
  assert.equal(kept.code, 0, kept.stderr);
  assert.doesNotMatch(kept.stdout, /deletes the guest/);
  assert.deepEqual((await inspect(invited.url, invited.id)).jobs[0]?.payload, { deleteGuest: false });

  const pending = await databaseWith('pending_approval');
  t.after(pending.remove);
  const env = { DATABASE_URL: pending.url };
  const refused = await cli(['request', 'revoke', pending.id], env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /A request that is pending_approval cannot be/);
  const usages = [
    ['request', 'revoke'],
    ['request', 'revoke', pending.id, '--user', 'u'],
    ['request', 'resend', pending.id, '--delete-guest'],
    ['request', 'revoke', pending.id, '--reason'],
  ];
  const bad = await Promise.all(usages.map((args) => cli(args, env)));
  for (const [i, result] of bad.entries()) {
    assert.equal(result.code, 2, usages[i]?.join(' '));
    assert.match(result.stderr, /guestlist request revoke ID \[--reason TEXT\] \[--delete-guest\]/);
  }
  const missing = await cli(['request', 'revoke', '00000000-0000-4000-8000-000000000000'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /was not found/);
  const after = await inspect(pending.url, pending.id);
  assert.equal(after.status, 'pending_approval');
  assert.equal(after.audit.length, 1);
  assert.deepEqual(after.jobs, []);
});
