// Invariant 5: bad input gets a clear 4xx problem+json, never a 5xx, and nothing
// malformed is stored. Form-only differences (spaces, case, Unicode domains) are
// normalized and accepted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestApp, testApp } from '../helpers/app.ts';

const ok = { email: 'valid@contoso.com', firstName: 'Val', lastName: 'Id' };
type Case = {
  name: string;
  payload?: string | object;
  contentType?: string;
  status: number;
  code?: string;
  field?: string;
  stored?: { email: string; firstName?: string };
};

const CASES: Case[] = [
  { name: 'missing every field', payload: {}, status: 400, code: 'validation_failed', field: '/email' },
  { name: 'missing last name', payload: { email: 'a@contoso.com', firstName: 'A' }, status: 400, field: '/lastName' },
  {
    name: 'not JSON',
    payload: '{"email": "a@contoso.com",',
    contentType: 'application/json',
    status: 400,
    code: 'invalid_json',
  },
  // An empty body is no body: the answer names the missing fields.
  { name: 'empty JSON body', payload: '', contentType: 'application/json', status: 400, field: '/email' },
  {
    name: 'whitespace for a JSON body',
    payload: ' \n',
    contentType: 'application/json',
    status: 400,
    code: 'invalid_json',
  },
  { name: 'a JSON array', payload: '[1,2]', contentType: 'application/json', status: 400, code: 'validation_failed' },
  { name: 'JSON null', payload: 'null', contentType: 'application/json', status: 400 },
  {
    name: 'wrong content type',
    payload: 'email=a@contoso.com',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'unsupported_media_type',
  },
  { name: 'text/plain', payload: JSON.stringify(ok), contentType: 'text/plain', status: 415 },
  { name: 'a 1 MB body', payload: { ...ok, firstName: 'x'.repeat(1024 * 1024) }, status: 413, code: 'body_too_large' },
  {
    name: 'a name of 10,000 characters',
    payload: { ...ok, firstName: 'n'.repeat(10_000) },
    status: 400,
    field: '/firstName',
  },
  {
    name: 'a name of 65 characters after trimming',
    payload: { ...ok, lastName: 'n'.repeat(65) },
    status: 400,
    field: '/lastName',
  },
  {
    name: 'CR/LF in a name',
    payload: { ...ok, firstName: 'Eve\r\nBcc: x@evil.com' },
    status: 400,
    field: '/firstName',
  },
  { name: 'a control character in a name', payload: { ...ok, lastName: 'Nul\u0000' }, status: 400, field: '/lastName' },
  {
    name: 'a right-to-left override in a name',
    payload: { ...ok, lastName: 'Smith\u202Efdp.exe' },
    status: 400,
    field: '/lastName',
  },
  {
    name: 'a directional isolate in a name',
    payload: { ...ok, firstName: '\u2067Ann' },
    status: 400,
    field: '/firstName',
  },
  { name: 'a blank name', payload: { ...ok, firstName: '   ' }, status: 400, field: '/firstName' },
  { name: 'a number for the email', payload: { ...ok, email: 42 }, status: 400, field: '/email' },
  // JSON types are never coerced: each of these used to be turned into a string and stored.
  { name: 'true for a name', payload: { ...ok, firstName: true }, status: 400, field: '/firstName' },
  { name: 'a number for a name', payload: { ...ok, lastName: 12 }, status: 400, field: '/lastName' },
  { name: 'an array for the email', payload: { ...ok, email: ['x@contoso.com'] }, status: 400, field: '/email' },
  { name: 'an object for a name', payload: { ...ok, firstName: { a: 1 } }, status: 400, field: '/firstName' },
  { name: 'null for a name', payload: { ...ok, firstName: null }, status: 400, field: '/firstName' },
  { name: 'an unknown field', payload: { ...ok, admin: true }, status: 400, field: '/admin' },
  { name: 'an address with no domain', payload: { ...ok, email: 'alice@' }, status: 400, field: '/email' },
  { name: 'an address with no @', payload: { ...ok, email: 'alice.contoso.com' }, status: 400, field: '/email' },
  {
    name: 'an address with a dotless domain',
    payload: { ...ok, email: 'alice@contoso' },
    status: 400,
    field: '/email',
  },
  ...[
    '!',
    '#',
    '$',
    '%',
    '&',
    '*',
    '(',
    '/',
    ':',
    ';',
    '<',
    '>',
    '?',
    ',',
    '[',
    '\\',
    '"',
    '~',
    '=',
    '+',
    '|',
    '^',
    '{',
  ].map(
    (c): Case => ({
      name: `the forbidden character ${c}`,
      payload: { ...ok, email: `al${c}ice@contoso.com` },
      status: 400,
      field: '/email',
    }),
  ),
  {
    name: 'CR/LF in the address',
    payload: { ...ok, email: 'a@contoso.com\r\nBcc: b@evil.com' },
    status: 400,
    field: '/email',
  },
  {
    name: 'an overlong address',
    payload: { ...ok, email: `${'a'.repeat(300)}@contoso.com` },
    status: 400,
    field: '/email',
  },
  {
    name: 'spaces around and upper case',
    payload: { ...ok, email: '  Mixed.Case@Contoso.COM  ', firstName: '  Ann  ' },
    status: 202,
    stored: { email: 'mixed.case@contoso.com', firstName: 'Ann' },
  },
  {
    name: 'a Unicode domain',
    payload: { ...ok, email: 'jo@bücher.example' },
    status: 202,
    stored: { email: 'jo@xn--bcher-kva.example' },
  },
  {
    name: "an apostrophe: o'brien",
    payload: { ...ok, email: "o'brien@contoso.com" },
    status: 202,
    stored: { email: "o'brien@contoso.com" },
  },
  {
    name: 'a Unicode name',
    payload: { ...ok, firstName: 'Zoë', lastName: 'Ðurić' },
    status: 202,
    stored: { email: 'valid@contoso.com', firstName: 'Zoë' },
  },
];

let t: TestApp;
before(async () => {
  t = await testApp();
});
after(() => t.close());

for (const c of CASES) {
  test(`${c.name} → ${c.status}`, async () => {
    const before = (await t.db.queries.listRequests({ limit: 200 })).items.length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: { 'content-type': c.contentType ?? 'application/json' },
      payload: typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload),
    });
    assert.equal(res.statusCode, c.status, res.body);
    const after = (await t.db.queries.listRequests({ limit: 200 })).items;
    if (c.status >= 400) {
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      const body = res.json();
      assert.equal(body.status, c.status);
      assert.ok(body.detail.length > 0);
      if (c.code) assert.equal(body.code, c.code);
      if (c.field)
        assert.ok(
          body.errors.some((e: { field: string }) => e.field === c.field),
          JSON.stringify(body.errors),
        );
      assert.equal(after.length, before, 'nothing is stored');
    } else {
      assert.equal(after.length, before + 1);
      const stored = await t.db.store.getRequest(res.json().id);
      assert.equal(stored?.email, c.stored?.email);
      if (c.stored?.firstName) assert.equal(stored?.firstName, c.stored.firstName);
    }
  });
}

test('whatever was accepted is well-formed', async () => {
  const { items } = await t.db.queries.listRequests({ limit: 200 });
  for (const item of items) {
    assert.match(item.email, /^[a-z0-9._'`-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    assert.doesNotMatch(`${item.firstName}${item.lastName}`, /[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
  }
});
