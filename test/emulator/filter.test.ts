import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkFilter,
  FilterClauseError,
  matchesFilter,
  UnsupportedFilterError,
} from '../../src/emulator/graph/filter-eval.ts';
import { FilterSyntaxError, parseFilter } from '../../src/emulator/graph/filter-parse.ts';
import type { EmulatedUser } from '../../src/emulator/index.ts';

const user: EmulatedUser = {
  id: 'u1',
  displayName: 'Pat Doe',
  givenName: null,
  surname: null,
  mail: null,
  otherMails: ['pat@fabrikam.com', 'p.doe@fabrikam.com'],
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
