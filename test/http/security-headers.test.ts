// Every answer carries the security headers: a CSP with no inline script or style and no
// framing, nosniff, no-referrer; HSTS only when the public URL is https; the logo's origin
// is the only other image source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { httpDepsFor, TEST_BRANDING } from '../helpers/app.ts';

async function appFor(overrides: Parameters<typeof httpDepsFor>[1]) {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  const app = await buildHttpApp(httpDepsFor(db, overrides));
  return {
    app,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

function directives(header: string | undefined): Map<string, string> {
  return new Map(
    (header ?? '').split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }),
  );
}

test('pages, the API and errors carry a CSP without inline script or style, nosniff and no-referrer', async (t) => {
  const { app, close } = await appFor({});
  t.after(close);
  for (const url of ['/request', '/api/v1/openapi.json', '/no-such-page', '/healthz']) {
    const res = await app.inject({ url, headers: { accept: 'text/html' } });
    const csp = directives(res.headers['content-security-policy'] as string);
    assert.equal(csp.get('script-src'), "'self'", url);
    assert.equal(csp.get('style-src'), "'self'", url);
    assert.equal(csp.get('frame-ancestors'), "'none'", url);
    assert.equal(csp.get('object-src'), "'none'", url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    assert.equal(res.headers['strict-transport-security'], undefined, `${url}: no HSTS over http`);
  }
});

test('HSTS when the public URL is https; the logo origin may serve images, nothing else', async (t) => {
  const { app, close } = await appFor({
    publicUrl: 'https://access.contoso.com',
    branding: { ...TEST_BRANDING, logoUrl: 'https://cdn.contoso.com/logo.svg' },
  });
  t.after(close);
  const res = await app.inject({ url: '/request' });
  assert.match(res.headers['strict-transport-security'] as string, /max-age=31536000/);
  const csp = directives(res.headers['content-security-policy'] as string);
  assert.equal(csp.get('img-src'), "'self' data: https://cdn.contoso.com");
  assert.equal(csp.get('default-src'), "'self'");
  assert.ok(csp.has('upgrade-insecure-requests'));
});
