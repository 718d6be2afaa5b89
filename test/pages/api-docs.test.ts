// The API reference (/api/docs, Swagger UI) in Chromium: it renders every operation from
// the document under the app's own Content-Security-Policy (no inline script or style
// allowed), and axe finds no serious violation.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';

let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  t = await testApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
});
after(async () => {
  await browser?.close();
  await t.close();
});

test('/api/docs shows every operation with no CSP violation and no serious axe violation', async () => {
  const page = await browser.newPage();
  const blocked = watchCsp(page);
  const failed: string[] = [];
  page.on('pageerror', (error) => failed.push(error.message));
  page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
  try {
    const response = await page.goto(`${base}/api/docs`);
    assert.equal(response?.status(), 200);
    assert.match(String(response?.headers()['content-security-policy']), /script-src 'self';/);
    await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
    const summaries = await page.locator('.opblock-summary-description').allTextContents();
    assert.ok(summaries.includes('Ask for access'), summaries.join(' | '));
    assert.ok(summaries.includes('Approve a pending request'));
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).flatMap((item) => Object.keys(item)).length;
    assert.equal(await page.locator('.opblock-summary-method').count(), operations);
    // An operation opens and shows the roles sentence derived from the access table.
    await page.locator('.opblock-summary', { hasText: 'Send a failed request back to provisioning' }).click();
    await page.getByText('Needs a bearer token with the admin role.').waitFor({ timeout: 5_000 });
    await page.screenshot({ path: 'test-results/api-docs.png', fullPage: true });

    assert.deepEqual(blocked, [], 'no Content-Security-Policy violation');
    assert.deepEqual(failed, [], 'no script error and no request refused');
    const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, []);
  } finally {
    await page.close();
  }
});
