// The approval policy's dry run (/admin/policy-check): an admin reads which rule would
// decide for an address, every rule's verdict in order, and nothing is written. In
// Chromium with axe (desktop and phone); what the page escapes, and who may open it.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEFAULT_POLICY } from '../../src/domain/approval-policy.ts';
import { sessionCookieName } from '../../src/http/auth.ts';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { signIn, type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { webClient } from '../helpers/web.ts';

const shots = 'test-results';
const POLICY = {
  ...DEFAULT_POLICY,
  blockedDomains: ['evil.example'],
  rejectDisposable: true,
  allowedDomains: ['contoso.com'],
};

let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  t = await testApp({ policy: { policyFor: async () => POLICY } });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function client(role: 'admin' | 'approver') {
  const web = webClient(t.app);
  await signIn(t, web, role, { name: role === 'admin' ? 'Alice Admin' : 'Bob Approver' });
  return web;
}

test('an admin checks an address in the browser: the deciding rule and each verdict, axe-clean', async () => {
  const web = await client('admin');
  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const context = await browser.newContext({ viewport });
    const cookie = sessionCookieName(false);
    await context.addCookies([{ name: cookie, value: web.cookies.get(cookie)!, url: base }]);
    const page = await context.newPage();
    const blocked = watchCsp(page);
    await page.goto(`${base}/admin/policy-check`);
    assert.deepEqual(await axeViolations(page), [], 'the empty form');
    await page.getByLabel('Email address').fill('Eve@Mail.EVIL.example');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.waitForURL(/email=/);
    const decision = (await page.locator('.decision').textContent()) ?? '';
    assert.match(decision, /Rejected automatically by the rule blocked_domain/);
    assert.match(decision, /the requester is not told the reason/);
    const rows = (await page.locator('ol.policy-trace li').allTextContents()).map((row) => row.replace(/\s+/g, ' '));
    assert.equal(rows.length, 6, 'every rule, in order');
    assert.match(rows[0]!, /blocked_domain: Reject \(decides\)\. Addresses at evil\.example/);
    assert.match(rows[5]!, /stages: Ask stage 1 \(not reached\)/);
    assert.deepEqual(await axeViolations(page), [], 'the answer');
    await page.screenshot({ path: `${shots}/policy-check-${name}.png`, fullPage: true });
    assert.deepEqual(blocked, []);
    await context.close();
  }
});

test('the dry run names allowed domains and disposable ones, escapes what was typed, and writes nothing', async () => {
  const web = await client('admin');
  const allowed = await web.get('/admin/policy-check?email=ann%40eu.contoso.com');
  assert.equal(allowed.statusCode, 200);
  assert.match(allowed.body, /Approved automatically by the rule allowed_domain/);
  const disposable = await web.get('/admin/policy-check?email=x%40mailinator.com');
  assert.match(disposable.body, /Rejected automatically by the rule disposable_address/);
  assert.match(disposable.body, /the requester reads this reason/);
  const hostile = await web.get(
    `/admin/policy-check?email=${encodeURIComponent('<script>x</script>@fabrikam.com')}&justification=${encodeURIComponent('<img src=x onerror=alert(1)>')}`,
  );
  assert.equal(hostile.statusCode, 400, 'an address that is none is told beside its field');
  assert.doesNotMatch(hostile.body, /<script>x<\/script>|<img src=x/);
  assert.match(hostile.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.deepEqual(await t.db.queries.countByStatus(), {}, 'no request was made');
});

test('an approver may not run the dry run (it reads what the policy lists)', async () => {
  const web = await client('approver');
  assert.equal((await web.get('/admin/policy-check?email=ann%40contoso.com')).statusCode, 403);
});

test('with the catalogue, the admin tries one app’s policy at a time; an unknown app is refused', async () => {
  const strict = anApp({ name: 'Wiki', policy: { ...DEFAULT_POLICY, blockedDomains: ['fabrikam.com'] } });
  const open = anApp({ name: 'Portal', policy: { ...DEFAULT_POLICY, stages: [] } });
  const byId = new Map([strict, open].map((app) => [app.id, app]));
  const t2 = await testApp({
    policy: {
      policyFor: async ({ appId }) => byId.get(appId ?? '')?.policy ?? DEFAULT_POLICY,
      apps: { listAll: async () => [strict, open] },
    },
  });
  try {
    const web = webClient(t2.app);
    await signIn(t2, web, 'admin', { name: 'Alice Admin' });
    const form = await web.get('/admin/policy-check');
    assert.match(form.body, /<option value="[^"]+" selected>Wiki<\/option>/);
    const wiki = await web.get(`/admin/policy-check?app=${strict.id}&email=ann%40fabrikam.com`);
    assert.match(wiki.body, /Rejected automatically by the rule blocked_domain/);
    const portal = await web.get(`/admin/policy-check?app=${open.id}&email=ann%40fabrikam.com`);
    assert.match(portal.body, /Approved automatically by the rule no_stages/);
    const unknown = await web.get('/admin/policy-check?app=nope&email=ann%40fabrikam.com');
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /Choose one of the apps listed/);
  } finally {
    await t2.close();
  }
});
