// `guestlist serve` as an administrator runs it: a real process, sandbox mode, /healthz
// and /readyz, then SIGTERM drains and exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const bin = path.resolve('bin/guestlist.js');

test('serve starts in sandbox mode, answers health checks, and drains on SIGTERM', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line in: ${output}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  assert.match(output, /"mode":"sandbox"/);
  assert.match(output, /Guestlist sandbox/);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  const home = await (await fetch(url)).text();
  assert.match(home, /Sandbox\./);

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(output, /shutting down/);
  assert.doesNotMatch(output, /8Q~/, 'the emulator app secret is never logged');
});

for (const args of [['serve', '--no-worker'], ['worker']])
  test(`${args.join(' ')} is refused in sandbox mode with the reason`, async () => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /sandbox mode/);
  });
