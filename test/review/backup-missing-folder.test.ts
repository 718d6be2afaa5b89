// Review (issue 8, one-line errors): `guestlist backup FILE` into a folder that does not
// exist throws ENOENT from openSync (sqlite-backup.ts, the `.partial-PID` file), which is
// neither a BackupError (backup-command.ts refusal() rethrows) nor a start-up error main.ts
// knows (ENOENT is not in FOLDER_CODES): the operator gets Node's stack trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGuestlist } from '../helpers/process.ts';

test('backup into a folder that does not exist is one line, exit 1, no stack', async (t) => {
  const migrate = await startGuestlist(t, ['migrate'], { GUESTLIST_DATA_DIR: 'data' });
  assert.equal(await migrate.exited, 0, migrate.output());
  const run = await startGuestlist(t, ['backup', '/nonexistent-guestlist-review/backup.db'], {
    GUESTLIST_DATA_DIR: `${migrate.dir}/data`,
  });
  const code = await run.exited;
  const lines = run.output().trim().split('\n');
  assert.ok(!/\n\s+at /.test(run.output()) && !run.output().includes('node:fs'), `a stack trace:\n${run.output()}`);
  assert.equal(lines.length, 1, run.output());
  assert.equal(code, 1);
});
