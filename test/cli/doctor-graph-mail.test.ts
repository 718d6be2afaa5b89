// `guestlist doctor` with mail through Microsoft Graph (GUESTLIST_MAIL_MAILBOX), against
// the emulator: Mail.Send in the token, the mailbox, the Exchange commands that scope
// Mail.Send to it (named with this app's ids), and --send-test through Graph.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_ROLES, appConfig, startTenant } from '../adapters/directory/emulated-tenant.ts';
import { configFor, doctor, entries, failures } from './doctor-fixtures.ts';

const MAILBOX = 'guestlist@contoso.com';

test('Mail.Send granted, the mailbox exists: ✓, and the access policy commands are named; --send-test sends through Graph', async (t) => {
  const em = await startTenant(t);
  em.addUser({ mail: MAILBOX, userType: 'Member', accountEnabled: false });
  const entra = await appConfig(em, [...ALL_ROLES, 'Mail.Send']);
  const { code, output } = await doctor(configFor(entra, { mailbox: MAILBOX }), {
    ca: em.caPem,
    sendTestTo: 'admin@contoso.com',
  });
  assert.deepEqual(failures(output), []);
  assert.equal(code, 0, output);
  assert.match(output, /✓ Permission Mail\.Send is granted: Guestlist can send its emails as guestlist@contoso\.com/);
  assert.match(output, /✓ Mailbox guestlist@contoso\.com exists \(a shared mailbox/);
  const [policy] = entries(output, 'lets the app send as ANY mailbox');
  assert.ok(policy, output);
  assert.match(policy, /^! /);
  assert.ok(
    policy.includes(
      `New-ApplicationAccessPolicy -AppId ${entra.clientId} -PolicyScopeGroupId ${MAILBOX} -AccessRight RestrictAccess`,
    ),
  );
  assert.ok(policy.includes(`Test-ApplicationAccessPolicy -Identity ${MAILBOX} -AppId ${entra.clientId}`));
  assert.match(policy, /New-ManagementRoleAssignment -App \S+ -Role "Application Mail\.Send"/);
  assert.match(output, /✓ Test message to admin@contoso\.com: Microsoft Graph accepted it from guestlist@contoso\.com/);
  const [sent] = em.mailbox.list();
  assert.deepEqual([sent?.from, sent?.to], [MAILBOX, ['admin@contoso.com']]);
  assert.ok(!output.includes(entra.credential.kind === 'secret' ? entra.credential.secret : '\0'), 'no secret');
});

test('without Mail.Send: ✗ with the fix; an unknown mailbox: ✗; the test message is refused with ErrorAccessDenied', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em, ALL_ROLES);
  const { code, output } = await doctor(configFor(entra, { mailbox: 'nobody@contoso.com' }), {
    ca: em.caPem,
    sendTestTo: 'admin@contoso.com',
  });
  assert.equal(code, 1);
  const [permission] = entries(output, 'Permission Mail.Send is missing');
  assert.match(
    permission ?? '',
    /→ Entra admin center → App registrations → your app \(client id [0-9a-f-]+\).*Mail\.Send/,
  );
  assert.match(output, /✗ No user or mailbox nobody@contoso\.com in the tenant\./);
  assert.match(output, /✗ Test message to admin@contoso\.com: Microsoft Graph refused .*ErrorAccessDenied/);
  assert.equal(em.mailbox.list().length, 0);
});

test('a guest is no mailbox: ✗ saying to use a shared mailbox', async (t) => {
  const em = await startTenant(t);
  em.addUser({ mail: 'guest@fabrikam.com', userType: 'Guest' });
  const entra = await appConfig(em, [...ALL_ROLES, 'Mail.Send']);
  const { output } = await doctor(configFor(entra, { mailbox: 'guest@fabrikam.com' }), { ca: em.caPem });
  assert.match(output, /✗ guest@fabrikam\.com is in the directory but has no Exchange Online mailbox \(a guest\)/);
});
