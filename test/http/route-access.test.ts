// Who may call each route, as src/http/access.ts's table says: every route the app serves
// must have a row there (a route without one fails the app at startup), and each row is
// tried as each kind of caller: on the API anonymous, with an approver token and with an
// admin token; on the web pages anonymous and signed in as an approver, an admin and a
// person with no Guestlist role (the page form's CSRF token is sent, as a browser would).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ACCESS, type Access, isApiUrl } from '../../src/http/access.ts';
import { signIn, type TestApp, testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

/**
 * 401/403: refused for who the caller is; 303: sent to sign in; 404: not served (the metrics
 * scraper's route, without a metrics token configured); `allowed`: anything else below 500.
 */
type Outcome = 401 | 403 | 303 | 404 | 'allowed';
type Caller = 'anonymous' | 'approver' | 'admin' | 'no role';

/** What the table's row promises a caller; a page asked for by GET sends an anonymous browser to sign in. */
function outcome(access: Access, caller: Caller, method = 'POST', api = true): Outcome {
  if (access === 'public') return 'allowed';
  if (access === 'scraper') return 404; // no GUESTLIST_METRICS_TOKEN in this app: test/telemetry/metrics.test.ts
  if (caller === 'anonymous') return access.anonymous ? 'allowed' : !api && method === 'GET' ? 303 : 401;
  return caller !== 'no role' && access.roles.includes(caller) ? 'allowed' : 403;
}

/** A body for the routes that take one, so that an allowed call gets past validation to the handler. */
const PAYLOADS: Record<string, object> = {
  'POST /verify': { token: 'glv_not-a-real-link-token' },
  'POST /status/withdraw': { token: 'gls_not-a-real-link-token' },
  'POST /request': { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace', justification: '' },
  'POST /api/v1/access-requests': { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' },
  'POST /api/v1/access-requests/:id/reject': { reason: 'Unknown company' },
  'POST /api/v1/access-requests/:id/confirm-match': { inviteAsNewGuest: true },
  'POST /admin/requests/:id/reject': { reason: 'Unknown company' },
  'POST /admin/requests/:id/confirm-match': { choice: 'new' },
  'POST /admin/requests/:id/revoke': { revokeReason: 'Contract ended', deleteGuest: 'yes' },
  'POST /admin/requests/bulk': { ids: ':id', action: 'approve' },
  'POST /admin/tokens': { name: 'route-access', role: 'approver', expiresInDays: '30' },
};

describe('route access', () => {
  let t: TestApp;
  let served: string[];
  let id: string;
  before(async () => {
    // Sandbox mode, so the sandbox's routes are served too.
    t = await testApp({ sandbox: { graphMail: () => [], redeem: () => null } });
    await t.app.ready();
    served = [...t.app.servedRoutes];
    const submitted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: t.admin,
      payload: { email: 'existing@fabrikam.com', firstName: 'Grace', lastName: 'Hopper' },
    });
    id = submitted.json().id;
  });
  after(() => t.close());

  test('the routes are recorded as registered (a sanity check)', () => {
    assert.ok(served.includes('GET /healthz'), served.join('\n'));
    assert.ok(served.includes('POST /api/v1/access-requests/:id/approve'), served.join('\n'));
  });

  test('every route the app serves has a row in the access table, and every row a route', () => {
    // HEAD is Fastify's automatic twin of GET, with the same hooks: its GET row covers it.
    const routes = served;
    assert.deepEqual(
      routes.filter((route) => !(route in ACCESS)),
      [],
      'routes without a row in src/http/access.ts: decide who may call them',
    );
    assert.deepEqual(
      Object.keys(ACCESS).filter((route) => !routes.includes(route)),
      [],
      'rows for no route',
    );
  });

  test('the table is what the API promises: anyone may ask for access, approvers may not submit', () => {
    // The one row that is neither public nor staff-only, spelled out so a change to it is deliberate.
    const submit = ACCESS['POST /api/v1/access-requests']!;
    assert.deepEqual(
      (['anonymous', 'approver', 'admin'] as const).map((caller) => outcome(submit, caller)),
      ['allowed', 403, 'allowed'],
    );
  });

  test('a route without a row fails the app at startup', async () => {
    const { 'GET /healthz': _healthz, ...withoutHealthz } = ACCESS;
    await assert.rejects(testApp({ access: withoutHealthz }), /GET \/healthz has no row in src\/http\/access\.ts/);
  });

  test('a credential a public route cannot use is ignored there, as on an unknown address; elsewhere it is a 401', async () => {
    for (const authorization of ['Bearer gl_not-a-real-token-at-all', 'Basic YWxpY2U6c2VjcmV0']) {
      assert.equal((await t.app.inject({ url: '/healthz', headers: { authorization } })).statusCode, 200);
      assert.equal((await t.app.inject({ url: '/no-such-page', headers: { authorization } })).statusCode, 404);
      assert.equal(
        (await t.app.inject({ url: '/api/v1/access-requests', headers: { authorization } })).statusCode,
        401,
      );
    }
  });

  test("roles are checked after validation: a refused caller's malformed input is a 400", async () => {
    const bad = { method: 'POST', url: `/api/v1/access-requests/${id}/reject`, payload: { reason: '' } } as const;
    assert.equal((await t.app.inject(bad)).statusCode, 400);
  });

  test('an approver submitting is told why', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: t.approver,
      payload: PAYLOADS['POST /api/v1/access-requests'],
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().detail, 'Only an admin token may submit a verified request.');
  });

  for (const [route, access] of Object.entries(ACCESS)) {
    const payload = PAYLOADS[route];
    const [method, path] = route.split(' ') as ['GET' | 'POST', string];
    const api = isApiUrl(path);
    const callers: Caller[] = api ? ['anonymous', 'approver', 'admin'] : ['anonymous', 'approver', 'admin', 'no role'];
    for (const caller of callers) {
      const expected = outcome(access, caller, method, api);
      test(`${route} as ${caller}: ${expected}`, async () => {
        const url = path.replace(':id', id).replace('*', 'guestlist.css');
        let res: LightMyRequestResponse;
        if (api) {
          const headers = caller === 'anonymous' ? {} : caller === 'approver' ? t.approver : t.admin;
          res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        } else {
          const browser = webClient(t.app);
          if (caller !== 'anonymous') await signIn(t, browser, caller === 'no role' ? null : caller);
          await browser.get('/verify'); // a public page with a form, for a CSRF token
          res =
            method === 'GET'
              ? await browser.get(url)
              : await browser.post(
                  url,
                  Object.fromEntries(Object.entries(payload ?? {}).map(([k, v]) => [k, v === ':id' ? id : v])),
                );
        }
        if (expected === 'allowed') {
          assert.ok(
            res.statusCode < 500 && res.statusCode !== 401 && res.statusCode !== 403,
            `${res.statusCode} ${res.body.slice(0, 300)}`,
          );
        } else {
          assert.equal(res.statusCode, expected, res.body.slice(0, 300));
        }
      });
    }
  }
});
