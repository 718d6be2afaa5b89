// The Store's API-token lifecycle and admin audit (migrations/0007), on every database in
// test/helpers/databases.ts.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { ConflictError } from '../../../src/domain/errors.ts';
import type { AdminAuditEntry, ApiToken } from '../../../src/ports.ts';
import { type DatabaseFactory, databaseFactories } from '../../helpers/databases.ts';
import { at, T0 } from './fixtures.ts';

const DAY = 86_400_000;

async function fresh(t: TestContext, factory: DatabaseFactory, options?: { migrate?: boolean }) {
  const opened = await factory.open(options);
  t.after(() => opened.close());
  return opened;
}

function aToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: 'tok-1',
    name: 'alice',
    role: 'admin',
    createdAt: T0,
    expiresAt: at(90 * DAY),
    lastUsedAt: null,
    revokedAt: null,
    createdBy: 'cli:ops',
    ...overrides,
  };
}

function anEntry(overrides: Partial<AdminAuditEntry> = {}): AdminAuditEntry {
  return { at: T0, actor: 'cli:ops', action: 'token.create', subject: 'tok-1', detail: 'alice (admin)', ...overrides };
}

for (const factory of databaseFactories) {
  describe(`Store contract, API tokens: ${factory.name}`, () => {
    test('stores a token by hash with its audit entry; a taken name writes neither', async (t) => {
      const { db } = await fresh(t, factory);
      const token = aToken();
      await db.store.insertApiToken(token, 'hash-1', anEntry());
      assert.deepEqual(await db.store.listApiTokens(), [token]);
      assert.deepEqual(await db.store.listAdminAudit(10), [anEntry()]);
      await assert.rejects(
        db.store.insertApiToken(aToken({ id: 'tok-2' }), 'hash-2', anEntry({ subject: 'tok-2' })),
        ConflictError,
      );
      assert.equal((await db.store.listApiTokens()).length, 1);
      assert.equal((await db.store.listAdminAudit(10)).length, 1);
    });

    test('useApiToken returns a live token only: not an unknown, expired or revoked one', async (t) => {
      const { db } = await fresh(t, factory);
      await db.store.insertApiToken(aToken(), 'hash-1', anEntry());
      assert.equal((await db.store.useApiToken('hash-1', at(1000)))?.id, 'tok-1');
      assert.equal(await db.store.useApiToken('hash-2', at(1000)), null);
      // Valid up to the instant before expiresAt, refused from it on.
      assert.equal((await db.store.useApiToken('hash-1', at(90 * DAY - 1)))?.id, 'tok-1');
      assert.equal(await db.store.useApiToken('hash-1', at(90 * DAY)), null);

      assert.equal(await db.store.revokeApiToken('tok-1', at(2000), anEntry({ action: 'token.revoke' })), true);
      assert.equal(await db.store.useApiToken('hash-1', at(3000)), null);
    });

    test('revoking is recorded once: a second revoke and an unknown id write nothing', async (t) => {
      const { db } = await fresh(t, factory);
      await db.store.insertApiToken(aToken(), 'hash-1', anEntry());
      const revoke = anEntry({ action: 'token.revoke', at: at(2000) });
      assert.equal(await db.store.revokeApiToken('tok-1', at(2000), revoke), true);
      assert.equal(await db.store.revokeApiToken('tok-1', at(5000), { ...revoke, at: at(5000) }), false);
      assert.equal(await db.store.revokeApiToken('tok-404', at(5000), revoke), false);
      assert.deepEqual((await db.store.listApiTokens())[0]?.revokedAt, at(2000));
      assert.deepEqual(
        (await db.store.listAdminAudit(10)).map((entry) => entry.action),
        ['token.revoke', 'token.create'],
      );
    });

    test('records the last use at most once a minute', async (t) => {
      const { db } = await fresh(t, factory);
      await db.store.insertApiToken(aToken(), 'hash-1', anEntry());
      const lastUsed = async () => (await db.store.listApiTokens())[0]?.lastUsedAt;
      assert.equal(await lastUsed(), null);
      await db.store.useApiToken('hash-1', at(1000));
      assert.deepEqual(await lastUsed(), at(1000));
      await db.store.useApiToken('hash-1', at(1000 + 59_999));
      assert.deepEqual(await lastUsed(), at(1000), 'within the minute: no write');
      await db.store.useApiToken('hash-1', at(1000 + 60_000));
      assert.deepEqual(await lastUsed(), at(61_000));
    });

    test('the admin audit is append-only and listed newest first, up to the limit', async (t) => {
      const { db, raw } = await fresh(t, factory);
      for (const n of [1, 2, 3]) await db.store.appendAdminAudit(anEntry({ subject: `s${n}`, at: at(n) }));
      assert.deepEqual(
        (await db.store.listAdminAudit(2)).map((entry) => entry.subject),
        ['s3', 's2'],
      );
      if (raw) {
        await assert.rejects(raw(`update admin_audit set actor = 'mallory'`), /append-only/);
        await assert.rejects(raw('delete from admin_audit'), /append-only/);
      }
    });

    // Needs a second connection to write the old row, which in-memory SQLite cannot have.
    if (!factory.name.includes('memory'))
      test('migration 0007 gives a token from before it an expiry 90 days after it runs', async (t) => {
        const { db, raw } = await fresh(t, factory, { migrate: false });
        // The database as the version before 0007 left it, with a token in it.
        await db.migrate('0006_sessions');
        await raw!(
          `insert into api_tokens (id, name, role, token_hash, created_at)
             values ('old-1', 'legacy', 'approver', 'hash-old', '2025-01-01T00:00:00.000Z');`,
        );
        assert.equal(await db.store.isReady(), false);
        const before = Date.now();
        await db.migrate();
        const after = Date.now();
        const [token] = await db.store.listApiTokens();
        assert.equal(token?.name, 'legacy');
        assert.equal(token.createdBy, 'unknown');
        assert.equal(token.revokedAt, null);
        const expires = token.expiresAt.getTime();
        assert.ok(expires >= before + 90 * DAY && expires <= after + 90 * DAY, token.expiresAt.toISOString());
        // Still usable today, so running integrations keep working after the upgrade.
        assert.equal((await db.store.useApiToken('hash-old', new Date()))?.id, 'old-1');
      });
  });
}
