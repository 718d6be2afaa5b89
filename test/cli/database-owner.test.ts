// A sandbox database never meets a real tenant: a sandbox run takes a request to `invited`;
// the same database started in Entra mode (against the emulator as Entra, with the settings
// `guestlist emulator` prints) is refused in one line, and the request is not touched;
// `guestlist sandbox clear --yes` empties it, and then Entra mode starts.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { runEmulatorCommand } from '../../src/cli/emulator-command.ts';
import { checkDatabaseOwner, DatabaseOwnerError } from '../../src/domain/database-owner.ts';
import { startGuestlist } from '../helpers/process.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { adminApi, startSandboxGuestlist } from '../helpers/sandbox.ts';

const TENANT_A = '0f0f0f0f-1111-2222-3333-444444444444';

test('the owner check: the sandbox, tenant A and tenant B each refuse the others', () => {
  checkDatabaseOwner('sandbox', { kind: 'sandbox' });
  checkDatabaseOwner(`entra:${TENANT_A}`, { kind: 'entra', tenantId: TENANT_A.toUpperCase() });
  assert.throws(
    () => checkDatabaseOwner('sandbox', { kind: 'entra', tenantId: TENANT_A }),
    (error: unknown) =>
      error instanceof DatabaseOwnerError &&
      /belongs to the sandbox, not to Entra tenant 0f0f.*guestlist sandbox clear --yes/.test(error.message),
  );
  assert.throws(
    () => checkDatabaseOwner(`entra:${TENANT_A}`, { kind: 'entra', tenantId: 'aaaaaaaa-1111-2222-3333-444444444444' }),
    /belongs to Entra tenant 0f0f0f0f-.*not to Entra tenant aaaaaaaa-.*set GUESTLIST_DATA_DIR \(or DATABASE_URL\) to the database of this deployment/,
  );
  assert.throws(() => checkDatabaseOwner(`entra:${TENANT_A}`, { kind: 'sandbox' }), /not to the sandbox/);
});

test('a sandbox database is refused in Entra mode, untouched, until sandbox clear', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-owner-'));
  removeAfter(t, dir);
  const databaseUrl = `sqlite:${dir}/gl.db`;

  // 1. The sandbox: a request approved and invited.
  const sandbox = await startSandboxGuestlist(dir, { GUESTLIST_SANDBOX_LAG_SECONDS: '0' });
  let id = '';
  try {
    const api = await adminApi(sandbox);
    const submitted = await api('POST', '/api/v1/access-requests', {
      email: 'ada@fabrikam.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    id = String(submitted.body.id);
    assert.equal((await api('POST', `/api/v1/access-requests/${id}/approve`)).status, 200);
    for (let i = 0; i < 200; i += 1) {
      if ((await api('GET', `/api/v1/access-requests/${id}`)).body.status === 'invited') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await api('GET', `/api/v1/access-requests/${id}`)).body.status, 'invited');
  } finally {
    await sandbox.stop();
  }

  // 2. The emulator as Entra, on its own data folder; its printed settings, but the sandbox's database.
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const stop = new AbortController();
  const emulatorDir = path.join(dir, 'entra-emulator');
  const running = runEmulatorCommand(['--port', '0', '--data-dir', emulatorDir], out, stop.signal, dir);
  t.after(() => {
    stop.abort();
    return running;
  });
  while (!text.includes('DATABASE_URL=')) await new Promise((resolve) => setTimeout(resolve, 10));
  const env = {
    ...Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ),
    DATABASE_URL: databaseUrl,
    GUESTLIST_DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'info',
  };

  const refused = await startGuestlist(t, ['serve'], env);
  assert.equal(await refused.exited, 1);
  const lines = refused.output().trim().split('\n');
  assert.equal(lines.length, 1, refused.output());
  assert.match(lines[0]!, /^this database belongs to the sandbox, not to Entra tenant .*guestlist sandbox clear --yes/);
  const db = await openDatabase(databaseUrl);
  try {
    const request = await db.store.getRequest(id);
    assert.equal(request?.status, 'invited', 'nothing was marked revoked or expired');
    assert.equal((await db.store.listAudit(id)).at(-1)?.toStatus, 'invited');
  } finally {
    await db.close();
  }

  const cleared = await startGuestlist(t, ['sandbox', 'clear', '--yes'], env);
  assert.equal(await cleared.exited, 0, cleared.output());
  assert.match(
    cleared.output(),
    /Cleared the sandbox database SQLite .*gl\.db \(\d+ tables dropped\) and the emulated directory/,
  );
  const again = await startGuestlist(t, ['sandbox', 'clear', '--yes'], env);
  assert.equal(await again.exited, 1, 'now it is not a sandbox database: refused');

  const serve = await startGuestlist(t, ['serve'], env);
  const url = /"url":"(http:\/\/[^"]+)"/.exec(await serve.line(/"url":"http:/, 60_000))![1]!;
  assert.match(serve.output(), /"mode":"entra"/);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
});
