// Who may call each route: one row per route the app serves, read from the app itself, so
// a new route without a row here fails this test until someone decides who may call it.
// Each row is tried as an anonymous caller, with an approver token and with an admin token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, testApp } from '../helpers/app.ts';

/** 401/403: refused for who the caller is; `allowed`: anything else below 500. */
type Outcome = 401 | 403 | 'allowed';
type Caller = 'anonymous' | 'approver' | 'admin';
interface Row {
  anonymous: Outcome;
  approver: Outcome;
  admin: Outcome;
  /** A body, so that an allowed call gets past validation to the handler. */
  payload?: object;
}

const PUBLIC: Row = { anonymous: 'allowed', approver: 'allowed', admin: 'allowed' };
const APPROVERS: Row = { anonymous: 401, approver: 'allowed', admin: 'allowed' };
const ADMINS: Row = { anonymous: 401, approver: 403, admin: 'allowed' };

/** `METHOD path` → who may call it; `:id` stands for an existing request's id. */
const ACCESS: Record<string, Row> = {
  'GET /': PUBLIC,
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /welcome': PUBLIC,
  'GET /verify': PUBLIC,
  'POST /verify': { ...PUBLIC, payload: { token: 'glv_not-a-real-link-token' } },
  'GET /api/v1/openapi.json': PUBLIC,
  // Anyone may ask for access; a token submits a verified request, which approvers may not.
  'POST /api/v1/access-requests': {
    anonymous: 'allowed',
    approver: 403,
    admin: 'allowed',
    payload: { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' },
  },
  'GET /api/v1/access-requests': APPROVERS,
  'GET /api/v1/access-requests/:id': APPROVERS,
  'POST /api/v1/access-requests/:id/approve': APPROVERS,
  'POST /api/v1/access-requests/:id/reject': { ...APPROVERS, payload: { reason: 'Unknown company' } },
  'POST /api/v1/access-requests/:id/retry': ADMINS,
  'POST /api/v1/access-requests/:id/resend-invitation': ADMINS,
  'POST /api/v1/access-requests/:id/confirm-match': { ...ADMINS, payload: { inviteAsNewGuest: true } },
  'GET /api/v1/sandbox/messages': ADMINS,
  'GET /sandbox/redeem': PUBLIC,
};

/**
 * Every `METHOD path` the app serves, from Fastify's route tree. Each line of
 * printRoutes({ commonPrefix: false }) is one node: its segment, its methods, and its
 * depth given by where its "└── " or "├── " starts; a node's path is its ancestors' segments joined.
 */
function servedRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1]!.length - 1) / 4; // the prefix ends with the node's own └ or ├
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('').replace(/^\/\//, '/') || '/';
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('route access', () => {
  let t: TestApp;
  let served: string[];
  let id: string;
  before(async () => {
    // Sandbox mode, so the sandbox's routes are served too.
    t = await testApp({ sandbox: { graphMail: () => [], redeem: () => null } });
    await t.app.ready();
    served = servedRoutes(t.app.printRoutes({ commonPrefix: false }));
    const submitted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: t.admin,
      payload: { email: 'existing@fabrikam.com', firstName: 'Grace', lastName: 'Hopper' },
    });
    id = submitted.json().id;
  });
  after(() => t.close());

  test('the route tree is read (a sanity check of the parser)', () => {
    assert.ok(served.includes('GET /healthz'), served.join('\n'));
    assert.ok(served.includes('POST /api/v1/access-requests/:id/approve'), served.join('\n'));
  });

  test('every route the app serves has a row in the access table, and every row a route', () => {
    // HEAD is Fastify's automatic twin of GET, with the same hooks: its GET row covers it.
    const routes = served.filter((route) => !route.startsWith('HEAD '));
    assert.deepEqual(
      routes.filter((route) => !(route in ACCESS)),
      [],
      'routes without a row: decide who may call them',
    );
    assert.deepEqual(
      Object.keys(ACCESS).filter((route) => !routes.includes(route)),
      [],
      'rows for no route',
    );
    for (const head of served.filter((route) => route.startsWith('HEAD '))) {
      assert.ok(served.includes(head.replace(/^HEAD/, 'GET')), `${head} is the twin of a GET`);
    }
  });

  for (const [route, row] of Object.entries(ACCESS)) {
    for (const caller of ['anonymous', 'approver', 'admin'] as const satisfies Caller[]) {
      test(`${route} as ${caller}: ${row[caller]}`, async () => {
        const [method, path] = route.split(' ') as ['GET' | 'POST', string];
        const headers = caller === 'anonymous' ? {} : caller === 'approver' ? t.approver : t.admin;
        const res = await t.app.inject({
          method,
          url: path.replace(':id', id),
          headers,
          ...(row.payload ? { payload: row.payload } : {}),
        });
        const expected = row[caller];
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
