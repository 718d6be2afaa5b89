// The in-use lock `guestlist restore` relies on (adapters/store/sqlite-in-use.ts): held by a
// running process, free once it is released or the process is gone, and usable whatever the
// umask its side file was created under. Across processes: test/cli/backup-restore.test.ts.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { holdInUse, inUsePath, takeExclusively } from '../../../src/adapters/store/sqlite-in-use.ts';
import { removeAfter } from '../../helpers/remove-after.ts';

test('held while a holder lives, free once released; the side file is private even under umask 277', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-in-use-'));
  removeAfter(t, dir);
  const database = path.join(dir, 'new', 'folder', 'guestlist.db');
  const previous = process.umask(0o277);
  let release: () => void;
  try {
    release = holdInUse(database); // a first start: the folders do not exist yet
  } finally {
    process.umask(previous);
  }
  assert.equal(statSync(inUsePath(database)).mode & 0o777, 0o600);
  assert.equal(statSync(path.dirname(database)).mode & 0o777, 0o700);
  assert.equal(takeExclusively(database), 'in-use');
  const second = holdInUse(database); // several processes may hold it at once (serve + worker)
  release();
  assert.equal(takeExclusively(database), 'in-use', 'one holder left');
  second();
  const taken = takeExclusively(database);
  assert.notEqual(taken, 'in-use');
  assert.throws(() => holdInUse(database), /Could not mark .* in use \(is a restore running\?\)/);
  if (taken !== 'in-use') taken.release();
  holdInUse(database)();
});
