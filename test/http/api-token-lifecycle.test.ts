// The API refuses a token once it has expired or been revoked, and records when each
// token was last used (at most once a minute).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { revokeApiToken } from '../../src/app/revoke-api-token.ts';
import { testApp } from '../helpers/app.ts';

const DAY = 86_400_000;

async function setup(t: TestContext) {
  const app = await testApp();
  t.after(() => app.close());
  const list = (headers: Record<string, string>) => app.app.inject({ url: '/api/v1/access-requests', headers });
  const tokenNamed = async (name: string) => (await app.db.store.listApiTokens()).find((each) => each.name === name)!;
  return { ...app, list, tokenNamed };
}

test('a revoked token is refused with invalid_token; the others keep working', async (t) => {
  const { list, admin, approver, db, clock } = await setup(t);
  assert.equal((await list(admin)).statusCode, 200);
  await revokeApiToken({ store: db.store, clock }, { id: 'alice-admin', actor: { kind: 'cli', user: 'ops' } });
  const refused = await list(admin);
  assert.equal(refused.statusCode, 401);
  assert.equal(refused.headers['www-authenticate'], 'Bearer error="invalid_token"');
  assert.equal((await list(approver)).statusCode, 200);
});

test('a token is refused from its expiry on', async (t) => {
  const { list, approver, clock } = await setup(t);
  clock.advance(90 * DAY - 1);
  assert.equal((await list(approver)).statusCode, 200);
  clock.advance(1);
  assert.equal((await list(approver)).statusCode, 401);
});

test('each use is recorded, to the minute', async (t) => {
  const { list, approver, clock, tokenNamed } = await setup(t);
  assert.equal((await tokenNamed('bob-approver')).lastUsedAt, null);
  const first = clock.now();
  await list(approver);
  assert.deepEqual((await tokenNamed('bob-approver')).lastUsedAt, first);
  clock.advance(30_000);
  await list(approver);
  assert.deepEqual((await tokenNamed('bob-approver')).lastUsedAt, first);
  clock.advance(30_000);
  await list(approver);
  assert.deepEqual((await tokenNamed('bob-approver')).lastUsedAt, clock.now());
  assert.equal((await tokenNamed('alice-admin')).lastUsedAt, null, 'only the token used');
});
