// Review (issue 8, sandbox clear / sandbox-lock.ts): `sandbox clear --yes` is kept away from a
// running sandbox only by the pid file emulator/guestlist.lock. Across containers sharing the
// data volume (the Dockerfile's own `docker run --rm -v guestlist-data:/data guestlist …`
// recipe) the holder's pid is in another pid namespace: `process.kill(pid, 0)` says ESRCH (or,
// both being PID 1, `holder === process.pid`), the lock is "taken over", and every table is
// dropped under the running server. The kernel-held SQLite in-use lock that restore relies on
// (sqlite-in-use.ts, written for exactly this pid-reuse problem) is not consulted. Simulated
// here by rewriting the lock's pid to one that does not exist in this namespace.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startGuestlist } from '../helpers/process.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { adminApi, startSandboxGuestlist } from '../helpers/sandbox.ts';

test('sandbox clear is refused while a sandbox server (in another pid namespace) holds the database', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-review-clear-'));
  const sandbox = await startSandboxGuestlist(dir, { GUESTLIST_SANDBOX_LAG_SECONDS: '0' });
  t.after(() => sandbox.stop());
  removeAfter(t, dir);
  const api = await adminApi(sandbox);
  const submitted = await api('POST', '/api/v1/access-requests', {
    email: 'ada@fabrikam.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
  });
  assert.equal(submitted.status, 202);
  // The server's pid as another container's namespace shows it: not a process here.
  await writeFile(path.join(dir, 'emulator', 'guestlist.lock'), '4194301\n');

  const clear = await startGuestlist(t, ['sandbox', 'clear', '--yes'], {
    DATABASE_URL: `sqlite:${dir}/gl.db`,
    GUESTLIST_DATA_DIR: dir,
  });
  const code = await clear.exited;
  const stillThere = await sandbox.db.store.getRequest(String(submitted.body.id)).catch((error: Error) => error);
  assert.notEqual(code, 0, `cleared under a running server: ${clear.output()}`);
  assert.ok(!(stillThere instanceof Error), `the running server lost its tables: ${String(stillThere)}`);
});
