// Review (issue 8, one-line start-up errors): main.ts describes every start-up failure with
// readConfig(), the *server's* settings, also for `guestlist emulator`, which deliberately
// reads only GUESTLIST_DATA_DIR (commands.ts: ".env may hold half of Entra's").
//  - `emulator --port N` on a busy N says "port 3000 is in use" (config.port), not N;
//  - with a half-filled Entra .env, the busy port becomes "Invalid configuration" and exit 78.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { startGuestlist } from '../helpers/process.ts';

async function busyPort(t: { after(fn: () => Promise<void>): void }): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => new Promise<void>((done) => server.close(() => done())));
  return (server.address() as { port: number }).port;
}

test('emulator on a busy --port names that port, not the server PORT', async (t) => {
  const port = await busyPort(t);
  const run = await startGuestlist(t, ['emulator', '--port', String(port)], {});
  const code = await run.exited;
  assert.equal(code, 1);
  assert.match(run.output(), new RegExp(`port ${port} is in use`), run.output());
});
