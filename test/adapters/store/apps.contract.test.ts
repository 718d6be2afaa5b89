// The app catalogue's part of the Store contract (migrations/0013), on every database.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { ConflictError } from '../../../src/domain/errors.ts';
import { type DatabaseFactory, databaseFactories } from '../../helpers/databases.ts';
import { anApp, anAppDefinition } from './app-fixtures.ts';
import { anAudit, aRequest, at } from './fixtures.ts';

async function fresh(t: TestContext, factory: DatabaseFactory, options?: { migrate?: boolean }) {
  const opened = await factory.open(options);
  t.after(() => opened.close());
  return opened;
}

const audit = (subject: string, action = 'app.create') => ({
  at: at(0),
  actor: 'entra:oid-1 Ada',
  action,
  subject,
  detail: 'Supplier portal',
});

for (const factory of databaseFactories) {
  describe(`Store contract, apps: ${factory.name}`, () => {
    test('a request keeps its app, its answers and the end of its access', async (t) => {
      const { db } = await fresh(t, factory);
      const request = aRequest({
        appId: 'portal-id',
        answers: { company: 'Fabrikam — 審査', role: 'Buyer' },
        accessExpiresAt: new Date('2026-06-01T00:00:00.000Z'),
      });
      await db.store.insertRequest(request, anAudit(request), []);
      assert.deepEqual(await db.store.getRequest(request.id), request);
      const plain = aRequest();
      await db.store.insertRequest(plain, anAudit(plain), []);
      const read = await db.store.getRequest(plain.id);
      assert.deepEqual([read?.appId, read?.answers, read?.accessExpiresAt], ['default', {}, null]);
    });

    test('open requests and the queue can be narrowed to one app', async (t) => {
      const { db } = await fresh(t, factory);
      const email = 'two.apps@example.org';
      const wiki = aRequest({ email, appId: 'wiki', createdAt: at(1) });
      const portal = aRequest({ email, appId: 'portal', createdAt: at(2) });
      const other = aRequest({ appId: 'wiki', createdAt: at(3) });
      for (const each of [wiki, portal, other]) await db.store.insertRequest(each, anAudit(each), []);
      assert.deepEqual(await db.store.listOpenRequestsByEmail(email), [portal, wiki]);
      assert.deepEqual(await db.store.listOpenRequestsByEmail(email, 'wiki'), [wiki]);
      assert.deepEqual(await db.store.listOpenRequestsByEmail(email, 'nothing'), []);
      const page = await db.queries.listRequests({ appId: 'wiki', limit: 1 });
      assert.deepEqual(page.items, [other]);
      const rest = await db.queries.listRequests({ appId: 'wiki', limit: 1, after: page.next! });
      assert.deepEqual(rest, { items: [wiki], next: null });
      assert.deepEqual((await db.queries.listRequests({ appId: 'wiki', search: 'two.apps', limit: 5 })).items, [wiki]);
    });

    test('stores, finds, lists and updates apps, each change audited with it', async (t) => {
      const { db } = await fresh(t, factory);
      const zeta = anApp({ name: 'Zeta wiki', appRole: { servicePrincipalId: 'sp-1', appRoleId: 'role-1' } });
      const alpha = anApp({ name: 'Alpha portal', open: false, access: { kind: 'until', date: '2027-01-31' } });
      await db.store.insertApp(zeta, audit(zeta.id));
      await db.store.insertApp(alpha, audit(alpha.id));
      assert.deepEqual(await db.store.listApps(), [alpha, zeta]);
      assert.deepEqual(await db.store.getApp(zeta.id), zeta);
      assert.deepEqual(await db.store.getAppBySlug(alpha.slug), alpha);
      assert.equal(await db.store.getApp('nope'), null);
      assert.equal(await db.store.getAppBySlug('nope'), null);

      const changed = { ...zeta, name: 'Zeta wiki 2', open: false, updatedAt: at(60_000), groupIds: [] };
      assert.equal(await db.store.updateApp(changed, audit(zeta.id, 'app.update')), true);
      assert.deepEqual(await db.store.getApp(zeta.id), changed);
      assert.equal(await db.store.updateApp(anApp(), audit('ghost', 'app.update')), false, 'no such app');
      const trail = await db.store.listAdminAudit(10);
      assert.deepEqual(
        trail.map((entry) => [entry.action, entry.subject]),
        [
          ['app.update', zeta.id],
          ['app.create', alpha.id],
          ['app.create', zeta.id],
        ],
      );
    });

    test('a taken slug is a conflict and writes nothing', async (t) => {
      const { db } = await fresh(t, factory);
      const first = anApp();
      await db.store.insertApp(first, audit(first.id));
      const clash = anApp({ slug: first.slug });
      await assert.rejects(
        db.store.insertApp(clash, audit(clash.id)),
        (error: unknown) => error instanceof ConflictError && error.code === 'duplicate_app_slug',
      );
      const second = anApp();
      await db.store.insertApp(second, audit(second.id));
      await assert.rejects(
        db.store.updateApp({ ...second, slug: first.slug }, audit(second.id, 'app.update')),
        (error: unknown) => error instanceof ConflictError && error.code === 'duplicate_app_slug',
      );
      assert.equal((await db.store.getApp(second.id))?.slug, second.slug);
      assert.equal((await db.store.listAdminAudit(10)).length, 2, 'only the two creations');
    });

    test("the file's apps are upserted by slug; removed ones are closed; a console slug is refused", async (t) => {
      const { db } = await fresh(t, factory);
      const wiki = anAppDefinition({ slug: 'wiki', name: 'Wiki' });
      const portal = anAppDefinition({ slug: 'portal', name: 'Portal' });
      const [storedWiki, storedPortal] = await db.store.syncFileApps([wiki, portal], at(0));
      assert.equal(storedWiki?.source, 'file');
      assert.deepEqual(await db.store.getAppBySlug('wiki'), storedWiki);

      // The same file again: nothing changes, nothing is audited.
      const again = await db.store.syncFileApps([{ ...portal }, { ...wiki }], at(1000));
      assert.deepEqual(again, [storedPortal, storedWiki]);
      assert.equal((await db.store.listAdminAudit(10)).length, 2);

      // The wiki changed and the portal is gone from the file.
      const [changed] = await db.store.syncFileApps([{ ...wiki, description: 'New words' }], at(2000));
      assert.deepEqual(changed, { ...storedWiki!, description: 'New words', updatedAt: at(2000) });
      const portalNow = await db.store.getAppBySlug('portal');
      assert.equal(portalNow?.open, false, 'closed, not deleted: its requests keep their app');
      assert.equal(portalNow?.id, storedPortal?.id);
      assert.deepEqual(
        (await db.store.listAdminAudit(10)).map((entry) => [entry.actor, entry.action, entry.subject]),
        [
          ['config-file', 'app.close', storedPortal!.id],
          ['config-file', 'app.update', storedWiki!.id],
          ['config-file', 'app.create', storedPortal!.id],
          ['config-file', 'app.create', storedWiki!.id],
        ],
      );

      const console = anApp({ slug: 'console-made' });
      await db.store.insertApp(console, null);
      await assert.rejects(
        db.store.syncFileApps([wiki, anAppDefinition({ slug: 'console-made' })], at(3000)),
        (error: unknown) => error instanceof ConflictError && error.code === 'app_slug_taken_by_console',
      );
      assert.deepEqual(await db.store.getApp(console.id), console, 'the console app is untouched');
    });

    // Needs a second connection to write the old row, which in-memory SQLite cannot have.
    if (!factory.name.includes('memory'))
      test('migration 0013 gives requests from before it the default app and no answers', async (t) => {
        const { db, raw } = await fresh(t, factory, { migrate: false });
        await db.migrate('0012_console_indexes');
        await raw!(
          `insert into access_requests (id, email, first_name, last_name, status, created_at, updated_at)
             values ('old-1', 'old@example.org', 'Old', 'Timer', 'active',
                     '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');`,
        );
        await db.migrate();
        const old = await db.store.getRequest('old-1');
        assert.deepEqual([old?.appId, old?.answers, old?.accessExpiresAt], ['default', {}, null]);
      });
  });
}
