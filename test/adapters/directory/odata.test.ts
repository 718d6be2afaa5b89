import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFilter, odataString } from '../../../src/adapters/directory/odata.ts';

test('odataString quotes a value and doubles every apostrophe', () => {
  assert.equal(odataString('alice@contoso.com'), "'alice@contoso.com'");
  assert.equal(odataString("o'brien@contoso.com"), "'o''brien@contoso.com'");
  assert.equal(odataString("''"), "''''''");
  assert.equal(odataString(''), "''");
});

test('encodeFilter keeps a filter in one query parameter', () => {
  const encoded = encodeFilter("mail eq 'a+b&c#d@x.com'");
  assert.doesNotMatch(encoded, /[ +&#]/);
  assert.equal(new URLSearchParams(`$filter=${encoded}`).get('$filter'), "mail eq 'a+b&c#d@x.com'");
});
