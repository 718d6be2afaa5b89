import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../src/domain/errors.ts';
import { displayName, normalizeEmail, normalizeName, parsePerson } from '../../src/domain/person.ts';

test('addresses are normalized: trimmed, lower-cased, Unicode domains in ASCII form', () => {
  assert.deepEqual(normalizeEmail('  Alice.Smith@Contoso.COM '), { ok: true, email: 'alice.smith@contoso.com' });
  assert.deepEqual(normalizeEmail("o'brien@contoso.com"), { ok: true, email: "o'brien@contoso.com" });
  assert.deepEqual(normalizeEmail('jo@bücher.example'), { ok: true, email: 'jo@xn--bcher-kva.example' });
  assert.deepEqual(normalizeEmail('a_b-c@sub.contoso.co.uk'), { ok: true, email: 'a_b-c@sub.contoso.co.uk' });
});

for (const bad of [
  '',
  '   ',
  'alice',
  'alice@',
  '@contoso.com',
  'alice@contoso',
  'a@b@contoso.com',
  'alice smith@contoso.com',
  'alice\n@contoso.com',
  'alice\r\nbcc: x@y.com@contoso.com',
  'ali(ce)@contoso.com',
  'alice!@contoso.com',
  'al#ice@contoso.com',
  'alice;bob@contoso.com',
  'alice,bob@contoso.com',
  'al<ice>@contoso.com',
  'alice@contoso..com',
  'alice@-contoso.com',
  'alice@127.0.0.1',
  '.alice@contoso.com',
  'al..ice@contoso.com',
  'jöe@contoso.com',
  `${'a'.repeat(65)}@contoso.com`,
  `a@${'b'.repeat(250)}.com`,
]) {
  test(`rejects the address ${JSON.stringify(bad)}`, () => {
    const result = normalizeEmail(bad);
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.reason.length > 10);
  });
}

test('names are trimmed and inner whitespace folded; control characters and overlong names refused', () => {
  assert.deepEqual(normalizeName('  Mary   Ann '), { ok: true, name: 'Mary Ann' });
  assert.deepEqual(normalizeName('Zoë'), { ok: true, name: 'Zoë' });
  assert.equal(normalizeName('A\r\nB').ok, false);
  assert.equal(normalizeName('A\u0000').ok, false);
  assert.equal(normalizeName('   ').ok, false);
  assert.equal(normalizeName('x'.repeat(64)).ok, true);
  assert.equal(normalizeName('x'.repeat(65)).ok, false);
});

test('names refuse bidirectional controls, which would reorder how the name reads', () => {
  for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
    const result = normalizeName(`Eve${String.fromCodePoint(code)}fdp.exe`);
    assert.equal(result.ok, false, code.toString(16));
    if (!result.ok) assert.match(result.reason, /direction of text/);
  }
  assert.deepEqual(normalizeName('نور'), { ok: true, name: 'نور' }, 'right-to-left names themselves are fine');
  assert.deepEqual(normalizeName('שָׁלוֹם'), { ok: true, name: 'שָׁלוֹם' });
});

test('parsePerson names every bad field at once', () => {
  assert.throws(
    () => parsePerson({ email: 'nope', firstName: '', lastName: 'A\nB' }),
    (error: unknown) =>
      error instanceof ValidationError &&
      error.status === 400 &&
      JSON.stringify(error.fields?.map((f) => f.field)) === JSON.stringify(['/email', '/firstName', '/lastName']),
  );
  assert.deepEqual(parsePerson({ email: ' Bob@X.org', firstName: ' Bob ', lastName: 'Builder' }), {
    email: 'bob@x.org',
    firstName: 'Bob',
    lastName: 'Builder',
  });
  assert.equal(displayName({ firstName: 'Bob', lastName: 'Builder' }), 'Bob Builder');
});
