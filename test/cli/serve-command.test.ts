// `guestlist serve` as an administrator runs it: a real process, sandbox mode, /healthz
// and /readyz, then SIGTERM drains and exits 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGuestlist } from '../helpers/process.ts';

test('serve starts in sandbox mode, answers health checks, and drains on SIGTERM', async (t) => {
  const serve = await startGuestlist(t, ['serve'], { PORT: '0', LOG_LEVEL: 'info' });
  const url = /"url":"(http:\/\/[^"]+)"/.exec(await serve.line(/"url":"http:/))![1]!;
  assert.match(serve.output(), /"mode":"sandbox"/);
  assert.match(serve.output(), /Guestlist sandbox/);
  // The next step for a newcomer, once, at the address it listens on (README, "Try it in a browser").
  await serve.line(/Break-glass admin instead/);
  assert.equal(serve.output().split('Guestlist sandbox is ready').length, 2, 'said once');
  assert.ok(serve.output().includes(`open ${url} and follow "Ask for access"`));
  assert.ok(serve.output().includes(`${url}/auth/signin → "Sign in with Microsoft" → pick Adele Vance (admin)`));
  assert.match(serve.output(), /token create me --role admin +\(from this folder: same SQLite .*guestlist\.db\)/);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  const home = await (await fetch(url)).text();
  assert.match(home, /Sandbox\./);

  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
  assert.match(serve.output(), /shutting down/);
  assert.doesNotMatch(serve.output(), /8Q~/, 'the emulator app secret is never logged');
});

for (const args of [['serve', '--no-worker'], ['worker']])
  test(`${args.join(' ')} is refused in sandbox mode with the reason`, async (t) => {
    const run = await startGuestlist(t, args, {});
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /sandbox mode/);
  });
