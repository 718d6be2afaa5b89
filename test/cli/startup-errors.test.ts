// Start-up problems a person can fix end in one line naming the cause and the fix, exit 1,
// never a stack trace. Real `guestlist` processes against a real busy port, a file where the
// data folder should be (refused for root too, unlike chmod 000), a garbage SQLite file, a
// sandbox already held by another guestlist and a PostgreSQL URL to a closed port.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { startGuestlist } from '../helpers/process.ts';

function assertOneLine(output: string, pattern: RegExp) {
  const lines = output.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${output}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(output, /\n\s+at |Error:/, 'no stack trace');
}

test('a busy port: "port N is in use", exit 1', async (t) => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const serve = await startGuestlist(t, ['serve'], { PORT: String(port), LOG_LEVEL: 'silent' });
  assert.equal(await serve.exited, 1);
  assertOneLine(
    serve.output(),
    new RegExp(`^port ${port} is in use: stop the other process, or choose a free port \\(PORT`),
  );
});

test('a file where the data folder should be: named, with the fix, exit 1', async (t) => {
  const probe = await startGuestlist(t, ['--version'], {});
  await probe.exited;
  const notAFolder = path.join(probe.dir, 'data');
  await writeFile(notAFolder, 'not a folder');
  for (const args of [['migrate'], ['serve']]) {
    const run = await startGuestlist(t, args, { GUESTLIST_DATA_DIR: notAFolder, PORT: '0', LOG_LEVEL: 'silent' });
    assert.equal(await run.exited, 1, args.join(' '));
    assertOneLine(
      run.output(),
      /^cannot use .*data.* \((EEXIST|ENOTDIR)\): the data folder must be a folder .* GUESTLIST_DATA_DIR/,
    );
  }
});

test('a garbage file as the SQLite database: exit 1, and the file is left as it was', async (t) => {
  const probe = await startGuestlist(t, ['--version'], {});
  await probe.exited;
  const file = path.join(probe.dir, 'guestlist.db');
  await writeFile(file, 'this is not a database '.repeat(100));
  const run = await startGuestlist(t, ['token', 'list'], { DATABASE_URL: `sqlite:${file}` });
  assert.equal(await run.exited, 1);
  assertOneLine(run.output(), /is not a readable SQLite database .*restore it from a backup, or move it away/);
});

test('a sandbox held by another guestlist: "database is locked", exit 1; the first keeps running', async (t) => {
  const first = await startGuestlist(t, ['serve'], { PORT: '0', LOG_LEVEL: 'info' });
  await first.line(/Guestlist sandbox is ready/);
  const second = await startGuestlist(t, ['serve'], {
    PORT: '0',
    LOG_LEVEL: 'silent',
    GUESTLIST_DATA_DIR: path.join(first.dir, 'data'),
  });
  assert.equal(await second.exited, 1);
  assertOneLine(
    second.output(),
    /database is locked: the sandbox in .* is held by another guestlist \(pid \d+\); stop it/,
  );
  // Nor is its database cleared from under it.
  const clear = await startGuestlist(t, ['sandbox', 'clear', '--yes'], {
    GUESTLIST_DATA_DIR: path.join(first.dir, 'data'),
  });
  assert.equal(await clear.exited, 1);
  assertOneLine(clear.output(), /is in use by a running guestlist: stop it before clearing the sandbox/);
  assert.equal(first.child.exitCode, null);
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  // Its lock went with it: a new start takes the folder.
  const again = await startGuestlist(t, ['serve'], {
    PORT: '0',
    LOG_LEVEL: 'info',
    GUESTLIST_DATA_DIR: path.join(first.dir, 'data'),
  });
  await again.line(/Guestlist sandbox is ready/);
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0, again.output());
});

test('PostgreSQL that cannot be reached: the host is named, never the password', async (t) => {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as { port: number }).port;
  await new Promise((done) => closed.close(done)); // nothing listens there now
  for (const args of [['migrate'], ['token', 'create', 'x', '--role', 'admin']]) {
    const run = await startGuestlist(t, args, { DATABASE_URL: `postgres://guestlist:hunter2@127.0.0.1:${port}/gl` });
    assert.equal(await run.exited, 1, args.join(' '));
    assertOneLine(
      run.output(),
      new RegExp(`^cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}/gl \\(ECONNREFUSED\\)`),
    );
    assert.doesNotMatch(run.output(), /hunter2/);
  }
});
