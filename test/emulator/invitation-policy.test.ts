import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatorFor, graph, invite, tokenFor } from './helpers.ts';

test('GET /policies/authorizationPolicy needs Policy.Read.All and reports allowInvitesFrom', async (t) => {
  const emulator = await emulatorFor(t);
  const denied = await graph(emulator, await tokenFor(emulator), { path: '/policies/authorizationPolicy' });
  assert.equal(denied.status, 403);
  assert.equal(denied.json.error.code, 'Authorization_RequestDenied');

  const token = await tokenFor(emulator, ['Policy.Read.All']);
  const reply = await graph(emulator, token, { path: '/policies/authorizationPolicy' });
  assert.equal(reply.status, 200);
  assert.equal(reply.json['@odata.context'], `${emulator.url}/v1.0/$metadata#policies/authorizationPolicy/$entity`);
  assert.equal(reply.json.id, 'authorizationPolicy');
  assert.equal(reply.json.allowInvitesFrom, 'everyone');
  assert.equal(typeof reply.json.defaultUserRolePermissions.allowedToReadOtherUsers, 'boolean');
  emulator.setInvitationPolicy({ allowInvitesFrom: 'adminsAndGuestInviters' });
  const changed = await graph(emulator, token, { path: '/policies/authorizationPolicy' });
  assert.equal(changed.json.allowInvitesFrom, 'adminsAndGuestInviters');
  assert.throws(() => emulator.setInvitationPolicy({ allowInvitesFrom: 'admins' as never }), TypeError);
});

test('a tenant blocked for suspicious activity refuses every invitation with 403', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  emulator.setInvitationPolicy({ blockedForSuspiciousActivity: true });
  const reply = await invite(emulator, token, { invitedUserEmailAddress: 'sus@fabrikam.com' });
  assert.equal(reply.status, 403);
  assert.match(reply.json.error.message, /^Invitations are blocked for this directory due to suspicious activity/);
  assert.deepEqual(emulator.listUsers(), []);
  emulator.setInvitationPolicy({ blockedForSuspiciousActivity: false });
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'sus@fabrikam.com' })).status, 201);
});

test('allowInvitesFrom none or adminsAndGuestInviters refuses an app-only caller', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  for (const allowInvitesFrom of ['none', 'adminsAndGuestInviters'] as const) {
    emulator.setInvitationPolicy({ allowInvitesFrom });
    const reply = await invite(emulator, token, { invitedUserEmailAddress: 'who@fabrikam.com' });
    assert.equal(reply.status, 403, allowInvitesFrom);
    assert.equal(
      reply.json.error.message,
      'Guest invitations not allowed for your company. Contact your company administrator for more details.',
    );
  }
  assert.deepEqual(emulator.listUsers(), []);
  for (const allowInvitesFrom of ['adminsGuestInvitersAndAllMembers', 'everyone'] as const) {
    emulator.setInvitationPolicy({ allowInvitesFrom });
    assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'who@fabrikam.com' })).status, 201);
  }
});

test('a blocked domain, or one missing from the allowlist, is refused', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  emulator.setInvitationPolicy({ blockedDomains: ['Gmail.com'] });
  const blocked = await invite(emulator, token, { invitedUserEmailAddress: 'someone@GMAIL.com' });
  assert.equal(blocked.status, 403);
  assert.match(blocked.json.error.message, /domain 'gmail\.com' is not allowed/);
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'a@fabrikam.com' })).status, 201);
  assert.throws(() => emulator.setInvitationPolicy({ allowedDomains: ['fabrikam.com'] }), TypeError);

  emulator.setInvitationPolicy({ blockedDomains: null, allowedDomains: ['fabrikam.com'] });
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'b@fabrikam.com' })).status, 201);
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'c@northwind.com' })).status, 403);
  assert.equal(emulator.listUsers().length, 2);
});

test('GET /organization lists verified domains; an address on one cannot be invited', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const denied = await graph(emulator, token, { path: '/organization?$select=verifiedDomains' });
  assert.equal(denied.status, 403, 'User.Read.All does not read the organization');

  emulator.addVerifiedDomain('Contoso.com');
  const reader = await tokenFor(emulator, ['Organization.Read.All']);
  const reply = await graph(emulator, reader, { path: '/organization?$select=verifiedDomains' });
  assert.equal(reply.status, 200);
  assert.equal(reply.json['@odata.context'], `${emulator.url}/v1.0/$metadata#organization(verifiedDomains)`);
  assert.deepEqual(reply.json.value, [
    {
      verifiedDomains: [
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: false,
          isInitial: true,
          name: 'contoso.onmicrosoft.com',
          type: 'Managed',
        },
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: true,
          isInitial: false,
          name: 'contoso.com',
          type: 'Managed',
        },
      ],
    },
  ]);
  const byId = await graph(emulator, await tokenFor(emulator, ['Directory.Read.All']), {
    path: `/organization/${emulator.tenantId}`,
  });
  assert.equal(byId.status, 200);
  assert.equal(byId.json.id, emulator.tenantId);

  for (const address of ['new.hire@contoso.com', 'x@contoso.onmicrosoft.com']) {
    const refused = await invite(emulator, token, { invitedUserEmailAddress: address });
    assert.equal(refused.status, 400, address);
    assert.equal(refused.json.error.code, 'Request_BadRequest');
    assert.match(refused.json.error.message, /verified domain/);
  }
  assert.deepEqual(emulator.listUsers(), []);
  assert.throws(() => emulator.addVerifiedDomain('not a domain'), TypeError);
});
