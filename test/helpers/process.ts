// A real `guestlist` process for CLI tests, in its own temporary folder.
// Why one helper: a test that removed its folder before killing its child failed on
// ENOTEMPTY, skipped the kill, and the orphan kept the test file's process alive until
// CI's 90-minute limit. Here one cleanup kills the child, waits for its exit, and only
// then removes the folder; the child is also unref'd so it can never hold the runner.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

const bin = path.resolve('bin/guestlist.js');

export interface GuestlistProcess {
  child: ChildProcessWithoutNullStreams;
  dir: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first line matching `pattern`; rejects on exit or after `ms`. */
  line(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function startGuestlist(
  t: TestContext,
  args: string[],
  env: Record<string, string>,
): Promise<GuestlistProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-cli-'));
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.unref();
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.destroy();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined);
  });
  const line = (pattern: RegExp, ms = 20_000) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        const found = output.split('\n').find((l) => pattern.test(l));
        if (!found) return false;
        finish();
        done(found);
        return true;
      };
      const onExit = (code: number | null) => {
        if (check()) return;
        finish();
        fail(new Error(`exited ${code} before ${pattern}: ${output}`));
      };
      const timer = setTimeout(() => {
        finish();
        fail(new Error(`no line matching ${pattern} within ${ms} ms: ${output}`));
      }, ms);
      const onData = () => void check();
      const finish = () => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.off('exit', onExit);
      };
      if (check()) return;
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', onExit);
    });
  return { child, dir, output: () => output, line, exited };
}
