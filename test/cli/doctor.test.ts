// `guestlist doctor` against the bundled emulator, with a stand-in database.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../src/config.ts';
import {
  ALL_ROLES,
  appConfig,
  certificateAppConfig,
  type Emulator,
  startTenant,
} from '../adapters/directory/emulated-tenant.ts';
import { configFor, failures, doctor as runWith } from './doctor-fixtures.ts';

function doctor(config: Config, em?: Emulator, db: 'ready' | 'real' = 'ready') {
  return runWith(config, { ca: em?.caPem, db });
}

test('all ✓ with every permission and an existing group: exit 0', async (t) => {
  const em = await startTenant(t);
  const group = await em.addGroup();
  const entra = await appConfig(em);
  const { code, output } = await doctor(configFor(entra, { groupIds: [group.id] }), em);
  assert.deepEqual(failures(output), []);
  assert.equal(code, 0, output);
  assert.match(output, /✓ Token acquired/);
  for (const role of ALL_ROLES) assert.match(output, new RegExp(`✓ Permission ${role} is granted`));
  assert.match(output, new RegExp(`✓ Group ${group.id}`));
  // Deleting guests on revoke is optional: listed as skipped, with how to enable it.
  assert.match(output, /^- skipped: Deleting guest accounts on revoke — User\.ReadWrite\.All is not granted/m);

  assert.ok(!output.includes(entra.credential.kind === 'secret' ? entra.credential.secret : '\0'), 'no secret');
});

test('User.ReadWrite.All, optional, is ✓ when granted: a revoke can delete the guest it invited', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em, [...ALL_ROLES, 'User.ReadWrite.All']);
  const { code, output } = await doctor(configFor(entra, { groupIds: [] }), em);
  assert.equal(code, 0, output);
  assert.match(output, /✓ Permission User\.ReadWrite\.All is granted \(optional\)/);
});

for (const missing of ALL_ROLES) {
  test(`an app without ${missing} gets ✗ naming it, with where to grant consent: exit 1`, async (t) => {
    const em = await startTenant(t);
    const group = await em.addGroup();
    const entra = await appConfig(
      em,
      ALL_ROLES.filter((role) => role !== missing),
    );
    const { code, output } = await doctor(configFor(entra, { groupIds: [group.id] }), em);
    assert.equal(code, 1);
    const lines = failures(output);
    assert.equal(lines.length, missing === 'GroupMember.ReadWrite.All' ? 2 : 1, output); // reading the group fails too
    assert.match(lines[0]!, new RegExp(`Permission ${missing} is missing`));
    assert.match(output, /API permissions → Add a permission → Microsoft Graph → Application permissions/);
    assert.match(output, /Grant admin consent/);
  });
}

test('the broader User.ReadWrite.All covers User.Invite.All and User.Read.All', async (t) => {
  const em = await startTenant(t);
  const { code, output } = await doctor(configFor(await appConfig(em, ['User.ReadWrite.All'])), em);
  assert.equal(code, 0, output);
});

test('a wrong secret is explained with its fix, and the secret is never printed', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em);
  const wrong = 'not-the-secret-value-1234';
  const { code, output } = await doctor(configFor({ ...entra, credential: { kind: 'secret', secret: wrong } }), em);
  assert.equal(code, 1);
  assert.match(output, /✗ No token: The client secret is wrong\. \(AADSTS7000215\)/);
  assert.match(output, /Value\*.*not its Secret ID/);
  assert.ok(!output.includes(wrong));
});

test('an expired secret and an unknown app are explained', async (t) => {
  const em = await startTenant(t);
  const expired = await em.registerApp({ roles: ALL_ROLES, secretExpired: true });
  const entra = await appConfig(em);
  const a = await doctor(
    configFor({ ...entra, clientId: expired.clientId, credential: { kind: 'secret', secret: expired.clientSecret! } }),
    em,
  );
  assert.match(a.output, /AADSTS7000222/);
  assert.match(a.output, /New client secret/);
  const b = await doctor(configFor({ ...entra, clientId: '11111111-2222-3333-4444-555555555555' }), em);
  assert.match(b.output, /AADSTS700016/);
  assert.match(b.output, /AZURE_CLIENT_ID/);
});

test('an unknown tenant is explained, though MSAL hides why discovery failed', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em);
  const { code, output } = await doctor(configFor({ ...entra, tenantId: 'fabrikam.onmicrosoft.com' }), em);
  assert.equal(code, 1);
  assert.match(output, /✗ No token: The tenant was not found\. \(AADSTS90002\)\n {4}→ Check AZURE_TENANT_ID/);
});

test('a certificate the app does not know is explained (AADSTS700027)', async (t) => {
  const em = await startTenant(t);
  const mine = await certificateAppConfig(t, em);
  const other = await certificateAppConfig(t, em);
  const { code, output } = await doctor(configFor({ ...mine, clientId: other.clientId }), em);
  assert.equal(code, 1);
  assert.match(output, /AADSTS700027/);
  assert.match(output, /Upload the certificate/);
});

test('an unreadable certificate file is named with its fix', async (t) => {
  const em = await startTenant(t);
  const entra = await certificateAppConfig(t, em);
  const missing = {
    kind: 'certificate' as const,
    path: `${entra.credential.kind === 'certificate' && entra.credential.path}.missing`,
    password: undefined,
  };
  const { code, output } = await doctor(configFor({ ...entra, credential: missing }), em);
  assert.equal(code, 1);
  assert.match(output, /✗ No token: .*ENOENT.*\n {4}→ Check AZURE_CLIENT_CERTIFICATE_PATH/);
});

test('an authority whose certificate is not trusted is named', async (t) => {
  const em = await startTenant(t);
  const { code, output } = await doctor(configFor(await appConfig(em))); // no `ca`
  assert.equal(code, 1);
  assert.match(output, /✗ No token: Could not reach https:\/\/127\.0\.0\.1:\d+: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
});

test('an unknown group is ✗ with the fix', async (t) => {
  const em = await startTenant(t);
  const unknown = '00000000-0000-0000-0000-00000000abcd';
  const { code, output } = await doctor(configFor(await appConfig(em), { groupIds: [unknown] }), em);
  assert.equal(code, 1);
  assert.match(output, new RegExp(`✗ Group ${unknown} was not found`));
  assert.match(output, /GUESTLIST_GROUP_IDS/);
});

test('an http redirect URL is ✗ with Entra', async (t) => {
  const em = await startTenant(t);
  const { code, output } = await doctor(configFor(await appConfig(em), { redirectUrl: 'http://app.example.com/' }), em);
  assert.equal(code, 1);
  assert.match(output, /✗ GUESTLIST_APP_URL http:\/\/app\.example\.com\/ is not https/);
});

test('sandbox mode says so and lists each Entra check as skipped, with why: exit 0', async () => {
  const { code, output } = await doctor(configFor(null));
  assert.equal(code, 0, output);
  assert.match(output, /^! Sandbox mode/m);
  // The way out of the sandbox names every setting configuration requires with Entra.
  for (const setting of ['GUESTLIST_APP_URL', 'GUESTLIST_PUBLIC_URL', 'SMTP_URL', 'GUESTLIST_MAIL_FROM']) {
    assert.ok(output.includes(setting), `the sandbox fix names ${setting}`);
  }
  assert.match(output, /^- skipped: Entra token — sandbox mode: the bundled emulator plays Microsoft Entra ID\.$/m);
  assert.match(output, /^- skipped: Permissions — sandbox mode/m);
  assert.match(output, /^- skipped: Groups — GUESTLIST_GROUP_IDS is not set: no group to check\.$/m);
  assert.doesNotMatch(output, /Token acquired|Permission \S+ is/);
  assert.match(output, /✓ Redeemed invitations land on the sandbox welcome page/);
  assert.match(output, /\n\d+ ✓, 0 ✗, \d+ !, \d+ skipped\.\n$/, 'a summary line ends the report');
});

test('without a token, permissions and groups are listed as skipped because the token failed', async (t) => {
  const em = await startTenant(t);
  const group = await em.addGroup();
  const entra = await appConfig(em);
  const { code, output } = await doctor(
    configFor({ ...entra, credential: { kind: 'secret', secret: 'wrong-secret-value' } }, { groupIds: [group.id] }),
    em,
  );
  assert.equal(code, 1);
  assert.match(output, /^- skipped: Permissions — no token: the token check failed \(✗ above\)\.$/m);
  assert.match(output, new RegExp(`^- skipped: Groups ${group.id} — no token: the token check failed`, 'm'));
  assert.match(output, /\n\d+ ✓, 1 ✗, \d+ !, \d+ skipped: fix each ✗ above/);
});

test('an unmigrated database is ✗ with the fix (the real SQLite store)', async () => {
  const { code, output } = await doctor(configFor(null), undefined, 'real');
  assert.equal(code, 1);
  assert.match(output, /✗ Database sqlite::memory: is not ready: .* not migrated\.\n {4}→ .*run `guestlist migrate`/);
});
