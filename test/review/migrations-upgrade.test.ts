// Review: a database as the previous release (0005) left it, with rows in it, migrated to
// the latest on every database; then the new code reads and writes it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { databaseFactories } from '../helpers/databases.ts';

for (const factory of databaseFactories) {
  if (factory.name.includes('memory')) continue;
  describe(`Upgrade from 0005: ${factory.name}`, () => {
    test('old rows survive 0006–0012 and the new code works on them', async (t) => {
      const opened = await factory.open({ migrate: false });
      t.after(() => opened.close());
      const { db, raw } = opened;
      await db.migrate('0005_directory_pause');
      const ts = "'2026-01-01T00:00:00.000Z'";
      await raw!(`
        insert into access_requests (id, email, first_name, last_name, status, directory_user_id, redeem_url, reason, created_at, updated_at)
          values ('r1', 'a@example.org', 'Ada', 'L', 'pending_verification', null, null, null, ${ts}, ${ts}),
                 ('r2', 'b@example.org', 'Bo', 'K', 'active', 'u2', null, null, ${ts}, ${ts});
        insert into provisioning_progress (request_id, directory_user_state, directory_user_at, granted_group_ids)
          values ('r2', 'redeemed', ${ts}, '["g1"]');
        insert into jobs (id, kind, request_id, run_at, attempts, created_at) values ('j1', 'send_verification', 'r1', ${ts}, 0, ${ts});
        insert into api_tokens (id, name, role, token_hash, created_at) values ('t1', 'ci', 'admin', 'h1', ${ts});
      `);
      await db.migrate();
      assert.equal(await db.store.isReady(), true);
      const r1 = await db.store.getRequest('r1');
      assert.equal(r1?.status, 'pending_verification');
      assert.equal(r1?.justification, null);
      assert.deepEqual(
        (await db.store.listUnmailedVerifications('a@example.org', 10)).map((r) => r.id),
        ['r1'],
      );
      const progress = await db.store.getProgress('r2');
      assert.deepEqual(progress.grantedGroupIds, ['g1']);
      assert.equal(progress.createdUserId, null);
      assert.equal((await db.store.useApiToken('h1', new Date()))?.id, 't1');
      assert.equal(await db.store.countVerificationEmails('r1'), 0);
    });
  });
}
