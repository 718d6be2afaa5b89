// A 5xx never shows its message (invariant 6): the API answers a generic problem, a
// browser a generic page, whatever secret the error carried.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DirectoryError } from '../../src/domain/directory-error.ts';
import { AppError } from '../../src/domain/errors.ts';
import { ACCESS } from '../../src/http/access.ts';
import { type TestApp, testApp } from '../helpers/app.ts';

const SECRET = 'gl_SECRET-token-in-an-error-message';

/** What a route may throw that must not reach the caller, with the status it becomes. */
const failures: Record<string, { error: () => Error; status: number }> = {
  'a plain Error': {
    error: () => new Error(`connect failed: postgres://guestlist:${SECRET}@db/guestlist`),
    status: 500,
  },
  'a TypeError': {
    error: () => new TypeError(`Cannot read properties of undefined (reading '${SECRET}')`),
    status: 500,
  },
  'an AppError with a 5xx status': {
    error: () => new AppError('internal', `token ${SECRET} rejected`, { status: 500 }),
    status: 500,
  },
  'a DirectoryError (502)': {
    error: () =>
      new DirectoryError({
        message: `AADSTS7000215: Invalid client secret provided: ${SECRET}`,
        transient: false,
        graphCode: 'invalid_client',
        httpStatus: 401,
      }),
    status: 502,
  },
};

describe('server errors hide their message', () => {
  let t: TestApp;
  before(async () => {
    const slugs = Object.keys(failures).map((name) => name.replaceAll(/[^a-z0-9]+/gi, '-'));
    // Routes of the test's own (anyone may call them), added before the app is ready (the first inject).
    const rows = slugs.flatMap((slug) => [`GET /api/v1/test-failure/${slug}`, `GET /test-failure/${slug}`]);
    t = await testApp({ access: { ...ACCESS, ...Object.fromEntries(rows.map((row) => [row, 'public' as const])) } });
    for (const [name, failure] of Object.entries(failures)) {
      const slug = name.replaceAll(/[^a-z0-9]+/gi, '-');
      t.app.get(`/api/v1/test-failure/${slug}`, async () => {
        throw failure.error();
      });
      t.app.get(`/test-failure/${slug}`, async () => {
        throw failure.error();
      });
    }
  });
  after(() => t.close());

  for (const [name, failure] of Object.entries(failures)) {
    const slug = name.replaceAll(/[^a-z0-9]+/gi, '-');

    test(`${name}: the API answers a problem without the message`, async () => {
      const res = await t.app.inject({ url: `/api/v1/test-failure/${slug}` });
      assert.equal(res.statusCode, failure.status);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().detail, 'An internal error occurred.');
      assert.ok(!res.body.includes('SECRET'), res.body);
    });

    test(`${name}: the page says something went wrong, not what`, async () => {
      const res = await t.app.inject({ url: `/test-failure/${slug}`, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, failure.status);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /An internal error occurred\./);
      assert.ok(!res.body.includes('SECRET'), res.body);
    });
  }
});
