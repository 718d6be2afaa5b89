// Every command and subcommand of the table answers --help and -h with its usage (exit 0,
// stdout) and an unknown option with the usage on stderr (exit 2), without doing anything:
// no database, no data folder, no migration, no doctor. Real `guestlist` processes, each in
// a fresh empty folder that must still be empty afterwards.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { COMMANDS } from '../../src/cli/commands.ts';
import { removeAfter } from '../helpers/remove-after.ts';

const bin = path.resolve('bin/guestlist.js');

async function cli(args: string[], cwd: string) {
  // Azure settings in the environment would make a command that ran anyway reach for Entra.
  const env = { PATH: process.env.PATH ?? '', GUESTLIST_DATA_DIR: path.join(cwd, 'data') };
  return promisify(execFile)(process.execPath, [bin, ...args], { cwd, env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const groups = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];

test('--help, -h and an unknown option on every command: usage, exit 0 / 2, nothing touched', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-help-'));
  removeAfter(t, dir);
  const cases: Array<{ args: string[]; check(r: Awaited<ReturnType<typeof cli>>): void }> = [];
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    const synopsis = command.usage.split('\n')[0]!;
    for (const flag of ['--help', '-h']) {
      cases.push({
        args: [...words, flag],
        check: (r) => {
          assert.equal(r.code, 0, `${command.name} ${flag}: ${r.stderr}`);
          assert.ok(r.stdout.startsWith(`Usage: ${synopsis}`), `${command.name} ${flag}: ${r.stdout}`);
          assert.equal(r.stderr, '');
        },
      });
    }
    cases.push({
      args: [...words, '--no-such-option'],
      check: (r) => {
        assert.equal(r.code, 2, `${command.name} --no-such-option: ${r.stdout}${r.stderr}`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /Unknown option '--no-such-option'/);
        assert.ok(r.stderr.includes(synopsis), `${command.name}: the usage is shown`);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      },
    });
  }
  for (const group of groups) {
    cases.push({
      args: [group, '--help'],
      check: (r) => {
        assert.equal(r.code, 0);
        for (const sub of COMMANDS.filter((c) => c.name.startsWith(`${group} `))) {
          assert.ok(r.stdout.includes(sub.usage.split('\n')[0]!), `${group} --help names ${sub.name}`);
        }
      },
    });
    for (const args of [[group], [group, 'frobnicate']]) {
      cases.push({
        args,
        check: (r) => {
          assert.equal(r.code, 2, args.join(' '));
          assert.match(r.stderr, new RegExp(`Usage: guestlist ${group} `));
        },
      });
    }
  }
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  cases.push(
    { args: ['--version'], check: (r) => assert.deepEqual([r.code, r.stdout], [0, `guestlist ${pkg.version}\n`]) },
    { args: ['--help'], check: (r) => assert.equal(r.code, 0) },
    { args: ['-h'], check: (r) => assert.match(r.stdout, /^Usage: guestlist <command>/) },
    { args: ['help'], check: (r) => assert.match(r.stdout, /guestlist --version/) },
    { args: [], check: (r) => assert.deepEqual([r.code, r.stdout], [2, '']) },
    { args: ['frobnicate'], check: (r) => assert.match(r.stderr, /^Unknown command "frobnicate"\.\n\nUsage:/) },
    { args: ['--frobnicate'], check: (r) => assert.equal(r.code, 2) },
  );
  // Two at a time: the machine is shared.
  for (let i = 0; i < cases.length; i += 2) {
    const batch = cases.slice(i, i + 2);
    const results = await Promise.all(batch.map((c) => cli(c.args, dir)));
    batch.forEach((c, j) => {
      c.check(results[j]!);
    });
  }
  assert.deepEqual(await readdir(dir), [], 'no data folder, database or emulator state was created');
});

test('guestlist --help lists every command of the table, and the README table names each', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-help-'));
  removeAfter(t, dir);
  const help = (await cli(['--help'], dir)).stdout;
  const readme = await readFile('README.md', 'utf8');
  for (const command of COMMANDS) {
    const synopsis = command.usage.split('\n')[0]!.replace(/^guestlist /, '');
    assert.ok(help.includes(synopsis), `--help shows ${synopsis}`);
    assert.ok(readme.includes(`| \`${command.name}`), `README's command table has ${command.name}`);
  }
});
