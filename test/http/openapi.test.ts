// The OpenAPI document: valid OpenAPI 3, every API route in it with an operationId and a
// tag, security and roles as the access table says (anonymous submission not behind the
// bearer requirement), and every error response the one Problem component.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ACCESS } from '../../src/http/access.ts';
import { API_PREFIX } from '../../src/http/api-prefix.ts';
import { type TestApp, testApp } from '../helpers/app.ts';

let t: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: the document is read as JSON
let doc: any;

before(async () => {
  // Sandbox mode, so the sandbox-only route is in the document too.
  t = await testApp({ sandbox: { graphMail: () => [], redeem: () => null } });
  doc = (await t.app.inject({ url: `${API_PREFIX}/openapi.json` })).json();
});
after(() => t.close());

/** `METHOD /path/{id}` of every documented operation, with the operation. */
function operations(): Array<[string, Record<string, unknown>]> {
  return Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([path, item]) =>
    Object.entries(item).map(
      ([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Record<string, unknown>],
    ),
  );
}

test('the document validates as OpenAPI 3.1', async () => {
  assert.equal(doc.openapi, '3.1.0');
  // validate() dereferences in place: give it a copy.
  await SwaggerParser.validate(structuredClone(doc));
});

test('every API route is documented, each operation with a unique operationId and a tag', () => {
  const documented = operations().map(([key]) => key.replace(/\{(\w+)\}/g, ':$1'));
  const served = t.app.servedRoutes.filter(
    (key) => key.split(' ')[1]!.startsWith(`${API_PREFIX}/`) && key !== `GET ${API_PREFIX}/openapi.json`,
  );
  assert.deepEqual([...documented].sort(), [...served].sort());
  const ids = operations().map(([key, op]) => {
    assert.match(String(op.operationId), /^[a-z][A-Za-z]+$/, `${key} has an operationId`);
    assert.ok(Array.isArray(op.tags) && op.tags.length > 0, `${key} has a tag`);
    for (const tag of op.tags as string[]) {
      assert.ok(
        doc.tags.some((known: { name: string }) => known.name === tag),
        `${key}'s tag ${tag} is described`,
      );
    }
    return op.operationId;
  });
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  assert.ok(ids.length >= 10);
});

test('an anonymous submission needs no token; every other operation needs a bearer token', () => {
  const submit = doc.paths[`${API_PREFIX}/access-requests`].post;
  assert.ok(
    submit.security.some((requirement: object) => Object.keys(requirement).length === 0),
    'no credential is one way to call it',
  );
  assert.match(submit.description, /Anyone may call this without a token; a token must hold the admin role\./);
  for (const [key, op] of operations()) {
    if (key === `POST ${API_PREFIX}/access-requests`) continue;
    assert.deepEqual(op.security, [{ bearer: [] }], key);
  }
});

test("each operation's roles come from the access table, and its description says them", () => {
  for (const [key, op] of operations()) {
    const rule = ACCESS[key.replace(/\{(\w+)\}/g, ':$1')];
    assert.ok(rule && rule !== 'public' && rule !== 'scraper', `${key} has a row`);
    assert.deepEqual(op['x-guestlist-roles'], rule.roles, key);
    assert.ok(String(op.description).includes(`the ${rule.roles.join(' or ')} role.`), key);
  }
  const retry = doc.paths[`${API_PREFIX}/access-requests/{id}/retry`].post;
  assert.deepEqual(retry['x-guestlist-roles'], ['admin']);
  assert.match(retry.description, /Needs a bearer token with the admin role\./);
});

test('every error response is the one Problem component, as application/problem+json', () => {
  assert.deepEqual(Object.keys(doc.components.schemas), ['Problem']);
  assert.deepEqual(doc.components.schemas.Problem.required, ['type', 'title', 'status', 'detail', 'code']);
  let errors = 0;
  for (const [key, op] of operations()) {
    for (const [status, response] of Object.entries(op.responses as Record<string, { content: object }>)) {
      if (Number(status) < 400) continue;
      errors++;
      assert.deepEqual(
        response.content,
        { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        `${key} ${status}`,
      );
    }
  }
  assert.ok(errors > 30);
});

test('a 401 from the API matches the documented Problem', async () => {
  const res = await t.app.inject({ url: `${API_PREFIX}/access-requests` });
  assert.equal(res.statusCode, 401);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  for (const field of doc.components.schemas.Problem.required) assert.ok(field in body, field);
});

test('the reference page and its document are public and serve the same document', async () => {
  const page = await t.app.inject({ url: '/api/docs' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<title>Guestlist API reference<\/title>/);
  assert.doesNotMatch(page.body, /<script>|<style>|\sstyle=|\son\w+=/i, 'no inline script or style');
  const served = (await t.app.inject({ url: '/api/docs/json' })).json();
  assert.deepEqual(served, doc);
  const initializer = await t.app.inject({ url: '/api/docs/static/swagger-initializer.js' });
  assert.doesNotMatch(initializer.body, /validator\.swagger\.io/);
});
