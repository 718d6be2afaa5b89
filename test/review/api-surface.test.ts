// Review: the API never accepts the session cookie (ARCHITECTURE.md, "Who is calling"):
// a cookie-authenticated API has no CSRF defence. Which surface a request belongs to was
// decided from the raw URL, while the router matches the percent-decoded path, so
// `/%61pi/v1/…` reached the API's routes with the caller taken from the session cookie.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { submitRequest } from '../../src/app/submit-request.ts';
import { REQUESTER } from '../../src/domain/actor.ts';
import { signIn, type TestApp, testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

describe('an encoded API path with a session cookie', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  test('GET /%61pi/v1/access-requests with an admin session is refused like any cookie on the API', async () => {
    const browser = webClient(t.app);
    await signIn(t, browser, 'admin');
    for (const url of ['/%61pi/v1/access-requests', '/%61%70%69/v1/access-requests', '/api/%761/access-requests']) {
      const res = await browser.get(url, { accept: 'application/json' });
      assert.equal(res.statusCode, 401, `${url}: ${res.body}`);
    }
  });

  test('POST /%61pi/v1/access-requests/:id/approve with an admin session decides nothing', async () => {
    const { id } = await submitRequest(
      { store: t.db.store, clock: t.clock, ids: t.ids },
      {
        email: 'ada@fabrikam.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        actor: REQUESTER,
        verified: true,
      },
    );
    const browser = webClient(t.app);
    await signIn(t, browser, 'admin');
    const res = await t.app.inject({
      method: 'POST',
      url: `/%61pi/v1/access-requests/${id}/approve`,
      headers: { cookie: `guestlist-session=${browser.cookies.get('guestlist-session')}` },
    });
    assert.equal(res.statusCode, 401, res.body);
    assert.equal((await t.db.store.getRequest(id))?.status, 'pending_approval');
  });

  test('the bearer token still works on the encoded path', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/%61pi/v1/access-requests', headers: t.admin });
    assert.equal(res.statusCode, 200, res.body);
  });
});
