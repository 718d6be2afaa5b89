// The queue at /admin: what waits for whom by default, filters, search, pages, counts,
// and the "waiting for you" count on every console page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn, type TestApp, testApp } from '../../helpers/app.ts';
import { type WebClient, webClient } from '../../helpers/web.ts';
import { failed, inState, needsConfirmation, stored } from './fixtures.ts';

/** The request ids a queue page links to, in order. */
function linked(body: string): string[] {
  return [...body.matchAll(/href="\/admin\/requests\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
}

function waitingCount(body: string): number {
  const found = /Waiting for you: <strong>(\d+)<\/strong>/.exec(body);
  assert.ok(found, 'the nav shows the waiting count');
  return Number(found[1]);
}

describe('the queue', () => {
  let t: TestApp;
  let approver: WebClient;
  let admin: WebClient;
  const ids: Record<string, string> = {};
  before(async () => {
    t = await testApp();
    const s = t.db.store;
    ids.pending = (await stored(s, { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Byron' })).id;
    ids.failed = (await failed(s)).id;
    ids.match = (await needsConfirmation(s)).id;
    ids.active = (
      await inState(s, 'active', { email: 'grace@contoso.com', firstName: 'Grace', lastName: 'Hopper' })
    ).id;
    approver = webClient(t.app);
    admin = webClient(t.app);
    await signIn(t, approver, 'approver');
    await signIn(t, admin, 'admin');
  });
  after(() => t.close());

  test("by default it shows what waits for the person: an approver's pending requests, an admin's failures and matches too", async () => {
    const forApprover = await approver.get('/admin');
    assert.equal(forApprover.statusCode, 200);
    assert.deepEqual(linked(forApprover.body), [ids.pending]);
    assert.equal(waitingCount(forApprover.body), 1);

    const forAdmin = await admin.get('/admin');
    assert.deepEqual(new Set(linked(forAdmin.body)), new Set([ids.pending, ids.failed, ids.match]));
    assert.equal(waitingCount(forAdmin.body), 3);
  });

  test('the waiting count is in the nav of the other console pages too', async () => {
    assert.equal(waitingCount((await approver.get(`/admin/requests/${ids.active}`)).body), 1);
    assert.equal(waitingCount((await admin.get('/admin/audit')).body), 3);
  });

  test('filters by status, with the counts per status in the filter and above the table', async () => {
    const all = await approver.get('/admin?status=all');
    assert.equal(linked(all.body).length, 4);
    assert.match(all.body, /<option value="all"[^>]*>All \(4\)<\/option>/);
    assert.match(all.body, /<option value="failed"[^>]*>Failed \(1\)<\/option>/);
    assert.match(all.body, /<option value="active" selected>|<option value="active"[^>]*>Active \(1\)/);
    assert.deepEqual(linked((await approver.get('/admin?status=active')).body), [ids.active]);
    assert.equal((await approver.get('/admin?status=bogus')).statusCode, 400);
  });

  test('searches by the start of the address, the domain or a name, in any case', async () => {
    assert.deepEqual(linked((await approver.get('/admin?status=all&search=ADA%40fab')).body), [ids.pending]);
    assert.deepEqual(linked((await approver.get('/admin?status=all&search=contoso.com')).body), [ids.active]);
    assert.deepEqual(linked((await approver.get('/admin?status=all&search=grace+hop')).body), [ids.active]);
    assert.deepEqual(linked((await approver.get('/admin?status=all&search=BYRON')).body), [ids.pending]);
    const none = await approver.get('/admin?status=all&search=nobody');
    assert.deepEqual(linked(none.body), []);
    assert.match(none.body, /No request matches/);
    assert.match(none.body, /value="nobody"/, 'the search box keeps what was typed');
  });

  test('pages newest first: 50 a page, an "Older requests" link, then a way back to the newest', async () => {
    const local = await testApp();
    try {
      const made = [];
      for (let i = 0; i < 53; i++) {
        made.push((await stored(local.db.store, { createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) })).id);
      }
      const browser = webClient(local.app);
      await signIn(local, browser, 'approver');
      const first = await browser.get('/admin');
      const newestFirst = made.toReversed();
      assert.deepEqual(linked(first.body), newestFirst.slice(0, 50));
      assert.doesNotMatch(first.body, /Newest requests/);
      const older = /<a href="([^"]+)">Older requests<\/a>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(older, 'a link to the older requests');
      const second = await browser.get(older);
      assert.deepEqual(linked(second.body), newestFirst.slice(50));
      assert.doesNotMatch(second.body, /Older requests/);
      assert.match(second.body, /<a href="\/admin">Newest requests<\/a>/);
      assert.equal((await browser.get('/admin?after=forged')).statusCode, 400);
    } finally {
      await local.close();
    }
  });

  test('only pending requests have a checkbox for the bulk decision', async () => {
    const body = (await admin.get('/admin')).body;
    assert.match(body, new RegExp(`name="ids" value="${ids.pending}"`));
    assert.doesNotMatch(body, new RegExp(`name="ids" value="${ids.failed}"`));
  });
});
