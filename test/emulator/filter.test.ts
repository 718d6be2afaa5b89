import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateIds } from '../../src/emulator/graph/filter-candidates.ts';
import {
  checkFilter,
  FilterClauseError,
  matchesFilter,
  UnsupportedFilterError,
} from '../../src/emulator/graph/filter-eval.ts';
import { FilterSyntaxError, parseFilter } from '../../src/emulator/graph/filter-parse.ts';
import type { EmulatedUser } from '../../src/emulator/index.ts';
import { createState, insertUser } from '../../src/emulator/state.ts';

const user: EmulatedUser = {
  id: 'u1',
  displayName: 'Pat Doe',
  givenName: null,
  surname: null,
  mail: null,
  otherMails: ['pat@fabrikam.com', 'p.doe@fabrikam.com'],
  proxyAddresses: ['SMTP:pat@fabrikam.com'],
  userPrincipalName: 'pat_fabrikam.com#EXT#@contoso.onmicrosoft.com',
  userType: 'Guest',
  externalUserState: 'Accepted',
  externalUserStateChangeDateTime: null,
  accountEnabled: true,
  createdDateTime: '2025-01-01T00:00:00Z',
  creationType: 'Invitation',
  identities: [{ signInType: 'emailAddress', issuer: 'contoso.onmicrosoft.com', issuerAssignedId: 'pat@fabrikam.com' }],
};

const matches = (filter: string) => {
  const node = parseFilter(filter);
  checkFilter(node);
  return matchesFilter(node, user);
};

test('literals: doubled quotes, booleans, null, in-lists', () => {
  assert.deepEqual(parseFilter("mail eq 'it''s'"), { kind: 'compare', op: 'eq', path: ['mail'], value: "it's" });
  assert.equal(matches("displayName in ('Someone', 'PAT DOE')"), true);
  assert.equal(matches('accountEnabled eq true'), true);
  assert.equal(checkFilter(parseFilter('mail eq null')), 'eq', 'null comparisons are advanced queries');
  assert.equal(matches('mail eq null'), true);
});

test('lambdas over string and complex collections, all and any', () => {
  assert.equal(matches("otherMails/any(a:startsWith(a,'P.DOE'))"), true);
  assert.equal(matches("otherMails/all(a:endsWith(a,'@fabrikam.com'))"), true);
  assert.equal(
    matches("identities/any(c:c/issuerAssignedId eq 'pat@fabrikam.com' and c/issuer eq 'contoso.onmicrosoft.com')"),
    true,
  );
  assert.equal(matches("identities/any(c:c/issuerAssignedId eq 'someone@else.com')"), false);
});

test('precedence: and binds tighter than or; parentheses override', () => {
  assert.equal(matches("userType eq 'Member' and accountEnabled eq true or displayName eq 'Pat Doe'"), true);
  assert.equal(matches("userType eq 'Member' and (accountEnabled eq true or displayName eq 'Pat Doe')"), false);
});

test('malformed filters are syntax errors; wrong types and misuse are clause errors', () => {
  for (const bad of [
    "mail eq 'o'brien@x.com'",
    "mail eq 'open",
    'mail eq',
    "(mail eq 'a'",
    "mail eq 'a')",
    "mail ~ 'a'",
    "contains(mail,'a')",
  ]) {
    assert.throws(() => parseFilter(bad), FilterSyntaxError, bad);
  }
  for (const bad of [
    "accountEnabled eq 'true'",
    'mail eq true',
    "otherMails eq 'a'",
    "mail/any(x:x eq 'a')",
    "otherMails/any(x:y eq 'a')",
  ]) {
    assert.throws(() => checkFilter(parseFilter(bad)), FilterClauseError, bad);
  }
  assert.throws(() => checkFilter(parseFilter("city eq 'Oslo'")), UnsupportedFilterError);
});

test('index narrowing never drops a match', () => {
  const state = createState({ tenantId: 't', tenantName: 'Contoso', clock: () => new Date(0) });
  const made = [
    insertUser(state, { mail: 'a@x.com', userType: 'Guest' }),
    insertUser(state, { mail: null, otherMails: ['b@x.com', 'A@x.com'], userType: 'Guest' }),
    insertUser(state, { mail: 'c@x.com', userType: 'Member' }),
  ];
  const filters = [
    "mail eq 'A@X.COM'",
    "mail eq 'a@x.com' or otherMails/any(o:o eq 'a@x.com')",
    "otherMails/any(o:o eq 'b@x.com') and userType eq 'Guest'",
    "userType eq 'Member' and mail in ('c@x.com', 'z@x.com')",
    `id eq '${made[2]?.id}' or userPrincipalName eq '${made[0]?.userPrincipalName}'`,
    "userType eq 'Guest'",
  ];
  for (const filter of filters) {
    const node = parseFilter(filter);
    const scanned = [...state.users.values()].filter((u) => matchesFilter(node, u)).map((u) => u.id);
    const candidates = candidateIds(node, state.index);
    assert.ok(scanned.length > 0, filter);
    if (candidates) for (const id of scanned) assert.ok(candidates.has(id), `${filter} dropped ${id}`);
  }
  assert.equal(candidateIds(parseFilter("userType eq 'Guest'"), state.index), null);
});
