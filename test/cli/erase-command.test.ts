// `guestlist erase --email` as an operator runs it: says what it erased, refuses (exit 1,
// erasing nothing) while a request of the address is open, exit 2 without --email.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { anAudit, aRequest } from '../adapters/store/fixtures.ts';
import { startGuestlist } from '../helpers/process.ts';

test('erase --email: refused while open, then erases and lists each request; the admin audit names the OS user', async (t) => {
  const probe = await startGuestlist(t, ['--version'], {});
  await probe.exited;
  const env = { DATABASE_URL: `sqlite:${probe.dir}/gl.db` };
  const db = await openDatabase(env.DATABASE_URL);
  const open = aRequest({ email: 'ada@fabrikam.com', status: 'pending_approval' });
  try {
    await db.migrate();
    await db.store.insertRequest(open, anAudit(open), []);
  } finally {
    await db.close();
  }
  const refused = await startGuestlist(t, ['erase', '--email', 'Ada@Fabrikam.com'], env);
  assert.equal(await refused.exited, 1);
  assert.match(refused.output(), new RegExp(`^Nothing was erased: ${open.id} is pending_approval\\. .*request revoke`));

  const again = await openDatabase(env.DATABASE_URL);
  try {
    await again.store.saveTransition({
      next: { ...open, status: 'rejected', updatedAt: new Date() },
      expectedStatus: 'pending_approval',
      audit: anAudit(open, { action: 'reject', fromStatus: 'pending_approval', toStatus: 'rejected' }),
      jobs: [],
    });
  } finally {
    await again.close();
  }
  const erased = await startGuestlist(t, ['erase', '--email', 'ada@fabrikam.com'], env);
  assert.equal(await erased.exited, 0, erased.output());
  assert.match(
    erased.output(),
    new RegExp(`Erased the personal data .* of 1 request\\(s\\) in SQLite .*gl\\.db:\\n  ${open.id} \\(rejected\\)`),
  );
  const audited = await openDatabase(env.DATABASE_URL);
  try {
    const [entry] = await audited.store.listAdminAudit(1);
    assert.equal(entry?.action, 'personal_data.erase');
    assert.match(entry?.actor ?? '', /^cli:./);
  } finally {
    await audited.close();
  }
  const none = await startGuestlist(t, ['erase', '--email', 'ada@fabrikam.com'], env);
  assert.equal(await none.exited, 0);
  assert.match(none.output(), /nothing was erased/);
  const missing = await startGuestlist(t, ['erase'], env);
  assert.equal(await missing.exited, 2);
  assert.match(missing.output(), /Usage: guestlist erase --email ADDRESS/);
});
