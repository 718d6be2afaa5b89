// `guestlist doctor` reads the tenant's invitation policy (allowInvitesFrom) when the app
// holds the optional Policy.Read.All, against the bundled emulator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EntraConfig } from '../../src/config.ts';
import type { AllowInvitesFrom } from '../../src/emulator/graph/invitation-policy.ts';
import { ALL_ROLES, appConfig, type Emulator, startTenant } from '../adapters/directory/emulated-tenant.ts';
import { configFor, doctor, entries } from './doctor-fixtures.ts';

const WITH_POLICY = [...ALL_ROLES, 'Policy.Read.All'];

async function policyReport(em: Emulator, entra: EntraConfig) {
  const { code, output } = await doctor(configFor(entra), { ca: em.caPem });
  return { code, output, lines: entries(output, 'Invitation policy') };
}

for (const value of ['everyone', 'adminsGuestInvitersAndAllMembers'] as const) {
  test(`allowInvitesFrom ${value} is ✓ with the value: exit 0`, async (t) => {
    const em = await startTenant(t);
    em.setInvitationPolicy({ allowInvitesFrom: value });
    const { code, output, lines } = await policyReport(em, await appConfig(em, WITH_POLICY));
    assert.deepEqual(lines, [`✓ Invitation policy lets the app invite guests (allowInvitesFrom: ${value}).`]);
    assert.equal(code, 0, output);
  });
}

for (const value of ['none', 'adminsAndGuestInviters'] as const satisfies AllowInvitesFrom[]) {
  test(`allowInvitesFrom ${value} is ✗ (app-only invitations refused) with the fix: exit 1`, async (t) => {
    const em = await startTenant(t);
    em.setInvitationPolicy({ allowInvitesFrom: value });
    const { code, lines } = await policyReport(em, await appConfig(em, WITH_POLICY));
    assert.deepEqual(lines, [
      `✗ Invitation policy refuses app-only invitations (allowInvitesFrom: ${value}): ` +
        'Graph will answer 403 to every invitation Guestlist sends.\n' +
        '    → Entra admin center → External Identities → External collaboration settings → Guest invite settings: ' +
        'choose "Member users and users assigned to specific admin roles can invite guest users…" or "Anyone in the ' +
        'organization can invite guest users…", then Save.',
    ]);
    assert.equal(code, 1);
  });
}

test('Policy.ReadWrite.Authorization reads the policy too', async (t) => {
  const em = await startTenant(t);
  em.setInvitationPolicy({ allowInvitesFrom: 'none' });
  const { code, lines } = await policyReport(em, await appConfig(em, [...ALL_ROLES, 'Policy.ReadWrite.Authorization']));
  assert.match(lines[0] ?? '', /^✗ Invitation policy refuses app-only invitations \(allowInvitesFrom: none\)/);
  assert.equal(code, 1);
});

test('without Policy.Read.All the check is skipped, saying why and how to enable it: exit 0', async (t) => {
  const em = await startTenant(t);
  em.setInvitationPolicy({ allowInvitesFrom: 'none' }); // unseen: doctor cannot read it
  const entra = await appConfig(em);
  const { code, output, lines } = await policyReport(em, entra);
  assert.deepEqual(lines, [
    '- skipped: Invitation policy — reading it needs Policy.Read.All (optional; the app lacks it).\n' +
      `    → To check it, grant it: Entra admin center → App registrations → your app (client id ${entra.clientId}) → ` +
      'API permissions → Add a permission → Microsoft Graph → Application permissions → Policy.Read.All → Add; ' +
      'then "Grant admin consent for <your tenant>".',
  ]);
  assert.equal(code, 0, output);
});

test('sandbox mode lists the check as skipped', async () => {
  const { output } = await doctor(configFor(null));
  assert.deepEqual(entries(output, 'Invitation policy'), [
    '- skipped: Invitation policy — sandbox mode: the bundled emulator plays Microsoft Entra ID.',
  ]);
});

test('a policy Graph fails to answer is a warning naming the failure, not a ✗: exit 0', async (t) => {
  const em = await startTenant(t);
  em.setFaults({ rate: 1, statuses: [503], operations: ['getAuthorizationPolicy'] });
  const { code, output, lines } = await policyReport(em, await appConfig(em, WITH_POLICY));
  assert.equal(lines.length, 1, output);
  assert.match(lines[0]!, /^! Invitation policy could not be read: ServiceUnavailable: .* · HTTP 503 · request-id /);
  assert.equal(code, 0, output);
});
