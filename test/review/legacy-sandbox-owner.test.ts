// Review (issue 8, "a sandbox database reused in Entra mode"): the owner check is a marker
// row written at the first start of *this* version; the databases the issue is about were
// made by the previous one, hold sandbox-invited requests and no marker, and the first Entra
// start writes `entra:<tenant>` over nothing and goes on (checkDatabaseOwner never looks at
// the data: src/main.ts getOrCreate(DATABASE_OWNER_KEY, ownerKey(owner))).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { runEmulatorCommand } from '../../src/cli/emulator-command.ts';
import { startGuestlist } from '../helpers/process.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { adminApi, startSandboxGuestlist } from '../helpers/sandbox.ts';

test('a sandbox database from before the owner row existed (an upgrade) is still refused in Entra mode', async (t) => {
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

  // 1b. As a database the previous version made: everything but the owner row (new in this change).
  {
    const db = await openDatabase(databaseUrl);
    try {
      await db.serverSecrets.getOrCreate('database-owner', 'sandbox');
    } finally {
      await db.close();
    }
    const { DatabaseSync } = await import('node:sqlite');
    const raw = new DatabaseSync(`${dir}/gl.db`);
    raw.prepare("delete from server_secrets where name = 'database-owner'").run();
    raw.close();
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
  const started = await Promise.race([
    refused.exited.then(() => false),
    refused.line(/"url":"http:/, 60_000).then(() => true),
  ]);
  if (started) {
    refused.child.kill('SIGTERM');
    await refused.exited;
  }
  assert.equal(started, false, `serve started in Entra mode on a sandbox database:\n${refused.output()}`);
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
});
