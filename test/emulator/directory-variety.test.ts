import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatorFor, graph, invite, tokenFor } from './helpers.ts';

const ids = (reply: { json: { value: Array<{ id: string }> } }) => reply.json.value.map((u) => u.id).sort();

test('Microsoft\'s "already invited?" query: UPN, mail, smtp proxy address or otherMails, joined with or', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const people = {
    byUpn: emulator.addUser({ mail: null, userType: 'Guest', otherMails: ['x@tailspin.com'] }),
    byProxy: emulator.addUser({
      mail: 'primary@contoso.com',
      userType: 'Member',
      proxyAddresses: ['SMTP:primary@contoso.com', 'smtp:Dana@Contoso.com'],
    }),
    byOther: emulator.addUser({ mail: null, otherMails: ['dana@contoso.com'], userType: 'Guest' }),
    unrelated: emulator.addUser({ mail: 'someone@else.com', proxyAddresses: ['smtp:someone@else.com'] }),
  };
  // The guest UPN form: alice_contoso.com#EXT#@<tenant>.onmicrosoft.com.
  assert.equal(people.byUpn.userPrincipalName, 'x_tailspin.com#EXT#@contoso.onmicrosoft.com');

  const address = 'dana@contoso.com';
  const upn = `${address.replace('@', '_')}#EXT#@contoso.onmicrosoft.com`;
  const filter = [
    `userPrincipalName eq '${upn}'`,
    `mail eq '${address}'`,
    `proxyAddresses/any(x:x eq 'smtp:${address}')`,
    `otherMails/any(x:x eq '${address}')`,
  ].join(' or ');
  const reply = await graph(emulator, token, { path: `/users?$filter=${encodeURIComponent(filter)}&$select=id` });
  assert.equal(reply.status, 200);
  assert.deepEqual(ids(reply), [people.byProxy.id, people.byOther.id].sort());

  // Case-insensitive on the scheme and the address, as Graph compares.
  const upper = await graph(emulator, token, {
    path: `/users?$filter=${encodeURIComponent("proxyAddresses/any(p:p eq 'SMTP:DANA@contoso.com')")}`,
  });
  assert.deepEqual(ids(upper), [people.byProxy.id]);
  const byUpn = await graph(emulator, token, {
    path: `/users?$filter=${encodeURIComponent(`userPrincipalName eq '${people.byUpn.userPrincipalName}'`)}`,
  });
  assert.deepEqual(ids(byUpn), [people.byUpn.id]);

  // proxyAddresses and createdDateTime come back when selected.
  const selected = await graph(emulator, token, {
    path: `/users/${people.byProxy.id}?$select=id,proxyAddresses,createdDateTime`,
  });
  assert.deepEqual(selected.json.proxyAddresses, ['SMTP:primary@contoso.com', 'smtp:Dana@Contoso.com']);
  assert.match(selected.json.createdDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // The invitation service knows proxy addresses too: a member's alias is not invitable.
  const refused = await invite(emulator, token, { invitedUserEmailAddress: 'DANA@contoso.com' });
  assert.equal(refused.status, 400);
});

test('addUser seeds the directory Guestlist meets in real tenants', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const selfService = emulator.addUser({ mail: 'ss@fabrikam.com', userType: 'Guest', externalUserState: null });
  const b2bMember = emulator.addUser({
    mail: 'b2b@fabrikam.com',
    userType: 'Member',
    externalUserState: 'PendingAcceptance',
  });
  const disabled = emulator.addUser({ mail: 'gone@fabrikam.com', userType: 'Guest', accountEnabled: false });
  const noMailbox = emulator.addUser({
    mail: null,
    userType: 'Member',
    userPrincipalName: 'svc@contoso.onmicrosoft.com',
  });
  const old = emulator.addUser({
    mail: 'old@fabrikam.com',
    userType: 'Guest',
    createdDateTime: '2019-02-07T21:53:13Z',
  });

  const select = '$select=id,mail,userType,externalUserState,accountEnabled,createdDateTime';
  const get = async (id: string) => (await graph(emulator, token, { path: `/users/${id}?${select}` })).json;
  assert.equal((await get(selfService.id)).externalUserState, null);
  assert.equal((await get(selfService.id)).userType, 'Guest');
  assert.deepEqual(
    [(await get(b2bMember.id)).userType, (await get(b2bMember.id)).externalUserState],
    ['Member', 'PendingAcceptance'],
  );
  assert.equal((await get(disabled.id)).accountEnabled, false);
  assert.equal((await get(noMailbox.id)).mail, null);
  assert.equal((await get(old.id)).createdDateTime, '2019-02-07T21:53:13Z');
  const enabledOnly = await graph(emulator, token, {
    path: `/users?$filter=${encodeURIComponent("accountEnabled eq false and userType eq 'Guest'")}&$select=id`,
  });
  assert.deepEqual(ids(enabledOnly), [disabled.id]);

  // A B2B member is external: inviting it returns it, not "non-external user already exists".
  const again = await invite(emulator, token, { invitedUserEmailAddress: 'b2b@fabrikam.com' });
  assert.equal(again.status, 201);
  assert.equal(again.json.invitedUser.id, b2bMember.id);
  assert.throws(() => emulator.addUser({ mail: 'x@y.com', createdDateTime: 'yesterday' }), TypeError);
});
