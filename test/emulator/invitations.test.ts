import assert from 'node:assert/strict';
import { test } from 'node:test';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { call, emulatorFor, graph, invite, keysOf, tokenFor } from './helpers.ts';

const NOW = new Date('2025-06-01T12:00:00Z');

test('the documented invitation request gets the documented response shape', async (t) => {
  const emulator = await emulatorFor(t, { clock: () => NOW });
  const token = await tokenFor(emulator);
  const reply = await graph(emulator, token, {
    method: 'POST',
    path: '/invitations',
    body: examples.invitation_post.request.body,
  });
  assert.equal(reply.status, examples.invitation_post.response.status);
  const documented = examples.invitation_post.response.body;
  assert.deepEqual(keysOf(reply.json), keysOf(documented));
  assert.deepEqual(reply.json.invitedUserMessageInfo, documented.invitedUserMessageInfo);
  assert.equal(reply.json['@odata.context'], `${emulator.url}/v1.0/$metadata#invitations/$entity`);
  for (const key of [
    'invitedUserDisplayName',
    'invitedUserType',
    'invitedUserEmailAddress',
    'sendInvitationMessage',
    'resetRedemption',
    'inviteRedirectUrl',
    'status',
  ] as const) {
    assert.deepEqual(reply.json[key], documented[key], key);
  }
  const redeem = new URL(reply.json.inviteRedeemUrl);
  assert.equal(`${redeem.origin}${redeem.pathname}`, `${emulator.url}/redeem`);
  assert.equal(redeem.searchParams.get('tenant'), emulator.tenantId);
  assert.equal(redeem.searchParams.get('user'), reply.json.invitedUser.id);
  assert.ok(redeem.searchParams.get('ticket'));

  const guest = emulator.getUser(reply.json.invitedUser.id);
  assert.deepEqual(
    { ...guest, id: undefined, identities: undefined },
    {
      id: undefined,
      displayName: null,
      givenName: null,
      surname: null,
      mail: 'admin@fabrikam.com',
      otherMails: [],
      proxyAddresses: [],
      userPrincipalName: 'admin_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      userType: 'Guest',
      externalUserState: 'PendingAcceptance',
      externalUserStateChangeDateTime: '2025-06-01T12:00:00Z',
      accountEnabled: true,
      createdDateTime: '2025-06-01T12:00:00Z',
      creationType: 'Invitation',
      identities: undefined,
    },
  );
  assert.deepEqual(emulator.mailbox.list(), [], 'sendInvitationMessage defaults to false');
});

test('required fields, forbidden characters and a bad redirect URL are 400', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const missingEmail = await graph(emulator, token, {
    method: 'POST',
    path: '/invitations',
    body: { inviteRedirectUrl: 'https://a.example' },
  });
  assert.equal(missingEmail.status, 400);
  assert.match(missingEmail.json.error.message, /invitedUserEmailAddress/);
  const missingRedirect = await graph(emulator, token, {
    method: 'POST',
    path: '/invitations',
    body: { invitedUserEmailAddress: 'a@b.com' },
  });
  assert.match(missingRedirect.json.error.message, /inviteRedirectUrl/);
  for (const ch of '~!#$%^&*()+=[]{}\\/|;:"<>?,') {
    const reply = await invite(emulator, token, { invitedUserEmailAddress: `a${ch}b@fabrikam.com` });
    assert.equal(reply.status, 400, `character ${ch}`);
    assert.equal(reply.json.error.code, 'Request_BadRequest');
  }
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: 'no-at-sign' })).status, 400);
  assert.equal(
    (await invite(emulator, token, { invitedUserEmailAddress: 'a@b.com', inviteRedirectUrl: '/relative' })).status,
    400,
  );
  assert.equal((await invite(emulator, token, { invitedUserEmailAddress: "o'brien@fabrikam.com" })).status, 201);
  assert.equal(emulator.listUsers().length, 1, 'refused invitations create nobody');
});

test('inviting an existing guest returns the same user with a new redeem URL', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const first = await invite(emulator, token, { invitedUserEmailAddress: 'sam@fabrikam.com' });
  const second = await invite(emulator, token, { invitedUserEmailAddress: 'SAM@fabrikam.com' });
  assert.equal(second.status, 201);
  assert.equal(second.json.invitedUser.id, first.json.invitedUser.id);
  assert.notEqual(second.json.inviteRedeemUrl, first.json.inviteRedeemUrl);
  assert.notEqual(second.json.id, first.json.id);
  assert.equal(emulator.listUsers().length, 1);

  // Found through otherMails too, and a redeemed guest's invitation is Completed.
  const contact = emulator.addUser({ mail: null, otherMails: ['kim@northwind.com'], userType: 'Guest' });
  const again = await invite(emulator, token, { invitedUserEmailAddress: 'kim@northwind.com' });
  assert.equal(again.json.invitedUser.id, contact.id);
  assert.equal(again.json.status, 'Completed');
});

test('an address held by an internal member is refused', async (t) => {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  emulator.addUser({ mail: 'alice@contoso.com', userType: 'Member' });
  const reply = await invite(emulator, token, { invitedUserEmailAddress: 'Alice@contoso.com' });
  assert.equal(reply.status, 400);
  assert.equal(reply.json.error.code, 'Request_BadRequest');
  assert.equal(reply.json.error.message, 'Non-external user already exists with the given mail address');
});

test('mail is sent only with sendInvitationMessage: true, to the invitee and the one cc', async (t) => {
  const emulator = await emulatorFor(t, { clock: () => NOW, tenantName: 'Woodgrove' });
  const token = await tokenFor(emulator);
  await invite(emulator, token, { invitedUserEmailAddress: 'quiet@fabrikam.com', sendInvitationMessage: false });
  assert.equal(emulator.mailbox.list().length, 0);
  const sent = await invite(emulator, token, {
    invitedUserEmailAddress: 'loud@fabrikam.com',
    sendInvitationMessage: true,
    invitedUserMessageInfo: {
      customizedMessageBody: 'Welcome to the partner portal.',
      ccRecipients: [{ emailAddress: { address: 'sponsor@woodgrove.com' } }],
    },
  });
  const [mail] = emulator.mailbox.list();
  assert.ok(mail);
  assert.deepEqual(mail.to, ['loud@fabrikam.com', 'sponsor@woodgrove.com']);
  assert.equal(mail.subject, 'Woodgrove invited you to access applications within their organization');
  assert.match(mail.text, /Welcome to the partner portal\./);
  assert.deepEqual(mail.links, [sent.json.inviteRedeemUrl]);
  assert.ok(mail.text.includes(sent.json.inviteRedeemUrl));
  assert.deepEqual(mail.sentAt, NOW);
  assert.equal(sent.json.invitedUserMessageInfo.customizedMessageBody, 'Welcome to the partner portal.');
  const twoCc = await invite(emulator, token, {
    invitedUserEmailAddress: 'x@fabrikam.com',
    invitedUserMessageInfo: {
      ccRecipients: [{ emailAddress: { address: 'a@b.com' } }, { emailAddress: { address: 'c@d.com' } }],
    },
  });
  assert.equal(twoCc.status, 400);
  emulator.mailbox.clear();
  assert.deepEqual(emulator.mailbox.list(), []);
});

test('redeeming marks the guest Accepted and redirects to the invitation redirect URL', async (t) => {
  let now = NOW;
  const emulator = await emulatorFor(t, { clock: () => now });
  const token = await tokenFor(emulator);
  const first = await invite(emulator, token, {
    invitedUserEmailAddress: 'rae@fabrikam.com',
    inviteRedirectUrl: 'https://one.example/',
  });
  const second = await invite(emulator, token, {
    invitedUserEmailAddress: 'rae@fabrikam.com',
    inviteRedirectUrl: 'https://two.example/',
  });
  now = new Date('2025-06-02T08:30:00Z');
  // The older link still works: each re-invite adds a URL, none is revoked.
  const reply = await call(emulator, {
    path: new URL(first.json.inviteRedeemUrl).pathname + new URL(first.json.inviteRedeemUrl).search,
  });
  assert.equal(reply.status, 302);
  assert.equal(reply.headers.location, 'https://one.example/');
  const guest = emulator.getUser(first.json.invitedUser.id);
  assert.equal(guest?.externalUserState, 'Accepted');
  assert.equal(guest?.externalUserStateChangeDateTime, '2025-06-02T08:30:00Z');

  assert.deepEqual(emulator.redeem(second.json.inviteRedeemUrl), { redirectUrl: 'https://two.example/' });
  assert.equal(emulator.redeem('not-a-ticket'), null);
  assert.equal((await call(emulator, { path: '/redeem?ticket=nope' })).status, 404);
  // A day later the first token has expired (exp = iat + 3599 on the emulator's clock).
  const stale = await graph(emulator, token, { path: `/users/${guest?.id}` });
  assert.equal(stale.status, 401);
  assert.equal(stale.json.error.message, 'Lifetime validation failed, the token is expired.');
  const selected = await graph(emulator, await tokenFor(emulator), {
    path: `/users/${guest?.id}?$select=externalUserState`,
  });
  assert.equal(selected.json.externalUserState, 'Accepted');
});

test('redeemBaseUrl puts redeem links on another origin', async (t) => {
  const emulator = await emulatorFor(t, { redeemBaseUrl: 'http://localhost:3000/sandbox/redeem' });
  const token = await tokenFor(emulator);
  const reply = await invite(emulator, token, { invitedUserEmailAddress: 'lee@fabrikam.com' });
  assert.match(reply.json.inviteRedeemUrl, /^http:\/\/localhost:3000\/sandbox\/redeem\?tenant=/);
  assert.ok(emulator.redeem(reply.json.inviteRedeemUrl));
});
