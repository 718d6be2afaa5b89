// The webhooks pages in Chromium: an admin adds a webhook with the keyboard and the mouse,
// sees the secret once, reads the delivery log; every page passes axe with no violation and
// no CSP report, on a desktop and on a 390 px phone. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { changeStatus } from '../../src/app/change-status.ts';
import { sessionCookieName } from '../../src/http/auth.ts';
import { signIn, type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { webClient } from '../helpers/web.ts';
import { person, stored } from '../http/console/fixtures.ts';

const shots = 'test-results';
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  t = await testApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function asAdmin(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const client = webClient(t.app);
  await signIn(t, client, 'admin', person('Alice Admin'));
  const context = await browser.newContext({ viewport });
  const name = sessionCookieName(false);
  await context.addCookies([{ name, value: client.cookies.get(name)!, url: base }]);
  return context;
}

test('add a webhook, see its secret once, read its delivery log: axe-clean on a desktop and a phone', async () => {
  const context = await asAdmin(VIEWPORTS.desktop);
  const page = await context.newPage();
  const blocked = watchCsp(page);

  await page.goto(`${base}/admin/webhooks`);
  assert.deepEqual(await axeViolations(page), [], 'the empty list and the form');
  // A mistake first: an http URL, every event unticked.
  await page.getByLabel('Endpoint URL').fill('http://hr.example.com/hooks');
  for (const box of await page.getByRole('checkbox').all()) await box.uncheck();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  assert.match((await page.locator('.errors').textContent()) ?? '', /The URL must start with https/);
  assert.deepEqual(await axeViolations(page), [], 'the form with its errors');
  await page.screenshot({ path: `${shots}/webhooks-errors.png`, fullPage: true });

  await page.getByLabel('Endpoint URL').fill('https://hr.example.com/hooks');
  await page.getByLabel('Description').fill('HR onboarding');
  await page.getByLabel(/request\.approved/).check();
  await page.getByLabel(/guest\.redeemed/).focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Webhook added');
  const secret = await page.locator('#new-secret').inputValue();
  assert.match(secret, /^whsec_/);
  assert.deepEqual(await axeViolations(page), [], 'the secret page');
  await page.screenshot({ path: `${shots}/webhooks-created.png`, fullPage: true });

  const [webhook] = await t.db.store.listWebhooks();
  assert.deepEqual(webhook!.events, ['request.approved', 'guest.redeemed']);
  // Two deliveries for the log: one waiting for its next attempt, one delivered.
  const deps = { store: t.db.store, clock: t.clock, ids: t.ids };
  for (const [i, email] of ['grace@fabrikam.com', 'linus@tailspin.test'].entries()) {
    const request = await stored(t.db.store, { email, status: 'pending_approval' });
    await changeStatus(deps, { request, event: { type: 'approve' }, actor: { kind: 'token', name: 'x' } });
    const [delivery] = await t.db.store.listDeliveries(webhook!.id, 1);
    await t.db.store.recordDeliveryAttempt(delivery!.id, {
      at: t.clock.now(),
      status: i === 0 ? 503 : 200,
      error: i === 0 ? 'HTTP 503' : null,
      state: i === 0 ? 'pending' : 'delivered',
      nextAttemptAt: i === 0 ? new Date(t.clock.now().getTime() + 300_000) : null,
    });
    t.clock.advance(60_000);
  }
  await page.getByRole('link', { name: 'Its delivery log' }).click();
  assert.equal(await page.locator('tbody tr').count(), 2);
  assert.deepEqual(await axeViolations(page), [], 'the delivery log');
  await page.screenshot({ path: `${shots}/webhooks-deliveries.png`, fullPage: true });

  await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
  assert.ok(!(await page.content()).includes(secret), 'the list never shows the secret');
  assert.deepEqual(await axeViolations(page), [], 'the list');
  await page.screenshot({ path: `${shots}/webhooks-list.png`, fullPage: true });
  assert.deepEqual(blocked, []);
  await context.close();

  const phone = await asAdmin(VIEWPORTS.phone);
  const small = await phone.newPage();
  for (const path of ['/admin/webhooks', `/admin/webhooks/${webhook!.id}`]) {
    await small.goto(`${base}${path}`);
    assert.deepEqual(await axeViolations(small), [], `${path} on a phone`);
  }
  await small.screenshot({ path: `${shots}/webhooks-deliveries-phone.png`, fullPage: true });
  await small.getByRole('button', { name: /Delete the webhook/ }).click();
  assert.match((await small.locator('.flash').textContent()) ?? '', /Webhook deleted/);
  assert.deepEqual(await t.db.store.listWebhooks(), []);
  await phone.close();
});
