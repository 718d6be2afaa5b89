// SIGTERM, as a container runtime sends it on stop or redeploy: a request already under
// way is answered and kept, then the process closes its database and exits 0. Seen from
// outside: the answer arrives after the signal, the request is in the file, SQLite's log
// was checkpointed and removed (the last connection closed cleanly), and the in-use lock
// is free for `guestlist restore`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { takeExclusively } from '../../src/adapters/store/sqlite-in-use.ts';
import { startGuestlist } from '../helpers/process.ts';
import { removeAfter } from '../helpers/remove-after.ts';

test('SIGTERM lets a request under way finish, keeps it, closes the database and exits 0', async (t) => {
  const data = await mkdtemp(path.join(tmpdir(), 'gl-sigterm-'));
  removeAfter(t, data);
  const serve = await startGuestlist(t, ['serve'], { PORT: '0', LOG_LEVEL: 'info', GUESTLIST_DATA_DIR: data });
  const url = new URL(/"url":"(http:\/\/[^"]+)"/.exec(await serve.line(/"url":"http:/, 60_000))![1]!);

  // Half a submission: the headers and part of the body, the rest after the signal.
  const body = JSON.stringify({ email: 'late@fabrikam.example', firstName: 'Late', lastName: 'Arrival' });
  const socket = connect(Number(url.port), url.hostname);
  t.after(() => socket.destroy());
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk.toString();
  });
  const ended = new Promise((done) => socket.once('close', done));
  await new Promise((done) => socket.once('connect', done));
  socket.write(
    `POST /api/v1/access-requests HTTP/1.1\r\nHost: ${url.host}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body.slice(0, 20)}`,
  );
  await new Promise((done) => setTimeout(done, 300));

  serve.child.kill('SIGTERM');
  await serve.line(/shutting down/);
  await new Promise((done) => setTimeout(done, 300));
  assert.equal(serve.child.exitCode, null, 'the process waits for the request under way');
  socket.end(body.slice(20));
  await ended;
  assert.match(answer, /^HTTP\/1\.1 202 /, answer);
  const id = /"id":"([^"]+)"/.exec(answer)?.[1];
  assert.ok(id);

  assert.equal(await serve.exited, 0);
  assert.match(serve.output(), /"msg":"stopped"/);
  const file = path.join(data, 'guestlist.db');
  assert.equal(existsSync(`${file}-wal`), false, 'the database was closed (its log checkpointed and removed)');
  const db = new DatabaseSync(file);
  const row = db.prepare('select status from access_requests where id = ?').get(id) as { status: string } | undefined;
  db.close();
  assert.equal(row?.status, 'pending_verification', 'the answered request is in the database');
  const lock = takeExclusively(file);
  assert.notEqual(lock, 'in-use', 'no process holds the database any more');
  if (lock !== 'in-use') lock.release();
});
