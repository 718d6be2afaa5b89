// The catalogue on the public side and the API: /request lists the open apps, each app's
// form asks its questions, the API takes `app` and `answers`, and approvers see both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { App } from '../../src/domain/apps.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { signIn, type TestApp, testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

const person = { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace', justification: '' };

describe('several apps', () => {
  let t: TestApp;
  let portal: App;
  let wiki: App;
  let archive: App;
  before(async () => {
    t = await testApp();
    portal = anApp({ slug: 'portal', name: 'Supplier portal', description: 'Orders & <invoices>' });
    wiki = anApp({
      slug: 'wiki',
      name: 'Partner wiki',
      questions: [],
      requesters: { kind: 'domains', domains: ['fabrikam.com'] },
    });
    archive = anApp({ slug: 'archive', name: 'Old archive', open: false });
    for (const app of [portal, wiki, archive]) await t.db.store.insertApp(app, null);
  });
  after(() => t.close());

  test('/request lists the open apps with their descriptions, escaped; closed and unknown ones are 404', async () => {
    const res = await webClient(t.app).get('/request');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Which app do you need\?<\/h1>/);
    assert.match(res.body, /<a href="\/request\/portal">Supplier portal<\/a>/);
    assert.match(res.body, /Orders &amp; &lt;invoices&gt;/);
    assert.match(res.body, /<a href="\/request\/wiki">Partner wiki<\/a>/);
    assert.doesNotMatch(res.body, /archive|Contoso Portal/, 'neither the closed app nor the default one');
    assert.equal((await webClient(t.app).get('/request/archive')).statusCode, 404);
    assert.equal((await webClient(t.app).get('/request/nope')).statusCode, 404);
    assert.equal((await webClient(t.app).get('/request/default')).statusCode, 404, 'the default app is closed now');
  });

  test("an app's form asks its questions: text as an input, a choice as radios in a fieldset", async () => {
    const res = await webClient(t.app).get('/request/portal');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Ask for access to Supplier portal<\/h1>/);
    assert.match(res.body, /<form method="post" action="\/request\/portal"/);
    assert.match(res.body, /<label for="field-answer-company">Your company<\/label>/);
    assert.match(
      res.body,
      /<input type="text" id="field-answer-company" name="answer-company" required maxlength="200"/,
    );
    assert.match(res.body, /<legend>Your role <span class="hint">\(optional\)<\/span><\/legend>/);
    assert.match(res.body, /<input type="radio" id="field-answer-role" name="answer-role" value="Buyer">/);
    assert.match(res.body, /<input type="radio" id="field-answer-role-1" name="answer-role" value="Seller">/);
  });

  test('a missing answer comes back with the error summary linking to it and what was typed kept', async () => {
    const browser = webClient(t.app);
    await browser.get('/request/portal');
    const res = await browser.post('/request/portal', { ...person, 'answer-role': 'Seller' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<li><a href="#field-answer-company">Answer &quot;Your company&quot;.<\/a><\/li>/);
    assert.match(res.body, /id="field-answer-company-error">Answer &quot;Your company&quot;./);
    assert.match(res.body, /value="Seller" checked/);
    assert.match(res.body, /value="ada@fabrikam.com"/);
    assert.equal((await t.db.store.listOpenRequestsByEmail('ada@fabrikam.com')).length, 0, 'nothing stored');
  });

  test('an address outside the app’s domains is refused at the email field', async () => {
    const browser = webClient(t.app);
    await browser.get('/request/wiki');
    const res = await browser.post('/request/wiki', { ...person, email: 'eve@contoso.net' });
    assert.equal(res.statusCode, 400);
    assert.match(
      res.body,
      /id="field-email-error">Only addresses at fabrikam.com can ask for access to Partner wiki. Use your address at one of them./,
    );
  });

  test('a good post stores the app and the answers; the console shows them to approvers', async () => {
    const browser = webClient(t.app);
    await browser.get('/request/portal');
    const res = await browser.post('/request/portal', {
      ...person,
      email: 'grace@fabrikam.com',
      'answer-company': ' <b>Fabrikam</b> ',
      'answer-role': 'Buyer',
    });
    assert.equal(res.statusCode, 303, res.body);
    const [stored] = await t.db.store.listOpenRequestsByEmail('grace@fabrikam.com');
    assert.equal(stored?.appId, portal.id);
    assert.deepEqual(stored?.answers, { company: '<b>Fabrikam</b>', role: 'Buyer' });

    const approver = webClient(t.app);
    await signIn(t, approver, 'approver');
    const page = await approver.get(`/admin/requests/${stored!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<dt>App<\/dt><dd>Supplier portal <span class="hint">\(portal\)<\/span><\/dd>/);
    assert.match(
      page.body,
      /<dt>Your company<\/dt><dd><p class="answer"><bdi>&lt;b&gt;Fabrikam&lt;\/b&gt;<\/bdi><\/p><\/dd>/,
    );
    assert.match(page.body, /<dt>Your role<\/dt><dd><p class="answer"><bdi>Buyer<\/bdi><\/p><\/dd>/);

    const queue = await approver.get('/admin?status=all&app=wiki');
    assert.equal(queue.statusCode, 200);
    assert.doesNotMatch(queue.body, /grace@fabrikam.com/, 'filtered to the wiki');
    assert.match(queue.body, /<option value="wiki" selected>Partner wiki<\/option>/);
    const all = await approver.get('/admin?status=all&app=portal');
    assert.match(all.body, /grace@fabrikam.com/);
  });

  test('POST /request with several apps open sends the person to choose one', async () => {
    const browser = webClient(t.app);
    await browser.get('/request/portal'); // a page with a form gives the CSRF token
    const res = await browser.post('/request', { ...person, email: 'lost@fabrikam.com' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/request');
    assert.equal((await t.db.store.listOpenRequestsByEmail('lost@fabrikam.com')).length, 0);
  });

  test('the API takes app and answers, answers with the slug, and lists by app', async () => {
    const submit = (body: object, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/api/v1/access-requests', payload: body, headers });
    const created = await submit(
      { ...person, email: 'api@fabrikam.com', app: 'portal', answers: { company: 'Fabrikam' } },
      t.admin,
    );
    assert.equal(created.statusCode, 202, created.body);
    assert.equal(created.json().app, 'portal');
    const detail = await t.app.inject({ url: `/api/v1/access-requests/${created.json().id}`, headers: t.approver });
    assert.equal(detail.json().app, 'portal');
    assert.deepEqual(detail.json().answers, { company: 'Fabrikam' });
    assert.equal(detail.json().accessExpiresAt, null);

    const unknown = await submit({ ...person, app: 'nope' });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.deepEqual(unknown.json().errors, [{ field: '/app', message: 'No open app has the slug "nope".' }]);
    const closed = await submit({ ...person, app: 'archive' });
    assert.equal(closed.statusCode, 400);
    const unnamed = await submit({ ...person });
    assert.equal(unnamed.statusCode, 400);
    assert.deepEqual(unnamed.json().errors, [{ field: '/app', message: 'Name the app: one of wiki, portal.' }]);
    const badAnswers = await submit({
      ...person,
      email: 'bad@fabrikam.com',
      app: 'portal',
      answers: { company: 'a\u202Eb', role: 'Admin', other: 'x' },
    });
    assert.equal(badAnswers.statusCode, 400);
    assert.deepEqual(
      badAnswers.json().errors.map((e: { field: string }) => e.field),
      ['/answers/other', '/answers/company', '/answers/role'],
    );
    assert.equal((await t.db.store.listOpenRequestsByEmail('bad@fabrikam.com')).length, 0);

    const listed = await t.app.inject({ url: '/api/v1/access-requests?app=portal&limit=200', headers: t.approver });
    assert.ok(listed.json().items.every((item: { app: string }) => item.app === 'portal'));
    assert.ok(listed.json().items.some((item: { email: string }) => item.email === 'api@fabrikam.com'));
    const none = await t.app.inject({ url: '/api/v1/access-requests?app=nope', headers: t.approver });
    assert.deepEqual(none.json().items, []);
  });
});

describe('no app declared', () => {
  test('the default app is the one offered, under /request as before, and the API needs no app', async (t) => {
    const app = await testApp();
    t.after(() => app.close());
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      payload: person,
    });
    assert.equal(res.statusCode, 202);
    assert.equal(res.json().app, 'default');
    const [stored] = await app.db.store.listOpenRequestsByEmail(person.email);
    assert.deepEqual([stored?.appId, stored?.answers], ['default', {}]);
    assert.equal((await webClient(app.app).get('/request/default')).statusCode, 200);
  });
});
