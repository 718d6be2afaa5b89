// Picking an app and answering its questions in Chromium: the list of apps, the app's form
// with a radio question, the errors, and the answer page, each passing axe with nothing
// blocked by the CSP. Screenshots go to test-results/ (catalogue-*.png).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { anApp } from '../adapters/store/app-fixtures.ts';
import { type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';

const shots = 'test-results';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(() => browser?.close());

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

describe('choosing an app and answering its questions', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await testApp();
    await t.db.store.insertApp(
      anApp({
        slug: 'supplier-portal',
        name: 'Supplier portal',
        description: 'Orders, invoices and delivery notes.',
        questions: [
          { id: 'company', label: 'Your company', kind: 'short_text', required: true },
          {
            id: 'plans',
            label: 'What will you do there?',
            kind: 'long_text',
            required: false,
            hint: 'A sentence or two.',
          },
          {
            id: 'role',
            label: 'Your role',
            kind: 'single_choice',
            required: true,
            choices: ['Send invoices', 'Track orders'],
          },
        ],
      }),
      null,
    );
    await t.db.store.insertApp(anApp({ slug: 'partner-wiki', name: 'Partner wiki', questions: [] }), null);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => t.close());

  test('list → form → errors → sent, axe-clean at every step', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const blocked = watchCsp(page);
    try {
      await page.goto(`${base}/request`);
      assert.equal(await page.locator('h1').textContent(), 'Which app do you need?');
      assert.deepEqual(await axeViolations(page), []);
      await shoot(page, 'catalogue-list');

      await page.getByRole('link', { name: 'Supplier portal' }).click();
      await page.waitForURL(`${base}/request/supplier-portal`);
      assert.deepEqual(await axeViolations(page), []);
      await shoot(page, 'catalogue-form');

      // Sent with the required answers missing: the summary takes the focus and links to them.
      await page.getByLabel('Email address').fill('ada@fabrikam.com');
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill('Lovelace');
      await page.getByRole('button', { name: 'Ask for access' }).click();
      await page.waitForSelector('.errors');
      const links = await page.locator('.errors a').allTextContents();
      assert.deepEqual(links, ['Answer "Your company".', 'Select an answer to "Your role".']);
      assert.deepEqual(await axeViolations(page), []);
      await shoot(page, 'catalogue-errors');
      await page.locator('.errors a', { hasText: 'Your role' }).click();
      assert.equal(
        await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash),
        '#field-answer-role',
      );

      assert.equal(await page.getByLabel('Email address').inputValue(), 'ada@fabrikam.com', 'kept');
      await page.getByLabel('Your company').fill('Fabrikam');
      await page.getByLabel('Track orders').check();
      await page.getByLabel('What will you do there?').fill('Follow our deliveries.');
      await page.getByRole('button', { name: 'Ask for access' }).click();
      await page.waitForURL(`${base}/request/sent`);
      assert.deepEqual(await axeViolations(page), []);
      await shoot(page, 'catalogue-sent');
      const [stored] = await t.db.store.listOpenRequestsByEmail('ada@fabrikam.com');
      assert.deepEqual(stored?.answers, {
        company: 'Fabrikam',
        plans: 'Follow our deliveries.',
        role: 'Track orders',
      });
      assert.deepEqual(blocked, []);
    } finally {
      await page.close();
    }
  });
});
