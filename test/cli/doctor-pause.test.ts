// `guestlist doctor` says when provisioning is paused, why, and the fix, from the database.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { runDoctor } from '../../src/cli/doctor.ts';
import { loadConfig } from '../../src/config.ts';
import { removeAfter } from '../helpers/remove-after.ts';

async function doctorOn(databaseUrl: string): Promise<{ code: number; output: string }> {
  let output = '';
  const config = { ...loadConfig({ DATABASE_URL: databaseUrl }), entra: null, mode: 'sandbox' as const };
  const write = (s: string) => {
    output += s;
  };
  const code = await runDoctor({ config, out: { write } });
  return { code, output };
}

test('a paused tenant is one ✗ line with the reason, then the fix; running is ✓', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'guestlist-doctor-'));
  removeAfter(t, dir);
  const url = `sqlite:${join(dir, 'guestlist.db')}`;
  const db = await openDatabase(url);
  await db.migrate();
  try {
    assert.match((await doctorOn(url)).output, /^✓ Provisioning is running \(not paused\)\.$/m);
    await db.store.pauseDirectory({
      since: new Date('2026-03-01T09:00:00.000Z'),
      reason: 'Authorization_RequestDenied: Insufficient privileges to complete the operation. · HTTP 403',
      fix: 'Grant the app its Microsoft Graph application permissions with admin consent.',
      code: 'Authorization_RequestDenied',
      operation: 'invite',
      nextProbeAt: new Date('2026-03-01T09:01:00.000Z'),
    });
  } finally {
    await db.close();
  }
  const { code, output } = await doctorOn(url);
  assert.equal(code, 1);
  assert.match(
    output,
    /^✗ Provisioning is paused since 2026-03-01T09:00:00\.000Z: Authorization_RequestDenied: Insufficient privileges.*\n {4}→ Grant the app its Microsoft Graph application permissions with admin consent\. Provisioning resumes by itself/m,
  );
});
