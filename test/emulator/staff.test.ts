// Staff and their app roles outlive a restart with the directory (stateFile), the default
// staff are seeded once, and sandbox mode wires sign-in up for Guestlist's /auth/callback.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { decodeJwt } from 'jose';
import { DEFAULT_STAFF, startEmulator } from '../../src/emulator/index.ts';
import { startSandbox } from '../../src/sandbox.ts';
import { removeAfter } from '../helpers/remove-after.ts';
import { emulatorFor } from './helpers.ts';
import { hop, pkce } from './sign-in-helpers.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'guestlist-emulator-staff-'));
  removeAfter(t, dir);
  return dir;
}

test('staff and their roles survive a restart; the default staff are not added twice', async (t) => {
  const stateFile = join(await tempDir(t), 'directory.json');
  const first = await startEmulator({ stateFile, staff: DEFAULT_STAFF, tenantName: 'Fabrikam' });
  assert.deepEqual(
    first.listStaff().map((person) => [person.email, person.roles]),
    [
      ['adele.vance@fabrikam.onmicrosoft.com', ['Guestlist.Admin']],
      ['alex.wilber@fabrikam.onmicrosoft.com', ['Guestlist.Approver']],
      ['megan.bowen@fabrikam.onmicrosoft.com', []],
    ],
    'the default staff take the tenant domain',
  );
  const added = first.addStaff({ name: 'Lee Gu', email: 'lee.gu@fabrikam.com', roles: ['Guestlist.Approver'] });
  first.assignRoles(added.id, ['Guestlist.Admin', 'Guestlist.Approver']);
  const before = first.listStaff();
  await first.close();

  const second = await emulatorFor(t, { stateFile, staff: DEFAULT_STAFF, tenantName: 'Fabrikam' });
  assert.deepEqual(second.listStaff(), before);
  assert.equal(second.listUsers().length, 4, 'no duplicate users from seeding again');
  assert.equal(second.getUser(added.id)?.userPrincipalName, 'lee.gu@fabrikam.com');
});

test('a state file whose staff names no user is refused at start', async (t) => {
  const stateFile = join(await tempDir(t), 'directory.json');
  const first = await startEmulator({ stateFile, staff: DEFAULT_STAFF });
  await first.close();
  const saved = JSON.parse(await readFile(stateFile, 'utf8'));
  saved.staff.push({ userId: 'nobody', roles: [] });
  await writeFile(stateFile, JSON.stringify(saved));
  await assert.rejects(startEmulator({ stateFile }), /staff\[3\]/);
});

test('sandbox mode registers <public url>/auth/callback and hands out what openid-client needs', async (t) => {
  const dataDir = await tempDir(t);
  const sandbox = await startSandbox({
    dataDir,
    publicUrl: 'http://127.0.0.1:3999',
    groupIds: [],
    replicationLagMs: 0,
  });
  t.after(() => sandbox.emulator.close());
  const { signIn } = sandbox;
  assert.equal(signIn.redirectUri, 'http://127.0.0.1:3999/auth/callback');
  assert.equal(signIn.issuer, `${sandbox.emulator.url}/${sandbox.emulator.tenantId}/v2.0`);
  assert.equal(signIn.clientId, sandbox.entra.clientId);
  assert.equal(signIn.ca, sandbox.emulator.caPem);
  assert.deepEqual(
    sandbox.emulator.listStaff().map((person) => person.roles),
    [['Guestlist.Admin'], ['Guestlist.Approver'], []],
  );

  const { verifier, challenge } = pkce();
  const authorize = new URL(`${signIn.issuer.replace(/\/v2\.0$/, '')}/oauth2/v2.0/authorize`);
  for (const [name, value] of Object.entries({
    client_id: signIn.clientId,
    response_type: 'code',
    redirect_uri: signIn.redirectUri,
    scope: 'openid profile email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })) {
    authorize.searchParams.set(name, value);
  }
  const page = await hop(sandbox.emulator, authorize.href);
  assert.equal(page.status, 200, page.text);
  const flow = /name="flow" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const picked = await hop(sandbox.emulator, `/${sandbox.emulator.tenantId}/login`, {
    flow,
    account: DEFAULT_STAFF[0]?.id ?? '',
  });
  const back = new URL(picked.location ?? '');
  assert.equal(`${back.origin}${back.pathname}`, signIn.redirectUri);
  const tokens = await hop(sandbox.emulator, `/${sandbox.emulator.tenantId}/oauth2/v2.0/token`, {
    grant_type: 'authorization_code',
    client_id: signIn.clientId,
    client_secret: signIn.clientSecret,
    code: back.searchParams.get('code') ?? '',
    redirect_uri: signIn.redirectUri,
    code_verifier: verifier,
  });
  assert.equal(tokens.status, 200, tokens.text);
  const claims = decodeJwt(JSON.parse(tokens.text).id_token);
  assert.equal(claims.iss, signIn.issuer);
  assert.deepEqual(claims.roles, ['Guestlist.Admin']);
});
