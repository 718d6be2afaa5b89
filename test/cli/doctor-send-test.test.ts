// `guestlist doctor --send-test ADDRESS`: one real message through the app's own SMTP
// transport, the server's answer reported; a malformed ADDRESS is a usage error (exit 2).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parseDoctorArgs } from '../../src/cli/doctor.ts';
import { configFor, doctor } from './doctor-fixtures.ts';
import { closedPort, PASSWORD, startSmtp, USER } from './smtp-fixtures.ts';
import { testCa } from './tls-fixtures.ts';

const login = `${USER}:${encodeURIComponent(PASSWORD)}`;

test('--send-test sends one message through the configured server and reports its answer', async (t) => {
  const ca = await testCa();
  const smtp = await startSmtp(t, { tls: await ca.leaf('localhost') });
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@localhost:${smtp.port}` }), {
    ca: ca.caPem,
    sendTestTo: 'alice+test@example.com',
  });
  assert.equal(code, 0, output);
  assert.match(
    output,
    new RegExp(
      `✓ Test message to alice\\+test@example\\.com: localhost:${smtp.port} accepted it for delivery, ` +
        `answering "250 queued as TEST1" \\(message id <[^>]+>\\)`,
    ),
  );
  assert.equal(smtp.messages.length, 1);
  assert.deepEqual(smtp.messages[0]!.to, ['alice+test@example.com']);
  assert.equal(smtp.messages[0]!.from, 'gl@contoso.com', 'sent as GUESTLIST_MAIL_FROM');
  assert.match(smtp.messages[0]!.data, /Subject: Guestlist test message/);
  assert.ok(!output.includes(PASSWORD));
});

test('a recipient the server refuses is ✗ with its reply', async (t) => {
  const ca = await testCa();
  const smtp = await startSmtp(t, { tls: await ca.leaf('localhost'), refuseRecipient: true });
  const { code, output } = await doctor(configFor(null, { smtpUrl: `smtp://${login}@localhost:${smtp.port}` }), {
    ca: ca.caPem,
    sendTestTo: 'nobody@example.com',
  });
  assert.equal(code, 1);
  assert.match(
    output,
    /✗ Test message to nobody@example\.com: .*550 5\.1\.1 <nobody@example\.com>: Recipient address rejected/,
  );
  assert.equal(smtp.messages.length, 0);
});

test('--send-test is skipped, with why, when the mail server check failed or there is no SMTP_URL', async () => {
  const port = await closedPort();
  const broken = await doctor(configFor(null, { smtpUrl: `smtp://${login}@127.0.0.1:${port}` }), {
    sendTestTo: 'alice@example.com',
  });
  assert.equal(broken.code, 1);
  assert.match(
    broken.output,
    /^- skipped: Test message to alice@example\.com — the mail server check failed \(✗ above\)\.$/m,
  );
  const sandbox = await doctor(configFor(null), { sendTestTo: 'alice@example.com' });
  assert.equal(sandbox.code, 0, sandbox.output);
  assert.match(sandbox.output, /^- skipped: Test message to alice@example\.com — SMTP_URL is not set/m);
});

test('parseDoctorArgs takes one email address and refuses anything else', () => {
  assert.deepEqual(parseDoctorArgs([]), { ok: true });
  assert.deepEqual(parseDoctorArgs(['--send-test', 'alice+x@bücher.example']), {
    ok: true,
    sendTestTo: 'alice+x@bücher.example',
  });
  for (const bad of [
    'alice',
    'alice@',
    '@contoso.com',
    'alice@contoso',
    'a b@contoso.com',
    'alice@contoso.com:25',
    'Alice <alice@contoso.com>',
    'alice@contoso.com,bob@contoso.com',
    'alice@1.2.3.4',
  ]) {
    const parsed = parseDoctorArgs(['--send-test', bad]);
    assert.equal(parsed.ok, false, bad);
  }
  const unknown = parseDoctorArgs(['--bogus']);
  assert.equal(unknown.ok, false);
});

test('the CLI refuses a malformed --send-test address with exit code 2 and says why, checking nothing', async () => {
  const bin = path.resolve('bin/guestlist.js');
  const result = await promisify(execFile)(process.execPath, [bin, 'doctor', '--send-test', 'not-an-address'], {
    env: { PATH: process.env.PATH ?? '' },
    cwd: tmpdir(),
  }).then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(
    result.stderr,
    /--send-test needs one email address such as you@contoso\.com; "not-an-address" is not one\./,
  );
});

test('the CLI help names --send-test', async () => {
  const bin = path.resolve('bin/guestlist.js');
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'help'], { cwd: tmpdir() });
  assert.match(stdout, /doctor \[--send-test ADDRESS\]/);
});
