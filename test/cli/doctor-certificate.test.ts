// The certificate credential's end date: ! within 30 days, ✗ once passed, with the date;
// and the same warning logged at serve/worker start-up (logCertificateExpiry).
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { generate } from 'selfsigned';
import { logCertificateExpiry, readCertificateExpiry } from '../../src/adapters/directory/credential.ts';
import type { EntraConfig } from '../../src/config.ts';
import { appConfig, type Emulator, entraFor, startTenant } from '../adapters/directory/emulated-tenant.ts';
import { startGuestlist } from '../helpers/process.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { configFor, doctor, failures } from './doctor-fixtures.ts';

const DAY = 86_400_000;

/** A PEM file (key + certificate) whose certificate ends at `notAfter`; registered in `em` when given. */
async function certificateFile(
  t: TestContext,
  notAfter: Date,
  em?: Emulator,
): Promise<{ path: string; entra: EntraConfig | null }> {
  const pems = await generate([{ name: 'commonName', value: 'guestlist-test' }], {
    keyType: 'rsa',
    keySize: 2048,
    notBeforeDate: new Date(notAfter.getTime() - 365 * DAY),
    notAfterDate: notAfter,
  });
  const dir = await mkdtemp(join(tmpdir(), 'guestlist-cert-'));
  removeAfter(t, dir);
  const path = join(dir, 'app.pem');
  await writeFile(path, `${pems.private}\n${pems.cert}`);
  if (!em) return { path, entra: null };
  const app = em.registerApp({ roles: ['User.Invite.All', 'User.Read.All'], certificatePem: pems.cert });
  return {
    path,
    entra: { ...entraFor(em, app.clientId, ''), credential: { kind: 'certificate', path, password: undefined } },
  };
}

test('readCertificateExpiry: valid, expiring within 30 days, expired, with the date and thumbprint', async (t) => {
  const notAfter = new Date('2027-03-01T12:00:00Z');
  const { path } = await certificateFile(t, notAfter);
  const at = (daysBefore: number) => readCertificateExpiry(path, new Date(notAfter.getTime() - daysBefore * DAY));
  const valid = at(45);
  assert.equal(valid.state, 'valid');
  assert.match(
    valid.message,
    /^The certificate in .*app\.pem \(thumbprint [0-9A-F]{40}\) is valid until 2027-03-01 12:00 UTC\.$/,
  );
  assert.equal(at(30).state, 'expiring', '30 days left is within 30 days');
  assert.match(at(10.5).message, /expires on 2027-03-01 12:00 UTC, in 10 days\.$/);
  assert.match(at(0.5).message, /in less than a day\.$/);
  const expired = at(-1);
  assert.equal(expired.state, 'expired');
  assert.match(expired.message, /expired on 2027-03-01 12:00 UTC\.$/);
  assert.equal(expired.notAfter.toISOString(), notAfter.toISOString());
});

test('logCertificateExpiry warns within 30 days, errs once expired, and is silent otherwise', async (t) => {
  const notAfter = new Date('2027-03-01T12:00:00Z');
  const { path } = await certificateFile(t, notAfter);
  const entra: EntraConfig = {
    tenantId: 'contoso.onmicrosoft.com',
    clientId: '6aa93996-b4b2-4e2e-a0f8-6885d919b178',
    signInClientId: '6aa93996-b4b2-4e2e-a0f8-6885d919b178',
    credential: { kind: 'certificate', path, password: undefined },
    authorityHost: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
  };
  const logged = (config: EntraConfig | null, daysBefore: number) => {
    const lines: Array<[string, object, string]> = [];
    logCertificateExpiry(
      config,
      { warn: (o, m) => lines.push(['warn', o, m]), error: (o, m) => lines.push(['error', o, m]) },
      new Date(notAfter.getTime() - daysBefore * DAY),
    );
    return lines;
  };
  const soon = logged(entra, 12.5);
  assert.equal(soon.length, 1);
  assert.equal(soon[0]![0], 'warn');
  assert.deepEqual(soon[0]![1], { certificateNotAfter: '2027-03-01T12:00:00.000Z' });
  assert.match(soon[0]![2], /expires on 2027-03-01 12:00 UTC, in 12 days\. Create a new certificate/);
  const late = logged(entra, -3);
  assert.equal(late[0]![0], 'error');
  assert.match(late[0]![2], /expired on 2027-03-01 12:00 UTC\. Entra refuses it/);
  assert.deepEqual(logged(entra, 90), []);
  assert.deepEqual(logged({ ...entra, credential: { kind: 'secret', secret: 's' } }, -3), []);
  assert.deepEqual(
    logged({ ...entra, credential: { kind: 'certificate', path: `${path}.missing`, password: undefined } }, 1),
    [],
  );
  assert.deepEqual(logged(null, 1), []);
});

test('doctor: a certificate ending in 10 days is ! with its date, and the run still passes', async (t) => {
  const em = await startTenant(t);
  const { entra } = await certificateFile(t, new Date(Date.now() + 10.5 * DAY), em);
  const { code, output } = await doctor(configFor(entra), { ca: em.caPem });
  assert.equal(code, 0, output);
  assert.match(
    output,
    /^! The certificate in .*app\.pem \(thumbprint [0-9A-F]{40}\) expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC, in 10 days\.\n {4}→ Create a new certificate/m,
  );
  assert.match(output, /✓ Token acquired/);
});

test('doctor: an expired certificate is ✗ with its date and the fix', async (t) => {
  const em = await startTenant(t);
  const { entra } = await certificateFile(t, new Date(Date.now() - 2 * DAY), em);
  const { code, output } = await doctor(configFor(entra), { ca: em.caPem });
  assert.equal(code, 1);
  assert.match(
    failures(output)[0]!,
    /^✗ The certificate in .*app\.pem \(thumbprint [0-9A-F]{40}\) expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Entra refuses it\.$/,
  );
  assert.match(output, /→ Create a new certificate, upload its public part/);
});

test('doctor: with a client secret or an unreadable certificate, the expiry check is listed as skipped', async (t) => {
  const em = await startTenant(t);
  const secret = await doctor(configFor(await appConfig(em)), { ca: em.caPem });
  assert.match(secret.output, /^- skipped: Certificate expiry — the credential is a client secret/m);
  const { entra } = await certificateFile(t, new Date(Date.now() + 400 * DAY), em);
  const missing: EntraConfig = {
    ...entra!,
    credential: { kind: 'certificate', path: '/nonexistent/app.pem', password: undefined },
  };
  const unreadable = await doctor(configFor(missing), { ca: em.caPem });
  assert.match(
    unreadable.output,
    /^- skipped: Certificate expiry — cannot read it: ENOENT.*\(the token check says more\)\.$/m,
  );
  assert.equal(failures(unreadable.output).length, 1, 'only the token check fails');
  const fine = await doctor(configFor(entra), { ca: em.caPem });
  assert.match(fine.output, /^✓ The certificate in .* is valid until /m);
});

test('worker start-up logs the warning for a certificate ending within 30 days', async (t) => {
  const { path } = await certificateFile(t, new Date(Date.now() + 5.5 * DAY));
  const worker = await startGuestlist(t, ['worker'], {
    LOG_LEVEL: 'warn',
    AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
    AZURE_CLIENT_ID: '6aa93996-b4b2-4e2e-a0f8-6885d919b178',
    AZURE_CLIENT_CERTIFICATE_PATH: path,
    AZURE_AUTHORITY_HOST: 'https://127.0.0.1:1', // never called: the worker has no job
    GUESTLIST_GRAPH_URL: 'https://127.0.0.1:1',
    GUESTLIST_APP_URL: 'https://app.example.com/',
    GUESTLIST_PUBLIC_URL: 'https://guestlist.example.com',
    SMTP_URL: 'smtp://127.0.0.1:1',
    GUESTLIST_MAIL_FROM: 'gl@example.com',
  });
  const logged = JSON.parse(await worker.line(/certificateNotAfter/)) as { level: number; msg: string };
  assert.equal(logged.level, 40, 'warn');
  assert.match(
    logged.msg,
    /^The certificate in .*app\.pem \(thumbprint [0-9A-F]{40}\) expires on .* UTC, in 5 days\. Create a new/,
  );
});
