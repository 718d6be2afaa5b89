// The catalogue from the configuration file, end to end in sandbox mode: start-up stores
// the file's app (and creates its group and app-role service principal in the emulator), a
// request for it is invited to the app's redirect URL, added to the app's group and given
// its app role, through the real Graph adapter and SDKs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Runtime } from '../../src/main.ts';
import { type Api, adminApi, startSandboxGuestlist, until } from '../helpers/sandbox.ts';

const GROUP = '8a2d6c4e-0f1b-4e3d-9c5a-7b6e5d4c3b2a';
const SP = '0c6e4f7a-1d2b-4c3d-8e9f-0a1b2c3d4e5f';
const ROLE = '7d0c9b8a-6f5e-4d3c-2b1a-0f9e8d7c6b5a';

let runtime: Runtime;
let dir: string;
let api: Api;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gl-catalogue-'));
  const file = path.join(dir, 'guestlist.config.yaml');
  writeFileSync(
    file,
    [
      'apps:',
      '  - slug: partner-wiki',
      '    name: Partner wiki',
      '    redirectUrl: https://wiki.contoso.com/',
      `    groupIds: [${GROUP}]`,
      `    appRole: { servicePrincipalId: ${SP}, appRoleId: ${ROLE} }`,
      '    questions:',
      '      - { id: company, label: Your company, kind: short_text, required: true }',
    ].join('\n'),
  );
  runtime = await startSandboxGuestlist(dir, { GUESTLIST_CONFIG_FILE: file, GUESTLIST_SANDBOX_LAG_SECONDS: '0' });
  api = await adminApi(runtime);
});
after(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a request for the file's app is provisioned with the app's redirect URL, group and app role", async () => {
  const stored = await runtime.db.store.getAppBySlug('partner-wiki');
  assert.equal(stored?.source, 'file');
  const submitted = await api('POST', '/api/v1/access-requests', {
    email: 'ada@fabrikam.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    app: 'partner-wiki',
    answers: { company: 'Fabrikam' },
  });
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  const id = submitted.body.id as string;
  assert.equal((await api('POST', `/api/v1/access-requests/${id}/approve`, {})).status, 200);
  const invited = await until(
    () => api('GET', `/api/v1/access-requests/${id}`),
    (r) => r.body.status === 'invited',
  );
  assert.equal(invited.body.status, 'invited', JSON.stringify(invited.body));
  const userId = invited.body.directoryUserId as string;
  const emulator = runtime.sandbox!.emulator;
  assert.deepEqual(emulator.groupMembers(GROUP), [userId]);
  assert.deepEqual(emulator.appRoleAssignees(SP, ROLE), [userId]);
  const posted = emulator.invitations.list().at(-1)?.body as { inviteRedirectUrl?: string };
  assert.equal(posted.inviteRedirectUrl, 'https://wiki.contoso.com/');
});
