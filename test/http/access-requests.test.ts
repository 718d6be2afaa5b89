import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, testApp } from '../helpers/app.ts';
import { requesterSees } from './console/fixtures.ts';

const person = { email: 'Ada@Fabrikam.com', firstName: 'Ada', lastName: 'Lovelace' };

describe('access requests API', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(() => t.close());

  const submit = (body: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/access-requests', payload: body, headers });

  async function pending(email: string) {
    const res = await submit({ ...person, email }, t.admin);
    assert.equal(res.statusCode, 202, res.body);
    return res.json().id as string;
  }

  test('the list searches address and names, and carries the counts per state', async () => {
    const id = await pending('search.me@tailspin.test');
    const found = await t.app.inject({ url: '/api/v1/access-requests?search=SEARCH.ME', headers: t.approver });
    assert.equal(found.statusCode, 200, found.body);
    assert.deepEqual(
      found.json().items.map((item: { id: string }) => item.id),
      [id],
    );
    assert.ok(found.json().counts.pending_approval >= 1, found.body);
    const empty = await t.app.inject({ url: '/api/v1/access-requests?search=', headers: t.approver });
    assert.equal(empty.statusCode, 400, 'an empty search is a mistake, not "everything"');
  });

  test('an anonymous submission is stored, normalized, and waits for verification', async () => {
    const res = await submit(person);
    assert.equal(res.statusCode, 202);
    const { id, status } = res.json();
    assert.equal(status, 'pending_verification');
    const stored = await t.db.store.getRequest(id);
    assert.equal(stored?.email, 'ada@fabrikam.com');
    assert.equal(stored?.status, 'pending_verification');
  });

  test('the reason for access is stored and shown to approvers; a bad one is a 400 naming the field', async () => {
    const res = await submit({ ...person, email: 'why@fabrikam.com', justification: ' Supplier audit,\r\nQ3 ' });
    assert.equal(res.statusCode, 202, res.body);
    const { id } = res.json();
    const shown = await t.app.inject({ url: `/api/v1/access-requests/${id}`, headers: t.approver });
    assert.equal(shown.json().justification, 'Supplier audit,\nQ3');
    const none = await submit({ ...person, email: 'noreason@fabrikam.com' });
    const plain = await t.app.inject({ url: `/api/v1/access-requests/${none.json().id}`, headers: t.approver });
    assert.equal(plain.json().justification, null, 'optional, and null when left out');

    const bad = await submit({ ...person, email: 'bad.reason@fabrikam.com', justification: 'see \u202Efdp.exe' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(
      bad.json().errors.map((e: { field: string }) => e.field),
      ['/justification'],
    );
    const long = await submit({ ...person, email: 'long.reason@fabrikam.com', justification: 'a'.repeat(1001) });
    assert.equal(long.statusCode, 400);
    assert.equal((await t.db.store.listOpenRequestsByEmail('bad.reason@fabrikam.com')).length, 0);
    assert.equal((await t.db.store.listOpenRequestsByEmail('long.reason@fabrikam.com')).length, 0);
  });

  test('anonymous callers get the same answer whether or not the address already asked', async () => {
    const first = await submit({ ...person, email: 'twice@fabrikam.com' });
    const second = await submit({ ...person, email: 'twice@fabrikam.com' });
    assert.equal(first.statusCode, 202);
    assert.equal(second.statusCode, 202);
    assert.deepEqual(Object.keys(second.json()).sort(), Object.keys(first.json()).sort());
    assert.equal(second.json().status, first.json().status);
    assert.notEqual(second.json().id, first.json().id, 'the answer does not point at the earlier request');
  });

  test('an admin token submits a verified request; a duplicate open request is a 409 for admins', async () => {
    const res = await submit({ ...person, email: 'grace@fabrikam.com' }, t.admin);
    assert.equal(res.statusCode, 202);
    assert.equal(res.json().status, 'pending_approval');
    const again = await submit({ ...person, email: ' GRACE@fabrikam.com' }, t.admin);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'duplicate_request');
  });

  test('an approver token may not submit; an unknown token is a 401, not anonymity', async () => {
    assert.equal((await submit(person, t.approver)).statusCode, 403);
    const bad = await submit(person, { authorization: 'Bearer gl_not-a-real-token-at-all' });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(bad.json().code, 'unauthorized');
  });

  test('a 401 carries a Bearer challenge, naming invalid_token once a token was offered (RFC 6750)', async () => {
    const list = (authorization?: string) =>
      t.app.inject({ url: '/api/v1/access-requests', headers: authorization ? { authorization } : {} });
    const none = await list();
    assert.equal(none.statusCode, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    for (const offered of ['Bearer gl_not-a-real-token-at-all', 'bearer short', 'BEARER gl_a b c']) {
      const bad = await list(offered);
      assert.equal(bad.statusCode, 401, offered);
      assert.equal(bad.headers['www-authenticate'], 'Bearer error="invalid_token"', offered);
      assert.equal(bad.json().code, 'unauthorized');
    }
    const otherScheme = await list('Basic YWxpY2U6c2VjcmV0');
    assert.equal(otherScheme.statusCode, 401);
    assert.equal(otherScheme.headers['www-authenticate'], 'Bearer');
    const anonymousSubmitWithBadToken = await submit(person, { authorization: 'Bearer gl_not-a-real-token-at-all' });
    assert.equal(anonymousSubmitWithBadToken.headers['www-authenticate'], 'Bearer error="invalid_token"');
  });

  test('the Bearer scheme is matched whatever its case', async () => {
    const token = t.approver.authorization.slice('Bearer '.length);
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await t.app.inject({
        url: '/api/v1/access-requests',
        headers: { authorization: `${scheme} ${token}` },
      });
      assert.equal(res.statusCode, 200, scheme);
    }
  });

  test('reading needs a token; approvers list and filter by status', async () => {
    assert.equal((await t.app.inject({ url: '/api/v1/access-requests' })).statusCode, 401);
    const id = await pending('list-me@fabrikam.com');
    const res = await t.app.inject({ url: '/api/v1/access-requests?status=pending_approval', headers: t.approver });
    assert.equal(res.statusCode, 200);
    const items = res.json().items as Array<{ id: string; status: string }>;
    assert.ok(items.some((item) => item.id === id));
    assert.ok(items.every((item) => item.status === 'pending_approval'));
    const badFilter = await t.app.inject({ url: '/api/v1/access-requests?status=done', headers: t.approver });
    assert.equal(badFilter.statusCode, 400);
  });

  test('pages of the list follow the cursor without repeats', async () => {
    for (let i = 0; i < 5; i++) await pending(`page-${i}@fabrikam.com`);
    const seen: string[] = [];
    let url = '/api/v1/access-requests?limit=2';
    for (let guard = 0; guard < 50; guard++) {
      const page = (await t.app.inject({ url, headers: t.admin })).json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      if (!page.next) break;
      url = `/api/v1/access-requests?limit=2&after=${encodeURIComponent(page.next)}`;
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.length >= 5);
  });

  test('approve: 200, a provisioning job in the same transaction, the decision in the history', async () => {
    const id = await pending('approve-me@fabrikam.com');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/approve`,
      headers: t.approver,
      payload: { comment: 'Partner on project X' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'approved');
    const jobs = await t.db.jobs.listJobs(id);
    // The stage's emails and the Teams card were queued when approval began; the decision adds provisioning.
    assert.deepEqual(
      jobs
        .map((job) => job.kind)
        .filter((kind) => !['post_to_teams', 'notify_approvers', 'apply_policy'].includes(kind))
        .sort(),
      ['notify_requester', 'provision'],
      'provisioning, and the email telling the requester, in the same transaction',
    );
    const detail = (await t.app.inject({ url: `/api/v1/access-requests/${id}`, headers: t.approver })).json();
    assert.equal(detail.status, 'approved');
    const decision = detail.history.find((entry: { action: string }) => entry.action === 'approve');
    assert.deepEqual(
      { actor: decision.actor, from: decision.fromStatus, to: decision.toStatus, reason: decision.reason },
      { actor: 'token:bob-approver', from: 'pending_approval', to: 'approved', reason: 'Partner on project X' },
    );
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/approve`,
      headers: t.approver,
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'invalid_transition');
  });

  test('approve works with no body at all', async () => {
    const id = await pending('nobody@fabrikam.com');
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/access-requests/${id}/approve`, headers: t.admin });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('an empty body with a JSON Content-Type is no body: approve and retry take it, reject says the reason is missing', async () => {
    const empty = { 'content-type': 'application/json' };
    const id = await pending('empty-body@fabrikam.com');
    const post = (action: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/access-requests/${id}/${action}`, headers, payload: '' });
    for (const headers of [empty, {}]) {
      const reject = await post('reject', { ...t.approver, ...headers });
      assert.equal(reject.statusCode, 400, reject.body);
      assert.equal(reject.json().code, 'validation_failed');
      assert.deepEqual(reject.json().errors, [{ field: '/reason', message: 'is required' }]);
    }
    const retry = await post('retry', { ...t.admin, ...empty });
    assert.equal(retry.statusCode, 409, `retry takes no body; only the state refuses it: ${retry.body}`);
    const approve = await post('approve', { ...t.approver, ...empty });
    assert.equal(approve.statusCode, 200, approve.body);
    assert.equal(approve.json().status, 'approved');
  });

  test('reject needs a reason and records it', async () => {
    const id = await pending('reject-me@fabrikam.com');
    const url = `/api/v1/access-requests/${id}/reject`;
    const noReason = await t.app.inject({ method: 'POST', url, headers: t.approver, payload: {} });
    assert.equal(noReason.statusCode, 400);
    assert.deepEqual(
      noReason.json().errors.map((e: { field: string }) => e.field),
      ['/reason'],
    );
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: t.approver,
      payload: { reason: 'Unknown company' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'rejected');
    assert.equal(res.json().reason, 'Unknown company');
    assert.equal((await requesterSees(t, id)).sharedReason, null, 'not shared unless asked');
  });

  test('reject with shareReason: true shows the reason to the requester; a non-boolean is a 400', async () => {
    const id = await pending('reject-shared@fabrikam.com');
    const url = `/api/v1/access-requests/${id}/reject`;
    const forged = await t.app.inject({
      method: 'POST',
      url,
      headers: t.approver,
      payload: { reason: 'Only partners.', shareReason: 'yes' },
    });
    assert.equal(forged.statusCode, 400);
    assert.equal(forged.json().errors[0].field, '/shareReason');
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: t.approver,
      payload: { reason: 'Only partners.', shareReason: true },
    });
    assert.equal(res.statusCode, 200, res.body);
    const seen = await requesterSees(t, id);
    assert.equal(seen.sharedReason, 'Only partners.');
    assert.match(seen.email, /The reason given: Only partners\./);
  });

  test('control characters in a comment or reason, and forged cursors, are 400s', async () => {
    const id = await pending('nul@fabrikam.com');
    const nulComment = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/approve`,
      headers: t.approver,
      payload: { comment: 'ok\u0000' },
    });
    assert.equal(nulComment.statusCode, 400);
    assert.equal(nulComment.json().errors[0].field, '/comment');
    const nulReason = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/reject`,
      headers: t.approver,
      payload: { reason: 'no\u0007' },
    });
    assert.equal(nulReason.statusCode, 400);
    const multiline = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/reject`,
      headers: t.approver,
      payload: { reason: 'Unknown company.\nAsk your sponsor to vouch.' },
    });
    assert.equal(multiline.statusCode, 200, 'line breaks are fine');
    for (const forged of [
      ['-271821-04-20T00:00:00.000Z', 'x'],
      ['2026-01-01T00:00:00.000Z', 'a\u0000b'],
    ]) {
      const after = Buffer.from(JSON.stringify(forged)).toString('base64url');
      const res = await t.app.inject({ url: `/api/v1/access-requests?after=${after}`, headers: t.admin });
      assert.equal(res.statusCode, 400, JSON.stringify(forged));
      assert.equal(res.json().code, 'validation_failed');
    }
  });

  test('decision bodies are not coerced either; query strings and ids still are read as text', async () => {
    const id = await pending('strict@fabrikam.com');
    for (const [action, payload, field] of [
      ['approve', { comment: 42 }, '/comment'],
      ['reject', { reason: ['no'] }, '/reason'],
      ['reject', { reason: false }, '/reason'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/access-requests/${id}/${action}`,
        headers: t.approver,
        payload,
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(
        res.json().errors.map((e: { field: string }) => e.field),
        [field],
      );
    }
    assert.equal((await t.db.store.getRequest(id))?.status, 'pending_approval');
    const one = await t.app.inject({ url: '/api/v1/access-requests?limit=1', headers: t.approver });
    assert.equal(one.statusCode, 200, one.body);
    assert.equal(one.json().items.length, 1);
    const notANumber = await t.app.inject({ url: '/api/v1/access-requests?limit=many', headers: t.approver });
    assert.equal(notANumber.statusCode, 400);
    assert.equal(notANumber.json().errors[0].field, 'querystring:/limit');
  });

  test('two approvers acting at once produce one decision', async () => {
    const id = await pending('race@fabrikam.com');
    const [approve, reject] = await Promise.all([
      t.app.inject({ method: 'POST', url: `/api/v1/access-requests/${id}/approve`, headers: t.approver }),
      t.app.inject({
        method: 'POST',
        url: `/api/v1/access-requests/${id}/reject`,
        headers: t.admin,
        payload: { reason: 'no' },
      }),
    ]);
    assert.deepEqual([approve.statusCode, reject.statusCode].sort(), [200, 409]);
    const history = await t.db.store.listAudit(id);
    assert.equal(history.filter((entry) => entry.action === 'approve' || entry.action === 'reject').length, 1);
  });

  test('revoke: an approved request becomes revoked with its removal job; a pending one is a 409; bad bodies are 400s', async () => {
    const id = await pending('revoke.me@tailspin.test');
    const stillPending = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/revoke`,
      headers: t.admin,
      payload: {},
    });
    assert.equal(stillPending.statusCode, 409, stillPending.body);
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/approve`,
      headers: t.approver,
    });
    assert.equal(approved.statusCode, 200);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/revoke`,
      headers: t.admin,
      payload: { deleteGuest: 'yes' },
    });
    assert.equal(bad.statusCode, 400, 'deleteGuest is a boolean, not coerced');
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/access-requests/${id}/revoke`,
      headers: t.admin,
      payload: { reason: 'Contract ended', deleteGuest: true },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json().status, 'revoked');
    const jobs = await t.db.jobs.listJobs(id);
    assert.deepEqual(
      jobs.filter((job) => job.kind === 'revoke_access').map((job) => job.payload),
      [{ deleteGuest: true }],
    );
    const history = (await t.app.inject({ url: `/api/v1/access-requests/${id}`, headers: t.approver })).json().history;
    assert.deepEqual(history.at(-1), {
      ...history.at(-1),
      actor: 'token:alice-admin',
      toStatus: 'revoked',
      reason: 'Contract ended. The guest account is to be deleted if this request invited it.',
    });
  });

  test('retry is for failed requests and for admins only', async () => {
    const id = await pending('retry-me@fabrikam.com');
    const url = `/api/v1/access-requests/${id}/retry`;
    assert.equal((await t.app.inject({ method: 'POST', url, headers: t.approver })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'POST', url, headers: t.admin })).statusCode, 409);
  });

  test('unknown ids are 404, malformed ids 400, unknown routes 404 — all problem+json', async () => {
    const missing = await t.app.inject({
      url: '/api/v1/access-requests/6f1d3f7e-1111-4222-8333-944444444444',
      headers: t.admin,
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'not_found');
    const malformed = await t.app.inject({ url: '/api/v1/access-requests/not-an-id', headers: t.admin });
    assert.equal(malformed.statusCode, 400);
    const route = await t.app.inject({ url: '/api/v1/nothing-here' });
    assert.equal(route.statusCode, 404);
    assert.equal(route.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  test('a known path asked with another method is a 405 naming the allowed methods — problem+json', async () => {
    const id = '6f1d3f7e-1111-4222-8333-944444444444';
    for (const [method, url, allow] of [
      ['DELETE', '/api/v1/access-requests', 'GET, HEAD, POST'],
      ['PUT', `/api/v1/access-requests/${id}?x=1`, 'GET, HEAD'],
      ['GET', `/api/v1/access-requests/${id}/approve`, 'POST'],
      ['PATCH', '/api/v1/access-requests/not-an-id', 'GET, HEAD'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: t.admin });
      assert.equal(res.statusCode, 405, `${method} ${url}`);
      assert.equal(res.headers.allow, allow);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().code, 'method_not_allowed');
    }
    const unknown = await t.app.inject({ method: 'DELETE', url: '/api/v1/nothing-here' });
    assert.equal(unknown.statusCode, 404, 'an unknown path stays a 404');
    assert.equal(unknown.headers.allow, undefined);
  });

  test('health, readiness and the OpenAPI document', async () => {
    assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await t.app.inject({ url: '/readyz' })).statusCode, 200);
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    const post = doc.paths['/api/v1/access-requests'].post;
    assert.ok(post.requestBody.content['application/json'].schema.properties.email);
    assert.ok(post.responses['202'].content['application/json'].schema.properties.status.enum.includes('invited'));
    for (const path of [
      '/api/v1/access-requests/{id}',
      '/api/v1/access-requests/{id}/approve',
      '/api/v1/access-requests/{id}/reject',
      '/api/v1/access-requests/{id}/retry',
    ]) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
  });
});

describe('rate limit and sandbox messages', () => {
  test('anonymous submissions are rate-limited per address; admin tokens are not', async () => {
    const t = await testApp({ submissionsPerMinute: 2 });
    try {
      const send = (headers = {}) =>
        t.app.inject({ method: 'POST', url: '/api/v1/access-requests', payload: person, headers });
      assert.equal((await send()).statusCode, 202);
      assert.equal((await send()).statusCode, 202);
      const limited = await send();
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().code, 'rate_limited');
      assert.ok(limited.headers['retry-after']);
      const admin = await send(t.admin);
      assert.equal(admin.statusCode, 202, admin.body);
      assert.equal(admin.json().status, 'pending_approval', 'the admin vouches for the waiting request');
    } finally {
      await t.close();
    }
  });

  test('behind a trusted proxy, each client address has its own submission budget', async () => {
    const send = (app: TestApp, client: string) =>
      app.app.inject({
        method: 'POST',
        url: '/api/v1/access-requests',
        payload: person,
        headers: { 'x-forwarded-for': client },
        remoteAddress: '10.0.0.5',
      });
    const proxied = await testApp({ submissionsPerMinute: 1, trustProxy: { addresses: ['10.0.0.0/8'] } });
    try {
      assert.equal((await send(proxied, '203.0.113.1')).statusCode, 202);
      assert.equal((await send(proxied, '203.0.113.2')).statusCode, 202, 'another client');
      assert.equal((await send(proxied, '203.0.113.1')).statusCode, 429);
    } finally {
      await proxied.close();
    }
    const direct = await testApp({ submissionsPerMinute: 1 });
    try {
      assert.equal((await send(direct, '203.0.113.1')).statusCode, 202);
      assert.equal((await send(direct, '203.0.113.2')).statusCode, 429, 'X-Forwarded-For is not believed by default');
    } finally {
      await direct.close();
    }
  });

  test('sandbox messages: only in sandbox mode, only for admins, Guestlist and Graph mail together', async () => {
    const plain = await testApp();
    try {
      assert.equal((await plain.app.inject({ url: '/api/v1/sandbox/messages', headers: plain.admin })).statusCode, 404);
    } finally {
      await plain.close();
    }
    const sentAt = new Date('2026-03-01T09:00:00.000Z');
    const t = await testApp({
      sandbox: {
        graphMail: () => [
          {
            id: 'g1',
            source: 'graph',
            from: 'invites@microsoft.com',
            to: ['ada@fabrikam.com'],
            subject: 'You are invited',
            text: 'Accept: https://x/redeem?t=1',
            links: ['https://x/redeem?t=1'],
            sentAt,
          },
        ],
        redeem: () => null,
      },
    });
    try {
      await t.db.store.insertSandboxMessage({
        id: 'm1',
        source: 'guestlist',
        from: 'gl@localhost',
        to: ['ada@fabrikam.com'],
        subject: 'Verify',
        text: 'Click https://gl/verify',
        html: null,
        links: ['https://gl/verify'],
        sentAt: new Date(sentAt.getTime() - 1000),
      });
      assert.equal((await t.app.inject({ url: '/api/v1/sandbox/messages', headers: t.approver })).statusCode, 403);
      const res = await t.app.inject({ url: '/api/v1/sandbox/messages', headers: t.admin });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(
        res.json().items.map((m: { id: string; source: string }) => `${m.source}:${m.id}`),
        ['guestlist:m1', 'graph:g1'],
      );
    } finally {
      await t.close();
    }
  });
});
