import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Emulator } from '../../src/emulator/index.ts';
import examples from './fixtures/graph-examples.json' with { type: 'json' };
import { emulatorFor, graph, keysOf, tokenFor } from './helpers.ts';

async function directory(t: Parameters<typeof emulatorFor>[0]) {
  const emulator = await emulatorFor(t);
  const token = await tokenFor(emulator);
  const people = {
    member: emulator.addUser({ mail: 'Alice@Contoso.com', displayName: 'Alice', userType: 'Member' }),
    obrien: emulator.addUser({
      mail: "o'brien@fabrikam.com",
      userType: 'Guest',
      externalUserState: 'PendingAcceptance',
    }),
    // A guest whose address lives only in otherMails (reference: "Finding a person").
    contact: emulator.addUser({ mail: null, otherMails: ['kim@northwind.com'], userType: 'Guest' }),
  };
  return { emulator, token, people };
}

const find = (emulator: Emulator, token: string, query: string, headers?: Record<string, string>) =>
  graph(emulator, token, { path: `/users?${query}`, ...(headers ? { headers } : {}) });
const ids = (reply: { json: { value: Array<{ id: string }> } }) => reply.json.value.map((u) => u.id).sort();

test('$filter eq on mail is case-insensitive and doubled quotes match an apostrophe', async (t) => {
  const { emulator, token, people } = await directory(t);
  const byMail = await find(emulator, token, "$filter=mail eq 'alice@contoso.COM'");
  assert.equal(byMail.status, 200);
  assert.equal(byMail.json['@odata.context'], `${emulator.url}/v1.0/$metadata#users`);
  assert.deepEqual(ids(byMail), [people.member.id]);
  const obrien = await find(emulator, token, `$filter=${encodeURIComponent("mail eq 'o''brien@fabrikam.com'")}`);
  assert.deepEqual(ids(obrien), [people.obrien.id]);
});

test('an unescaped apostrophe is 400 Invalid filter clause', async (t) => {
  const { emulator, token } = await directory(t);
  const reply = await find(emulator, token, `$filter=${encodeURIComponent("mail eq 'o'brien@fabrikam.com'")}`, {
    'client-request-id': 'c-1',
  });
  assert.equal(reply.status, 400);
  assert.equal(reply.json.error.code, 'Request_BadRequest');
  assert.equal(reply.json.error.message, 'Invalid filter clause');
  assert.deepEqual(keysOf(reply.json.error.innerError), ['client-request-id', 'date', 'request-id']);
  assert.equal(reply.json.error.innerError['client-request-id'], 'c-1');
  assert.equal(reply.headers['client-request-id'], 'c-1');
  assert.equal(reply.json.error.innerError['request-id'], reply.headers['request-id']);
  const booleanQuoted = await find(emulator, token, "$filter=accountEnabled eq 'true'");
  assert.equal(booleanQuoted.json.error.message, 'Invalid filter clause');
});

test('otherMails/any with any variable name, combined with or / and', async (t) => {
  const { emulator, token, people } = await directory(t);
  for (const variable of ['x', 'm', 'address']) {
    const reply = await find(emulator, token, `$filter=otherMails/any(${variable}:${variable} eq 'KIM@northwind.com')`);
    assert.deepEqual(ids(reply), [people.contact.id], variable);
  }
  const either = await find(
    emulator,
    token,
    "$filter=mail eq 'kim@northwind.com' or otherMails/any(x:x eq 'kim@northwind.com')",
  );
  assert.deepEqual(ids(either), [people.contact.id]);
  const guests = await find(emulator, token, "$filter=userType eq 'Guest' and accountEnabled eq true");
  assert.deepEqual(ids(guests), [people.obrien.id, people.contact.id].sort());
  const grouped = await find(
    emulator,
    token,
    "$filter=(userType eq 'Member' or mail eq 'nobody@x.com') and accountEnabled eq true",
  );
  assert.deepEqual(ids(grouped), [people.member.id]);
});

test('advanced operators need ConsistencyLevel: eventual and $count=true', async (t) => {
  const { emulator, token, people } = await directory(t);
  const bare = await find(emulator, token, "$filter=endsWith(mail,'@contoso.com')");
  assert.equal(bare.status, 400);
  assert.deepEqual(bare.json.error.code, examples.error_unsupported_query.body.error.code);
  assert.equal(bare.json.error.message, examples.error_unsupported_query.body.error.message);
  // $count=true alone is not enough.
  const countOnly = await find(emulator, token, "$filter=endsWith(mail,'@contoso.com')&$count=true");
  assert.equal(countOnly.status, 400);
  const ne = await find(emulator, token, "$filter=userType ne 'Guest'");
  assert.match(ne.json.error.message, /^Operator 'ne' is not supported/);
  const not = await find(emulator, token, "$filter=not(userType eq 'Guest')");
  assert.match(not.json.error.message, /^Operator 'not' is not supported/);

  const advanced = await find(emulator, token, "$filter=endsWith(mail,'@contoso.com')&$count=true", {
    ConsistencyLevel: 'eventual',
  });
  assert.equal(advanced.status, 200);
  assert.equal(advanced.json['@odata.count'], 1);
  assert.deepEqual(ids(advanced), [people.member.id]);
  const startsWith = await find(emulator, token, "$filter=startsWith(mail,'alice')");
  assert.deepEqual(ids(startsWith), [people.member.id]);
});

test('a property Graph cannot filter on is 400 Request_UnsupportedQuery', async (t) => {
  const { emulator, token } = await directory(t);
  const reply = await find(emulator, token, "$filter=jobTitle eq 'CEO'");
  assert.equal(reply.status, 400);
  assert.equal(reply.json.error.code, 'Request_UnsupportedQuery');
});

test('externalUserState comes back only when selected, and $select returns only what it names', async (t) => {
  const { emulator, token, people } = await directory(t);
  const plain = await graph(emulator, token, { path: `/users/${people.obrien.id}` });
  assert.equal(plain.status, 200);
  assert.equal(plain.json.id, people.obrien.id);
  for (const hidden of ['externalUserState', 'externalUserStateChangeDateTime', 'userType', 'otherMails']) {
    assert.ok(!(hidden in plain.json), hidden);
  }
  const selected = await find(
    emulator,
    token,
    `$filter=mail eq 'o''brien@fabrikam.com'&$select=externalUserState,userType`,
  );
  assert.equal(selected.json['@odata.context'], `${emulator.url}/v1.0/$metadata#users(externalUserState,userType)`);
  assert.deepEqual(selected.json.value, [{ externalUserState: 'PendingAcceptance', userType: 'Guest' }]);
  const unknown = await find(emulator, token, '$select=id,favouriteColour');
  assert.equal(unknown.status, 400);
});

test('a guest UPN is found with # sent as %23; a raw # cuts the query short', async (t) => {
  const { emulator, token, people } = await directory(t);
  const upn = people.obrien.userPrincipalName;
  assert.equal(upn, "o'brien_fabrikam.com#EXT#@contoso.onmicrosoft.com");
  const encoded = await graph(emulator, token, { path: `/users/${encodeURIComponent(upn)}?$select=id` });
  assert.deepEqual(encoded.json, {
    '@odata.context': `${emulator.url}/v1.0/$metadata#users(id)/$entity`,
    id: people.obrien.id,
  });
  const filtered = await find(
    emulator,
    token,
    `$filter=${encodeURIComponent(`userPrincipalName eq '${upn.replace("'", "''")}'`)}`,
  );
  assert.deepEqual(ids(filtered), [people.obrien.id]);
  const raw = await find(
    emulator,
    token,
    `$filter=userPrincipalName eq 'o''brien_fabrikam.com#EXT#@contoso.onmicrosoft.com'`,
  );
  assert.equal(raw.status, 400);
});

test('an unknown user is 404 Request_ResourceNotFound with the documented message', async (t) => {
  const { emulator, token } = await directory(t);
  const id = '11111111-2222-3333-4444-555555555555';
  const reply = await graph(emulator, token, { path: `/users/${id}` });
  assert.equal(reply.status, 404);
  assert.equal(reply.json.error.code, 'Request_ResourceNotFound');
  assert.equal(
    reply.json.error.message,
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
});

test('$top pages with @odata.nextLink', async (t) => {
  const { emulator, token } = await directory(t);
  const first = await find(emulator, token, '$top=2&$select=id');
  assert.equal(first.json.value.length, 2);
  const next = new URL(first.json['@odata.nextLink']);
  const second = await graph(emulator, token, { path: `/users${next.search}` });
  assert.equal(second.json.value.length, 1);
  assert.equal(second.json['@odata.nextLink'], undefined);
  assert.equal((await find(emulator, token, '$top=1000')).status, 400);
});

test('PATCH blocks sign-in and DELETE removes the user and their memberships', async (t) => {
  const { emulator, token, people } = await directory(t);
  const group = emulator.addGroup();
  await graph(emulator, token, {
    method: 'POST',
    path: `/groups/${group.id}/members/$ref`,
    body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${people.obrien.id}` },
  });
  const patch = await graph(emulator, token, {
    method: 'PATCH',
    path: `/users/${people.obrien.id}`,
    body: { accountEnabled: false },
  });
  assert.equal(patch.status, 204);
  assert.equal(patch.text, '');
  assert.equal(emulator.getUser(people.obrien.id)?.accountEnabled, false);
  const readOnly = await graph(emulator, token, {
    method: 'PATCH',
    path: `/users/${people.obrien.id}`,
    body: { externalUserState: 'Accepted' },
  });
  assert.equal(readOnly.status, 400);

  const removed = await graph(emulator, token, { method: 'DELETE', path: `/users/${people.obrien.id}` });
  assert.equal(removed.status, 204);
  assert.equal(emulator.getUser(people.obrien.id), undefined);
  assert.deepEqual(emulator.groupMembers(group.id), []);
  assert.equal((await graph(emulator, token, { method: 'DELETE', path: `/users/${people.obrien.id}` })).status, 404);
});

test('lookups follow PATCHed addresses and forget deleted users', async (t) => {
  const { emulator, token, people } = await directory(t);
  const patch = await graph(emulator, token, {
    method: 'PATCH',
    path: `/users/${people.contact.id}`,
    body: { mail: 'kim.new@northwind.com', otherMails: ['kim.alt@northwind.com'] },
  });
  assert.equal(patch.status, 204);
  const byOld = await find(emulator, token, "$filter=otherMails/any(x:x eq 'kim@northwind.com')");
  assert.deepEqual(ids(byOld), []);
  const byNew = await find(
    emulator,
    token,
    "$filter=mail eq 'kim.new@northwind.com' or otherMails/any(x:x eq 'kim.alt@northwind.com')",
  );
  assert.deepEqual(ids(byNew), [people.contact.id]);
  await graph(emulator, token, { method: 'DELETE', path: `/users/${people.contact.id}` });
  assert.deepEqual(ids(await find(emulator, token, "$filter=mail eq 'kim.new@northwind.com'")), []);
  const invited = await graph(emulator, token, {
    method: 'POST',
    path: '/invitations',
    body: { invitedUserEmailAddress: 'kim.new@northwind.com', inviteRedirectUrl: 'https://a.example' },
  });
  assert.notEqual(invited.json.invitedUser.id, people.contact.id, 'a deleted guest is not reused');
});
