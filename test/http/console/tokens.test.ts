// The API tokens page: list, create (the secret shown once, on the answer to the POST
// alone), revoke, the admin audit; and what a created or revoked token does on the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashToken } from '../../../src/app/secret-tokens.ts';
import { signIn, type TestApp, testApp } from '../../helpers/app.ts';
import { type WebClient, webClient } from '../../helpers/web.ts';
import { person } from './fixtures.ts';

describe('the API tokens page', () => {
  let t: TestApp;
  let admin: WebClient;
  const alice = person('Alice Admin');
  before(async () => {
    t = await testApp();
    admin = webClient(t.app);
    await signIn(t, admin, 'admin', alice);
  });
  after(() => t.close());

  const api = (token: string) =>
    t.app.inject({ url: '/api/v1/access-requests', headers: { authorization: `Bearer ${token}` } });

  async function create(fields: Record<string, string>) {
    assert.equal((await admin.get('/admin/tokens')).statusCode, 200);
    return admin.post('/admin/tokens', fields);
  }

  function secretIn(body: string): string {
    const found = /<input id="new-token" class="secret" type="text" readonly value="(gl_[^"]+)"/.exec(body);
    assert.ok(found, body);
    return found[1]!;
  }

  test('lists the tokens with role, creator, expiry, last use and state; the create form defaults to 90 days', async () => {
    const page = await admin.get('/admin/tokens');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<bdi class="token-name">alice-admin<\/bdi><\/td>\s*<td>admin<\/td>/);
    assert.match(page.body, /<bdi class="token-name">bob-approver<\/bdi><\/td>\s*<td>approver<\/td>/);
    assert.match(page.body, /<td class="optional"><bdi>cli:test<\/bdi><\/td>/);
    assert.match(page.body, /<span class="badge token-active">active<\/span>/);
    assert.match(page.body, /id="field-expiresInDays" name="expiresInDays" required maxlength="3"[^>]* value="90"/);
    assert.doesNotMatch(page.body, /gl_[A-Za-z0-9_-]{20,}/, 'no secret on the list');
  });

  test('create: the token shown once, on the answer to the POST; it works as a bearer; the audit names the admin', async () => {
    const res = await create({ name: 'hr-onboarding', role: 'approver', expiresInDays: '30' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.location, undefined, 'no redirect: a URL would carry the secret');
    assert.match(res.body, /Copy this token now: it is shown only this once/);
    const secret = secretIn(res.body);

    const later = await admin.get('/admin/tokens');
    assert.ok(!later.body.includes(secret), 'the list never shows it again');
    assert.match(later.body, /<bdi class="token-name">hr-onboarding<\/bdi>/);
    assert.match(later.body, /<td class="optional">never<\/td>/);

    assert.equal((await api(secret)).statusCode, 200, 'a working approver token');
    const [created] = (await t.db.store.listApiTokens()).filter((token) => token.name === 'hr-onboarding');
    assert.equal(created?.createdBy, `entra:${alice.subject} Alice Admin`);
    assert.equal(created?.expiresAt.getTime(), t.clock.now().getTime() + 30 * 86_400_000);
    assert.equal(await t.db.store.useApiToken(hashToken(secret), t.clock.now()).then((x) => x?.role), 'approver');
    const [entry] = await t.db.store.listAdminAudit(1);
    assert.deepEqual([entry?.action, entry?.actor], ['token.create', `entra:${alice.subject} Alice Admin`]);
    assert.match(
      later.body,
      /<td><bdi>Alice Admin<\/bdi><\/td>\s*<td>Created<\/td>\s*<td><bdi>hr-onboarding \(approver\)/,
    );
  });

  test('bad input: 400, each error beside its field, the values kept, nothing created', async () => {
    const before_ = (await t.db.store.listApiTokens()).length;
    for (const expiresInDays of ['0', '366', '1e2', 'never', '30d']) {
      const res = await create({ name: 'ci-bot', role: 'admin', expiresInDays });
      assert.equal(res.statusCode, 400, expiresInDays);
      assert.match(res.body, /<p class="error" id="field-expiresInDays-error">A token lives 1 to 365 days/);
      assert.match(res.body, /<a href="#field-expiresInDays">Expires in \(days\): /);
      assert.match(res.body, /id="field-name" name="name"[^>]* value="ci-bot"/);
      assert.match(res.body, /<option value="admin" selected>/);
      assert.doesNotMatch(res.body, /id="new-token"/);
    }
    const badName = await create({ name: 'has space', role: 'approver', expiresInDays: '90' });
    assert.equal(badName.statusCode, 400);
    assert.match(badName.body, /id="field-name-error">Use 1–64 letters/);
    const badRole = await create({ name: 'ci-bot', role: 'owner', expiresInDays: '90' });
    assert.equal(badRole.statusCode, 400);
    assert.match(badRole.body, /id="field-role-error">The role is admin or approver/);
    const taken = await create({ name: 'alice-admin', role: 'approver', expiresInDays: '90' });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /id="field-name-error">A token named alice-admin already exists. Choose another name./);
    assert.equal((await t.db.store.listApiTokens()).length, before_);
  });

  test('revoke: 303 with a flash, the token refused (401) from then on, audited; twice changes nothing', async () => {
    const secret = secretIn((await create({ name: 'to-revoke', role: 'admin', expiresInDays: '7' })).body);
    assert.equal((await api(secret)).statusCode, 200);
    const id = (await t.db.store.listApiTokens()).find((token) => token.name === 'to-revoke')!.id;
    const page = await admin.get('/admin/tokens');
    assert.match(page.body, new RegExp(`<form method="post" action="/admin/tokens/${id}/revoke">`));
    const res = await admin.post(`/admin/tokens/${id}/revoke`, {});
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin/tokens?done=revoked');
    assert.equal((await api(secret)).statusCode, 401);
    const shown = await admin.get(res.headers.location!);
    assert.match(shown.body, /class="flash" role="status">Token revoked/);
    assert.match(shown.body, /<span class="badge token-revoked">revoked<\/span>/);
    assert.doesNotMatch(shown.body, new RegExp(`/admin/tokens/${id}/revoke`), 'no button for a revoked token');
    const [entry] = await t.db.store.listAdminAudit(1);
    assert.deepEqual(
      [entry?.action, entry?.subject, entry?.actor],
      ['token.revoke', id, `entra:${alice.subject} Alice Admin`],
    );
    assert.equal((await admin.post(`/admin/tokens/${id}/revoke`, {})).headers.location, '/admin/tokens?done=unchanged');
    assert.equal(
      (await t.db.store.listAdminAudit(5)).filter((e) => e.subject === id && e.action === 'token.revoke').length,
      1,
    );
    const unknown = await admin.post('/admin/tokens/00000000-0000-4000-8000-000000000000/revoke', {});
    assert.equal(unknown.statusCode, 404);
  });

  test('an approver may not see, create or revoke tokens', async () => {
    const bob = webClient(t.app);
    await signIn(t, bob, 'approver');
    assert.equal((await bob.get('/admin/tokens')).statusCode, 403);
    await bob.get('/admin');
    assert.equal(
      (await bob.post('/admin/tokens', { name: 'sneaky', role: 'admin', expiresInDays: '1' })).statusCode,
      403,
    );
    assert.equal(
      (await t.db.store.listApiTokens()).some((token) => token.name === 'sneaky'),
      false,
    );
  });

  test('hostile names render inert: a stored name, and a name typed into the form', async () => {
    const hostile = '<img src=x onerror=alert(1)>\u202Eevil';
    await t.db.store.insertApiToken(
      {
        id: '11111111-1111-4111-8111-111111111111',
        name: hostile,
        role: 'approver',
        createdAt: t.clock.now(),
        expiresAt: new Date(t.clock.now().getTime() + 86_400_000),
        lastUsedAt: null,
        revokedAt: null,
        createdBy: 'entra:x "><script>alert(2)</script>',
      },
      'not-a-real-hash',
      { at: t.clock.now(), actor: 'cli:test', action: 'token.create', subject: 'x', detail: `${hostile} (approver)` },
    );
    const page = (await admin.get('/admin/tokens')).body;
    assert.doesNotMatch(page, /<img|<script/);
    assert.match(page, /<bdi class="token-name">&lt;img src=x onerror=alert\(1\)&gt;\u202Eevil<\/bdi>/);
    assert.match(page, /aria-label="Revoke the token &lt;img src=x onerror=alert\(1\)&gt;\u202Eevil"/);
    const typed = await admin.post('/admin/tokens', { name: '"><script>alert(3)</script>', role: 'approver' });
    assert.equal(typed.statusCode, 400);
    assert.doesNotMatch(typed.body, /<script>alert/);
    assert.match(typed.body, /value="&quot;&gt;&lt;script&gt;alert\(3\)&lt;\/script&gt;"/);
  });
});
