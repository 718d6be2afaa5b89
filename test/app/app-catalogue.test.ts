// The catalogue: the default app from the environment while nothing is declared, then
// the declared apps; the default app is always found for the requests that belong to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { createCatalogue, defaultApp } from '../../src/app/app-catalogue.ts';
import { DEFAULT_POLICY } from '../../src/domain/approval-policy.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';

const settings = {
  name: 'Project X',
  redirectUrl: 'https://x.contoso.com/',
  groupIds: ['5b1f7e0c-3c1d-4f7a-9a53-3f0b1d2c4e5f'],
};

test('the default app is built from the environment: no questions, the default policy, access for good', () => {
  const app = defaultApp(settings);
  assert.equal(app.id, 'default');
  assert.equal(app.slug, 'default');
  assert.equal(app.name, 'Project X');
  assert.equal(app.redirectUrl, 'https://x.contoso.com/');
  assert.deepEqual(app.groupIds, settings.groupIds);
  assert.deepEqual(app.questions, []);
  assert.deepEqual(app.policy, DEFAULT_POLICY);
  assert.deepEqual(app.access, { kind: 'never' });
  assert.deepEqual(app.requesters, { kind: 'anyone' });
});

test('the default app alone is open until an app is declared; it is always found by id and slug', async (t) => {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  t.after(() => db.close());
  const catalogue = createCatalogue({ store: db.store, defaultApp: defaultApp(settings) });
  assert.deepEqual(
    (await catalogue.listOpen()).map((app) => app.id),
    ['default'],
  );
  assert.equal((await catalogue.get('default'))?.open, true);

  const wiki = anApp({ name: 'Wiki' });
  const closed = anApp({ name: 'Archive', open: false });
  await db.store.insertApp(wiki, null);
  await db.store.insertApp(closed, null);
  assert.deepEqual(
    (await catalogue.listOpen()).map((app) => app.id),
    [wiki.id],
    'declared apps replace it; closed ones are not offered',
  );
  const standing = await catalogue.get('default');
  assert.equal(standing?.open, false, 'its old requests still find it, closed');
  assert.equal((await catalogue.bySlug('default'))?.id, 'default');
  assert.equal((await catalogue.bySlug(wiki.slug))?.id, wiki.id);
  assert.equal(await catalogue.get('nope'), null);
  assert.deepEqual(
    (await catalogue.listAll()).map((app) => [app.id, app.open]),
    [
      ['default', false],
      [closed.id, false],
      [wiki.id, true],
    ],
  );
});
