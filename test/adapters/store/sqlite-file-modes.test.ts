// The SQLite database holds people's addresses and token hashes: the folders it creates are
// 0700 and its files (the database, -wal and -shm) 0600, even under a umask that lets
// everyone read (000) or one that would take the owner's own write bit away (277).
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../../src/adapters/store/index.ts';
import { removeAfter } from '../../helpers/remove-after.ts';

const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

for (const umask of [0o000, 0o022, 0o277]) {
  test(`umask ${umask.toString(8).padStart(3, '0')}: new folders 0700, database, -wal and -shm 0600`, async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'guestlist-modes-'));
    removeAfter(t, root);
    await chmod(root, 0o755);
    const path = join(root, 'data', 'nested', 'guestlist.db');
    const previous = process.umask(umask);
    let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
    try {
      db = await openDatabase(`sqlite:${path}`);
      await db.migrate(); // writes, so the -wal and -shm files exist
      await db.queries.listRequests({ limit: 1 });
    } finally {
      process.umask(previous);
    }
    try {
      assert.equal(await mode(join(root, 'data')), '700');
      assert.equal(await mode(join(root, 'data', 'nested')), '700');
      assert.equal(await mode(path), '600');
      assert.equal(await mode(`${path}-wal`), '600');
      assert.equal(await mode(`${path}-shm`), '600');
      assert.equal(await mode(root), '755', 'a folder that existed keeps its mode');
    } finally {
      await db?.close();
    }
  });
}

test('an existing database file keeps the mode its owner gave it', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'guestlist-modes-'));
  removeAfter(t, root);
  const path = join(root, 'shared', 'guestlist.db');
  await mkdir(join(root, 'shared'), { mode: 0o750 });
  await chmod(join(root, 'shared'), 0o750);
  await writeFile(path, '');
  await chmod(path, 0o640);
  const db = await openDatabase(`sqlite:${path}`);
  try {
    await db.migrate();
    assert.equal(await mode(path), '640');
    assert.equal(await mode(join(root, 'shared')), '750');
  } finally {
    await db.close();
  }
});
