import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { decodeJwt } from 'jose';
import {
  EMULATOR_ROLES,
  EmulatorUsageError,
  parseEmulatorArgs,
  runEmulatorCommand,
} from '../../src/cli/emulator-command.ts';
import { startGuestlist } from '../helpers/process.ts';
import { removeAfter } from '../helpers/remove-after.ts';

test('arguments: throttle, fault rate, tenant; bad ones are usage errors', () => {
  const options = parseEmulatorArgs([
    '--port',
    '0',
    '--throttle',
    '10/2.5',
    '--fault-rate',
    '0.2',
    '--tenant',
    '0f0f0f0f-1111-2222-3333-444444444444',
  ]);
  assert.equal(options.port, 0);
  assert.deepEqual(options.invitationThrottle, { limit: 10, windowMs: 2500 });
  assert.deepEqual(options.faults, { rate: 0.2 });
  assert.equal(options.tenantId, '0f0f0f0f-1111-2222-3333-444444444444');
  assert.equal(parseEmulatorArgs(['--no-throttle']).invitationThrottle, null);
  assert.equal(parseEmulatorArgs([]).publicUrl, 'http://127.0.0.1:3000', "Guestlist's default address");
  assert.equal(
    parseEmulatorArgs(['--public-url', 'https://guestlist.example.com/']).publicUrl,
    'https://guestlist.example.com',
  );
  assert.equal(
    parseEmulatorArgs(['--data-dir', '/srv/emulator']).stateFile,
    join('/srv/emulator', 'directory.json'),
    'the directory is kept in the data dir',
  );
  for (const bad of [
    ['--port', 'x'],
    ['--throttle', '150'],
    ['--fault-rate', '2'],
    ['--tenant', 'contoso'],
    ['--throttle', '1/1', '--no-throttle'],
    ['--verbose'],
    ['--public-url', 'guestlist.example.com'],
    ['--public-url', 'ftp://guestlist.example.com'],
  ]) {
    assert.throws(() => parseEmulatorArgs(bad), EmulatorUsageError, bad.join(' '));
  }
});

test('prints working .env lines, runs until stopped, and keeps its app across restarts', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'guestlist-emulator-cli-'));
  removeAfter(t, dataDir);
  const start = async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const stop = new AbortController();
    const running = runEmulatorCommand(['--port', '0', '--data-dir', dataDir, '--no-throttle'], out, stop.signal);
    while (!text.includes('GUESTLIST_GROUP_IDS=')) await new Promise((resolve) => setTimeout(resolve, 10));
    const env = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return {
      env,
      text,
      stop: () => {
        stop.abort();
        return running;
      },
    };
  };

  const first = await start();
  t.after(() => first.stop()); // a failed assertion must not leave the emulator running
  const { env } = first;
  assert.match(first.text, /redirect URI http:\/\/127\.0\.0\.1:3000\/auth\/callback/);
  assert.match(first.text, /adele\.vance@contoso\.onmicrosoft\.com \[Guestlist\.Admin\]/);
  assert.deepEqual(Object.keys(env).sort(), [
    'AZURE_AUTHORITY_HOST',
    'AZURE_CLIENT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_TENANT_ID',
    'DATABASE_URL',
    'GUESTLIST_APP_URL',
    'GUESTLIST_GRAPH_URL',
    'GUESTLIST_GROUP_IDS',
    'GUESTLIST_MAIL_FROM',
    'GUESTLIST_PUBLIC_URL',
    'NODE_EXTRA_CA_CERTS',
    'SMTP_URL',
  ]);
  const ca = await readFile(env.NODE_EXTRA_CA_CERTS ?? '', 'utf8');
  const credential = new ClientSecretCredential(
    env.AZURE_TENANT_ID ?? '',
    env.AZURE_CLIENT_ID ?? '',
    env.AZURE_CLIENT_SECRET ?? '',
    {
      authorityHost: env.AZURE_AUTHORITY_HOST,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    },
  );
  const token = await credential.getToken('https://graph.microsoft.com/.default');
  assert.deepEqual(decodeJwt(token.token).roles, EMULATOR_ROLES);
  await first.stop();
  const saved = JSON.parse(await readFile(join(dataDir, 'directory.json'), 'utf8'));
  assert.deepEqual(
    saved.groups.map((g: { id: string }) => g.id),
    [env.GUESTLIST_GROUP_IDS],
    'the directory is saved next to app.json',
  );

  const second = await start();
  t.after(() => second.stop());
  for (const name of ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'GUESTLIST_GROUP_IDS', 'NODE_EXTRA_CA_CERTS']) {
    assert.equal(second.env[name], env[name], name);
  }
  assert.equal(await readFile(second.env.NODE_EXTRA_CA_CERTS ?? '', 'utf8'), ca, 'the CA is reused');
});

test('the printed settings alone start Guestlist against the emulator (Entra mode), and it is ready', async (t) => {
  const guestlistData = await mkdtemp(join(tmpdir(), 'guestlist-emulator-data-'));
  removeAfter(t, guestlistData);
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const stop = new AbortController();
  // No --data-dir: the emulator keeps its state under GUESTLIST_DATA_DIR/emulator.
  const running = runEmulatorCommand(
    ['--port', '0', '--no-throttle', '--public-url', 'http://127.0.0.1:0'],
    out,
    stop.signal,
    guestlistData,
  );
  t.after(() => {
    stop.abort();
    return running;
  });
  while (!text.includes('DATABASE_URL=')) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(existsSync(join(guestlistData, 'emulator', 'app.json')), 'state in GUESTLIST_DATA_DIR/emulator');
  const env = Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const serve = await startGuestlist(t, ['serve'], { ...env, PORT: '0', LOG_LEVEL: 'info' });
  const url = /"url":"(http:\/\/[^"]+)"/.exec(await serve.line(/"url":"http:/, 60_000))![1]!;
  assert.match(serve.output(), /"mode":"entra"/);
  const ready = await fetch(`${url}/readyz`);
  assert.equal(ready.status, 200, await ready.text());
  serve.child.kill('SIGTERM');
  assert.equal(await serve.exited, 0);
});
