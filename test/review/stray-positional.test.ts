// Review (issue 8, "an unknown option or command prints the usage and exits 2"): main.ts
// parses every row with allowPositionals: true, so commands that take no argument run
// anyway with a stray word: `guestlist migrate help` migrates (creates the database),
// `guestlist serve --no-worker now` would start a server. Only options are checked.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { startGuestlist } from '../helpers/process.ts';

test('`guestlist migrate help` is a usage mistake: exit 2, no database created', async (t) => {
  const run = await startGuestlist(t, ['migrate', 'help'], { GUESTLIST_DATA_DIR: 'data' });
  const code = await run.exited;
  const created = existsSync(`${run.dir}/data/guestlist.db`);
  assert.equal(created, false, `migrate ran on a stray word: ${run.output()}`);
  assert.equal(code, 2, run.output());
});
