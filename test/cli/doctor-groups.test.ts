// `guestlist doctor` tells each group in GUESTLIST_GROUP_IDS by its kind, and fails the
// kinds whose members Graph will not let Guestlist change, against the bundled emulator.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { GroupKind } from '../../src/emulator/graph/group-kinds.ts';
import { ALL_ROLES, appConfig, startTenant } from '../adapters/directory/emulated-tenant.ts';
import { configFor, doctor, entries } from './doctor-fixtures.ts';

const ASSIGNED =
  'a cloud security group or a Microsoft 365 group (Entra admin center → Groups → New group, Membership type: ' +
  'Assigned), its Object ID in GUESTLIST_GROUP_IDS';

/** Doctor's entries about one group of `kind` named "Access", and its exit code. */
async function groupReport(t: TestContext, kind: GroupKind, roles = ALL_ROLES) {
  const em = await startTenant(t);
  const { id } = em.addGroup({ kind, displayName: 'Access' });
  const { code, output } = await doctor(configFor(await appConfig(em, roles), { groupIds: [id] }), { ca: em.caPem });
  return { code, output, lines: entries(output, `Group ${id}`), name: `Group ${id} ("Access")` };
}

for (const [kind, words] of [
  ['security', 'security group'],
  ['microsoft365', 'Microsoft 365 group'],
] as const) {
  test(`a ${words} is ✓ with its kind: exit 0`, async (t) => {
    const { code, output, lines, name } = await groupReport(t, kind);
    assert.deepEqual(lines, [`✓ ${name} is a ${words}: Guestlist can add guests to it.`]);
    assert.equal(code, 0, output);
  });
}

test('a dynamic group is ✗ with its rule: make the rule match guests, or use an assigned group: exit 1', async (t) => {
  const { code, lines, name } = await groupReport(t, 'dynamic');
  assert.deepEqual(lines, [
    `✗ ${name} is a dynamic group (rule: (user.userType -eq "Guest")): its members come from its rule, and Graph ` +
      'refuses to add any.\n' +
      '    → Either make its rule match the guests who should have the app (user.userType -eq "Guest" matches every ' +
      `guest) and remove it from GUESTLIST_GROUP_IDS, or use an assigned group instead: ${ASSIGNED}.`,
  ]);
  assert.equal(code, 1);
});

for (const [kind, words] of [
  ['synced', 'is synced from on-premises Active Directory: its members are managed there'],
  ['mailEnabledSecurity', 'is a mail-enabled security group: Exchange manages its members'],
  ['distribution', 'is a distribution group: Exchange manages its members'],
] as const) {
  test(`a ${kind} group is ✗ naming its kind, with what to use instead: exit 1`, async (t) => {
    const { code, lines, name } = await groupReport(t, kind);
    assert.deepEqual(lines, [`✗ ${name} ${words}, and Graph refuses to change them.\n    → Use ${ASSIGNED}.`]);
    assert.equal(code, 1);
  });
}

test('a role-assignable group is ✗ when the app lacks RoleManagement.ReadWrite.Directory: exit 1', async (t) => {
  const { code, lines, name } = await groupReport(t, 'roleAssignable');
  assert.deepEqual(lines, [
    `✗ ${name} is a role-assignable security group: adding members to it needs RoleManagement.ReadWrite.Directory, ` +
      'which the app lacks.\n' +
      '    → Prefer a group that is not role-assignable (guests would hold every Entra role assigned to this one): ' +
      `${ASSIGNED}. Otherwise grant RoleManagement.ReadWrite.Directory with admin consent, knowing that it is ` +
      'highly privileged (it can grant any Entra role).',
  ]);
  assert.equal(code, 1);
});

test('a role-assignable group is ! (highly privileged) when the app holds that permission: exit 0', async (t) => {
  const { code, output, lines, name } = await groupReport(t, 'roleAssignable', [
    ...ALL_ROLES,
    'RoleManagement.ReadWrite.Directory',
  ]);
  assert.deepEqual(lines, [
    `! ${name} is a role-assignable security group: Guestlist can add guests to it only because the app holds ` +
      'RoleManagement.ReadWrite.Directory, a highly privileged permission (it can grant any Entra role, Global ' +
      'Administrator included).\n' +
      `    → Prefer a group that is not role-assignable, ${ASSIGNED}; then remove RoleManagement.ReadWrite.Directory ` +
      'from the app.',
  ]);
  assert.equal(code, 0, output);
});

test('each configured group gets its own line, in order', async (t) => {
  const em = await startTenant(t);
  const good = em.addGroup({ kind: 'security', displayName: 'Good' });
  const bad = em.addGroup({ kind: 'distribution', displayName: 'Bad' });
  const config = configFor(await appConfig(em), { groupIds: [good.id, bad.id] });
  const { code, output } = await doctor(config, { ca: em.caPem });
  assert.deepEqual(
    entries(output, 'Group ').map((entry) => entry.split('\n')[0]),
    [
      `✓ Group ${good.id} ("Good") is a security group: Guestlist can add guests to it.`,
      `✗ Group ${bad.id} ("Bad") is a distribution group: Exchange manages its members, and Graph refuses to change them.`,
    ],
  );
  assert.equal(code, 1);
});
