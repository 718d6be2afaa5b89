// /admin/apps: admins list, create, edit, open and close console apps; file apps are
// read-only; every change is in the admin audit; approvers are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anApp } from '../../adapters/store/app-fixtures.ts';
import { signIn, type TestApp, testApp } from '../../helpers/app.ts';
import { webClient } from '../../helpers/web.ts';

const GROUP = '5b1f7e0c-3c1d-4f7a-9a53-3f0b1d2c4e5f';
const form = {
  name: 'Partner wiki',
  slug: 'partner-wiki',
  description: 'Docs <shared>',
  redirectUrl: 'https://wiki.contoso.com/',
  groupIds: `${GROUP}\n`,
  domains: 'fabrikam.com\nnorthwind.example',
  accessKind: 'days',
  accessDays: '90',
  accessDate: '',
  appRoleServicePrincipalId: '',
  appRoleId: '',
  questions: '- id: company\n  label: Your company\n  kind: short_text\n  required: true\n',
  policy: '',
  open: 'yes',
};

describe('the apps console', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await t.db.store.syncFileApps([{ ...anApp({ slug: 'from-file', name: 'File app' }) }], t.clock.now());
  });
  after(() => t.close());

  test('approvers are refused; admins see every app, the file’s and the environment’s read-only', async () => {
    const approver = webClient(t.app);
    await signIn(t, approver, 'approver');
    assert.equal((await approver.get('/admin/apps')).statusCode, 403);
    const admin = webClient(t.app);
    await signIn(t, admin, 'admin');
    const res = await admin.get('/admin/apps');
    assert.equal(res.statusCode, 200);
    assert.match(
      res.body,
      /<a href="\/admin\/apps\/[^"]+">File app<\/a>[\s\S]*configuration file <span class="hint">\(read-only\)/,
    );
    assert.match(res.body, /Contoso Portal<\/td>[\s\S]*environment <span class="hint">\(read-only\)/);
  });

  test('a console app is created from the form, checked like the file, and audited', async () => {
    const admin = webClient(t.app);
    await signIn(t, admin, 'admin', { name: 'Ada Admin', subject: 'oid-ada' });
    await admin.get('/admin/apps/new');
    const bad = await admin.post('/admin/apps', {
      ...form,
      slug: 'Bad Slug',
      redirectUrl: 'http://wiki.contoso.com/',
      questions: '- id: [',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /<a href="#field-slug">slug: must be lower-case letters/);
    assert.match(bad.body, /<a href="#field-questions">Questions \(YAML\): not valid YAML/);
    assert.match(bad.body, /value="Bad Slug"/, 'what was typed is kept');
    assert.equal(await t.db.store.getAppBySlug('partner-wiki'), null);

    const created = await admin.post('/admin/apps', form);
    assert.equal(created.statusCode, 303, created.body);
    const stored = await t.db.store.getAppBySlug('partner-wiki');
    assert.equal(stored?.source, 'console');
    assert.deepEqual(stored?.requesters, { kind: 'domains', domains: ['fabrikam.com', 'northwind.example'] });
    assert.deepEqual(stored?.access, { kind: 'days', days: 90 });
    assert.deepEqual(stored?.questions, [{ id: 'company', label: 'Your company', kind: 'short_text', required: true }]);
    const [entry] = await t.db.store.listAdminAudit(1);
    assert.deepEqual(
      [entry?.action, entry?.subject, entry?.actor],
      ['app.create', stored!.id, 'entra:oid-ada Ada Admin'],
    );

    const page = await admin.get(`/admin/apps/${stored!.id}`);
    assert.match(page.body, /Docs &lt;shared&gt;/, 'escaped');
    const saved = await admin.post(`/admin/apps/${stored!.id}`, { ...form, name: 'Partner wiki 2', open: '' });
    assert.equal(saved.statusCode, 303);
    const changed = await t.db.store.getApp(stored!.id);
    assert.deepEqual([changed?.name, changed?.open], ['Partner wiki 2', false]);

    await admin.get('/admin/apps');
    const opened = await admin.post(`/admin/apps/${stored!.id}/open`, { open: 'yes' });
    assert.equal(opened.statusCode, 303);
    assert.equal((await t.db.store.getApp(stored!.id))?.open, true);
    assert.deepEqual(
      (await t.db.store.listAdminAudit(3)).map((e) => e.action),
      ['app.open', 'app.update', 'app.create'],
    );
  });

  test('a file app is read-only: its page says so and a change is refused', async () => {
    const admin = webClient(t.app);
    await signIn(t, admin, 'admin');
    const file = await t.db.store.getAppBySlug('from-file');
    const page = await admin.get(`/admin/apps/${file!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /declared in the configuration file and is read-only here/);
    assert.match(page.body, /<fieldset disabled/);
    await admin.get('/admin/apps/new');
    const refused = await admin.post(`/admin/apps/${file!.id}`, { ...form, slug: 'from-file' });
    assert.equal(refused.statusCode, 409);
    const closed = await admin.post(`/admin/apps/${file!.id}/open`, { open: 'no' });
    assert.equal(closed.statusCode, 409);
    assert.equal((await t.db.store.getApp(file!.id))?.open, true, 'unchanged');
  });

  test('a post without the CSRF token changes nothing', async () => {
    const admin = webClient(t.app);
    await signIn(t, admin, 'admin');
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/apps',
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ ...form, slug: 'no-csrf' }).toString(),
    });
    assert.equal(res.statusCode, 403);
    assert.equal(await t.db.store.getAppBySlug('no-csrf'), null);
  });
});
