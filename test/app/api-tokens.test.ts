// The API-token use cases over a real (in-memory SQLite) store: create with an expiry,
// list without secrets, revoke by id or name, each create and revoke in the admin audit.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { createApiToken } from '../../src/app/create-api-token.ts';
import { listApiTokens } from '../../src/app/list-api-tokens.ts';
import { revokeApiToken } from '../../src/app/revoke-api-token.ts';
import { hashToken } from '../../src/app/secret-tokens.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import { fixedClock, sequentialIds } from '../helpers/clock.ts';

const DAY = 86_400_000;
const OPS = { kind: 'cli', user: 'ops' } as const;

async function setup(t: TestContext) {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  t.after(() => db.close());
  return { db, deps: { store: db.store, clock: fixedClock(), ids: sequentialIds() } };
}

test('a token lives 90 days unless told, and its creation is audited with who did it', async (t) => {
  const { db, deps } = await setup(t);
  const now = deps.clock.now();
  const { record } = await createApiToken(deps, { name: 'ci', role: 'approver', actor: OPS });
  assert.deepEqual(record.expiresAt, new Date(now.getTime() + 90 * DAY));
  assert.equal(record.createdBy, 'cli:ops');
  const year = await createApiToken(deps, { name: 'yearly', role: 'admin', expiresInDays: '365', actor: OPS });
  assert.deepEqual(year.record.expiresAt, new Date(now.getTime() + 365 * DAY));
  const audit = await db.store.listAdminAudit(10);
  assert.deepEqual(
    audit.map((entry) => [entry.action, entry.subject, entry.actor]),
    [
      ['token.create', year.record.id, 'cli:ops'],
      ['token.create', record.id, 'cli:ops'],
    ],
  );
  assert.ok(!JSON.stringify(audit).includes(year.token), 'no secret in the audit');
});

test('a lifetime of 0, over 365 days, "never" or not a whole number is refused and stores nothing', async (t) => {
  const { db, deps } = await setup(t);
  for (const expiresInDays of [0, 366, 1.5, 'never', '30d', '', '-1']) {
    await assert.rejects(
      createApiToken(deps, { name: 'x', role: 'admin', expiresInDays, actor: OPS }),
      (error: unknown) =>
        error instanceof ValidationError &&
        /1 to 365 days.*never expire are not allowed/.test(error.fields![0]!.message),
      String(expiresInDays),
    );
  }
  assert.deepEqual(await db.store.listApiTokens(), []);
  assert.deepEqual(await db.store.listAdminAudit(10), []);
});

test('the list gives each token its state and never a hash or a secret', async (t) => {
  const { deps } = await setup(t);
  const short = await createApiToken(deps, { name: 'short', role: 'admin', expiresInDays: 1, actor: OPS });
  const long = await createApiToken(deps, { name: 'long', role: 'approver', actor: OPS });
  const gone = await createApiToken(deps, { name: 'gone', role: 'approver', actor: OPS });
  await revokeApiToken(deps, { id: gone.record.id, actor: OPS });
  deps.clock.advance(2 * DAY);
  const listed = await listApiTokens(deps);
  assert.deepEqual(
    listed.map((token) => [token.name, token.state]),
    [
      ['short', 'expired'],
      ['long', 'active'],
      ['gone', 'revoked'],
    ],
  );
  const text = JSON.stringify(listed);
  for (const { token } of [short, long, gone]) {
    assert.ok(!text.includes(token), 'no secret');
    assert.ok(!text.includes(hashToken(token)), 'no hash');
  }
});

test('revoke takes an id or a name, is idempotent, and refuses an unknown token', async (t) => {
  const { db, deps } = await setup(t);
  const { token, record } = await createApiToken(deps, { name: 'ci', role: 'admin', actor: OPS });
  deps.clock.advance(1000);
  const first = await revokeApiToken(deps, { id: 'ci', actor: { kind: 'cli', user: 'root' } });
  assert.equal(first.revoked, true);
  assert.deepEqual(first.token.revokedAt, deps.clock.now());
  assert.equal(await db.store.useApiToken(hashToken(token), deps.clock.now()), null);

  const again = await revokeApiToken(deps, { id: record.id, actor: OPS });
  assert.equal(again.revoked, false);
  const revokes = (await db.store.listAdminAudit(10)).filter((entry) => entry.action === 'token.revoke');
  assert.deepEqual(
    revokes.map((entry) => [entry.subject, entry.actor]),
    [[record.id, 'cli:root']],
  );

  await assert.rejects(revokeApiToken(deps, { id: 'nobody', actor: OPS }), NotFoundError);
});

test('a name shared by several tokens is refused rather than guessed; the id still works', async (t) => {
  const { deps } = await setup(t);
  const a = await createApiToken(deps, { name: 'ci', role: 'admin', actor: OPS });
  const b = await createApiToken(deps, { name: 'other', role: 'admin', actor: OPS });
  // Names are unique in the database; a store that lists two alike stands for one that is not.
  const store = { ...deps.store, listApiTokens: async () => [a.record, { ...b.record, name: 'ci' }] };
  await assert.rejects(
    revokeApiToken({ ...deps, store }, { id: 'ci', actor: OPS }),
    (error: unknown) => error instanceof ConflictError && /revoke one by its id/.test(error.message),
  );
  assert.equal((await revokeApiToken({ ...deps, store }, { id: b.record.id, actor: OPS })).revoked, true);
  assert.equal((await deps.store.listApiTokens()).find((token) => token.name === 'ci')?.revokedAt, null);
});
