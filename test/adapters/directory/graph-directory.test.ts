// The Graph directory adapter end to end against the bundled emulator, through the real
// @azure/identity credential and Graph client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGraphDirectory } from '../../../src/adapters/directory/index.ts';
import type { EntraConfig } from '../../../src/config.ts';
import { DirectoryError } from '../../../src/domain/directory-error.ts';
import type { InviteInput } from '../../../src/ports.ts';
import { ALL_ROLES, appConfig, certificateAppConfig, type Emulator, entraFor, startTenant } from './emulated-tenant.ts';

function directoryFor(em: Emulator, entra: EntraConfig) {
  return createGraphDirectory({ entra, ca: em.caPem });
}

function invitation(email: string, extra: Partial<InviteInput> = {}): InviteInput {
  return {
    email,
    displayName: 'Test Guest',
    redirectUrl: 'https://app.example.com/',
    sendInvitationMessage: true,
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<DirectoryError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DirectoryError, `expected a DirectoryError, got ${err}`);
    return err;
  }
  assert.fail('expected a rejection');
}

test("finds a person as Microsoft's query does: mail, UPN, the guest's #EXT# UPN, proxyAddresses, otherMails", async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em, [...ALL_ROLES, 'Organization.Read.All']));
  const created = '2026-01-15T08:30:00Z'; // Graph gives whole seconds
  const byMail = em.addUser({
    mail: 'Alice@Contoso.com',
    userType: 'Guest',
    externalUserState: 'Accepted',
    createdDateTime: created,
  });
  const [found] = await directory.findUsersByEmail('alice@contoso.com');
  assert.deepEqual(found, {
    user: {
      id: byMail.id,
      userType: 'Guest',
      mail: 'Alice@Contoso.com',
      displayName: found?.user.displayName ?? null,
      externalUserState: 'Accepted',
      accountEnabled: true,
      createdAt: new Date(created),
    },
    matchedBy: found?.matchedBy.includes('userPrincipalName') ? ['userPrincipalName', 'mail'] : ['mail'],
  });

  const contactOnly = em.addUser({ mail: 'b.contact@tailspin.com', otherMails: ['bob@fabrikam.com'] });
  assert.deepEqual(
    (await directory.findUsersByEmail('bob@fabrikam.com')).map((m) => [m.user.id, m.matchedBy]),
    [[contactOnly.id, ['otherMails']]],
  );
  const proxy = em.addUser({
    mail: 'dana@fabrikam.com',
    proxyAddresses: ['SMTP:dana@fabrikam.com', 'smtp:d@fabrikam.com'],
  });
  assert.deepEqual(
    (await directory.findUsersByEmail('D@Fabrikam.com')).map((m) => [m.user.id, m.matchedBy]),
    [[proxy.id, ['proxyAddresses']]],
  );
  const member = em.addUser({ mail: null, userType: 'Member', userPrincipalName: 'erin@contoso.com' });
  assert.deepEqual(
    (await directory.findUsersByEmail('erin@contoso.com')).map((m) => [m.user.id, m.matchedBy]),
    [[member.id, ['userPrincipalName']]],
  );
  // A guest whose mail is empty is still found by the UPN Entra gave them.
  const tenantDomain = (await directory.verifiedDomains())?.initial;
  assert.ok(tenantDomain?.endsWith('.onmicrosoft.com'));
  const upnOnly = em.addUser({ mail: null, userPrincipalName: `fay_fabrikam.com#EXT#@${tenantDomain}` });
  assert.deepEqual(
    (await directory.findUsersByEmail('fay@fabrikam.com')).map((m) => [m.user.id, m.matchedBy]),
    [[upnOnly.id, ['userPrincipalName']]],
  );
  em.addUser({ mail: 'someone@else.com', otherMails: ['carol@contoso.com'] });
  em.addUser({ mail: 'carol@contoso.com', userType: 'Member' });
  assert.equal(
    (await directory.findUsersByEmail('carol@contoso.com')).length,
    2,
    'every holder, for the caller to judge',
  );
  assert.deepEqual(await directory.findUsersByEmail('nobody@contoso.com'), []);
});

test('verified domains come from /organization; without Organization.Read.All they are null, not an error', async (t) => {
  const em = await startTenant(t);
  em.addVerifiedDomain('contoso.com');
  const allowed = directoryFor(em, await appConfig(em, [...ALL_ROLES, 'Organization.Read.All']));
  const domains = await allowed.verifiedDomains();
  assert.ok(domains?.names.includes('contoso.com'));
  assert.ok(domains?.initial?.endsWith('.onmicrosoft.com'));
  const without = directoryFor(em, await appConfig(em));
  assert.equal(await without.verifiedDomains(), null);
  assert.deepEqual(await without.findUsersByEmail('x@fabrikam.com'), [], 'the lookup still works');
});

test('addresses with + and & survive the query string (the SDK does not encode $filter)', async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em));
  const plus = em.addUser({ mail: 'alice+guests@contoso.com' });
  const ampersand = em.addUser({ mail: 'r&d@contoso.com' });
  assert.equal((await directory.findUsersByEmail('alice+guests@contoso.com'))[0]?.user.id, plus.id);
  assert.equal((await directory.findUsersByEmail('r&d@contoso.com'))[0]?.user.id, ampersand.id);
});

test("o'brien@contoso.com is invited once and then found (OData quotes doubled)", async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em));
  const email = "o'brien@contoso.com";
  assert.deepEqual(await directory.findUsersByEmail(email), []);

  const invited = await directory.invite(invitation(email));
  assert.equal(invited.status, 'PendingAcceptance');
  assert.match(invited.redeemUrl, /^https:\/\//);
  assert.equal(em.invitations.list().length, 1);
  assert.equal(em.mailbox.list().length, 1);

  const found = (await directory.findUsersByEmail(email))[0]?.user;
  assert.equal(found?.id, invited.userId);
  assert.equal(found?.userType, 'Guest');
  assert.equal(found?.externalUserState, 'PendingAcceptance');
  assert.equal((await directory.getUser(invited.userId))?.id, invited.userId);
});

test('invite sends the message info only when given', async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em));
  await directory.invite(invitation('plain@contoso.com', { sendInvitationMessage: false }));
  await directory.invite(invitation('custom@contoso.com', { customMessage: 'Welcome!', messageLanguage: 'fr' }));
  const [plain, custom] = em.invitations
    .list()
    .map((entry: { body: unknown }) => entry.body as Record<string, unknown>);
  assert.deepEqual(plain, {
    invitedUserEmailAddress: 'plain@contoso.com',
    invitedUserDisplayName: 'Test Guest',
    inviteRedirectUrl: 'https://app.example.com/',
    sendInvitationMessage: false,
  });
  assert.deepEqual(custom?.invitedUserMessageInfo, { customizedMessageBody: 'Welcome!', messageLanguage: 'fr' });
  assert.equal(em.mailbox.list().length, 1);
});

for (const status of [503, 429]) {
  test(`an invitation answered ${status} is sent exactly once and reported transient`, async (t) => {
    const em = await startTenant(t);
    const directory = directoryFor(em, await appConfig(em));
    em.setFaults({ rate: 1, statuses: [status], retryAfterSeconds: 2 });
    const error = await rejection(directory.invite(invitation('dana@contoso.com')));
    em.setFaults({ rate: 0 });
    assert.equal(em.invitations.list().length, 1, 'the SDK must not retry POST /invitations');
    assert.equal(error.transient, true);
    assert.equal(error.httpStatus, status);
    // The emulator sends Retry-After with its 429s only.
    assert.equal(error.retryAfterMs, status === 429 ? 2000 : null);
    assert.ok(error.requestId, 'request-id kept');
  });
}

test('adding a member twice succeeds; an unknown group is a permanent 404 with its request-id', async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em));
  const group = await em.addGroup();
  const user = await em.addUser({ mail: 'erin@contoso.com' });
  await directory.addToGroup(group.id, user.id);
  await directory.addToGroup(group.id, user.id);
  assert.deepEqual(em.groupMembers(group.id), [user.id]);

  const error = await rejection(directory.addToGroup('00000000-0000-0000-0000-000000000000', user.id));
  assert.equal(error.transient, false);
  assert.equal(error.httpStatus, 404);
  assert.equal(error.graphCode, 'Request_ResourceNotFound');
  assert.ok(error.requestId);
});

test('getUser returns null for an unknown id', async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em));
  assert.equal(await directory.getUser('00000000-0000-0000-0000-000000000001'), null);
});

test('a missing permission is permanent: 403 Authorization_RequestDenied', async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em, ['User.Read.All']));
  const error = await rejection(directory.invite(invitation('frank@contoso.com')));
  assert.equal(error.transient, false);
  assert.equal(error.httpStatus, 403);
  assert.equal(error.graphCode, 'Authorization_RequestDenied');
  assert.equal(error.scope, 'tenant');
  assert.ok(error.requestId);
  assert.equal(em.invitations.list().filter((entry: { status: number }) => entry.status === 201).length, 0);
});

test('a wrong secret is AADSTS7000215, permanent, and the message holds no secret', async (t) => {
  const em = await startTenant(t);
  const entra = await appConfig(em);
  const wrong = 'Wr0ng~secret.value_that-must-not-leak';
  const directory = directoryFor(em, { ...entra, credential: { kind: 'secret', secret: wrong } });
  const error = await rejection(directory.findUsersByEmail('gina@contoso.com'));
  assert.equal(error.graphCode, 'AADSTS7000215');
  assert.equal(error.transient, false);
  assert.match(error.message, /client secret is wrong/);
  assert.ok(!error.message.includes(wrong) && !error.describe().includes(wrong));
});

test('after a 403 Authorization_RequestDenied the next call gets a fresh token, once per 403', async (t) => {
  const em = await startTenant(t);
  const app = em.registerApp({ roles: ['User.Read.All'] });
  const directory = directoryFor(em, entraFor(em, app.clientId, app.clientSecret!));
  const tokenRequests = () => requests.filter((path) => path.endsWith('/token')).length;
  const requests: string[] = [];
  em.onRequest((event) => requests.push(event.path));

  await directory.findUsersByEmail('kim@contoso.com');
  await directory.findUsersByEmail('kim@contoso.com');
  assert.equal(tokenRequests(), 1, 'the token is cached between calls');
  assert.equal((await rejection(directory.invite(invitation('kim@contoso.com')))).httpStatus, 403);
  // An admin grants the permission: the cached token's `roles` still lack it.
  em.registerApp({ clientId: app.clientId, clientSecret: app.clientSecret!, roles: ALL_ROLES });
  const invited = await directory.invite(invitation('kim@contoso.com'));
  assert.ok(invited.userId);
  assert.equal(tokenRequests(), 2, 'one new token after the 403');
  await directory.findUsersByEmail('kim@contoso.com');
  assert.equal(tokenRequests(), 2, 'and cached again');
});

test('an expired secret reaches the classifier whole: AADSTS7000222, HTTP 401, a tenant fault', async (t) => {
  const em = await startTenant(t);
  const app = em.registerApp({ roles: ALL_ROLES, secretExpired: true });
  const error = await rejection(directoryFor(em, entraFor(em, app.clientId, app.clientSecret!)).getUser('x'));
  assert.deepEqual([error.graphCode, error.httpStatus, error.transient], ['AADSTS7000222', 401, false]);
  assert.equal(error.scope, 'tenant');
  assert.match(error.fix ?? '', /New client secret/);
});

test('a certificate credential works', async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await certificateAppConfig(t, em));
  const user = await em.addUser({ mail: 'hana@contoso.com' });
  assert.equal((await directory.findUsersByEmail('hana@contoso.com'))[0]?.user.id, user.id);
});

test('a call that outlives its timeout is a transient timeout', async (t) => {
  const em = await startTenant(t);
  const directory = createGraphDirectory({ entra: await appConfig(em), ca: em.caPem, timeoutMs: 200 });
  em.setFaults({ rate: 0, slowRate: 1, slowMs: 2000 });
  const error = await rejection(directory.findUsersByEmail('jo@contoso.com'));
  assert.deepEqual([error.transient, error.graphCode], [true, 'timeout']);
});

test('after a 429 on POST /invitations, further invitations wait out Retry-After without calling Graph', async (t) => {
  const em = await startTenant(t);
  em.setInvitationThrottle({ limit: 1, windowMs: 5000 });
  const directory = directoryFor(em, await appConfig(em));
  await directory.invite(invitation('first@fabrikam.com'));
  const throttled = await rejection(directory.invite(invitation('second@fabrikam.com')));
  assert.equal(throttled.httpStatus, 429);
  assert.ok(throttled.transient && (throttled.retryAfterMs ?? 0) > 0);
  assert.equal(em.invitations.list().length, 2);

  const heldBack = await rejection(directory.invite(invitation('third@fabrikam.com')));
  assert.equal(heldBack.httpStatus, 429);
  assert.ok(heldBack.transient);
  assert.ok((heldBack.retryAfterMs ?? 0) > 0 && (heldBack.retryAfterMs ?? 0) <= (throttled.retryAfterMs ?? 0));
  assert.equal(em.invitations.list().length, 2, 'the held-back invitation never reached Graph');
  assert.ok(await directory.findUsersByEmail('first@fabrikam.com'), 'lookups are not held back');
});

test('removeFromGroup removes a member, and says absent (not an error) for one who is not', async (t) => {
  const em = await startTenant(t);
  const directory = directoryFor(em, await appConfig(em));
  const group = em.addGroup();
  const user = await em.addUser({ mail: 'lee@contoso.com', userType: 'Guest' });
  await directory.addToGroup(group.id, user.id);
  assert.equal(await directory.removeFromGroup(group.id, user.id), 'removed');
  assert.deepEqual(em.groupMembers(group.id), []);
  assert.equal(await directory.removeFromGroup(group.id, user.id), 'absent');
  em.setFaults({ rate: 1, statuses: [503] });
  const error = await rejection(directory.removeFromGroup(group.id, user.id));
  assert.deepEqual([error.transient, error.httpStatus], [true, 503], 'other failures are classified as usual');
});

test('deleteUser deletes, says absent when already gone, and a missing permission is about the call, not the tenant', async (t) => {
  const em = await startTenant(t);
  const user = await em.addUser({ mail: 'max@contoso.com', userType: 'Guest' });
  const refused = await rejection(directoryFor(em, await appConfig(em)).deleteUser(user.id));
  assert.deepEqual([refused.transient, refused.httpStatus, refused.scope], [false, 403, 'request']);
  assert.match(refused.message, /grant the application permission User\.ReadWrite\.All/);
  assert.ok(em.getUser(user.id), 'nothing deleted');

  const directory = directoryFor(em, await appConfig(em, [...ALL_ROLES, 'User.ReadWrite.All']));
  assert.equal(await directory.deleteUser(user.id), 'deleted');
  assert.equal(em.getUser(user.id), undefined);
  assert.equal(await directory.deleteUser(user.id), 'absent');
});
