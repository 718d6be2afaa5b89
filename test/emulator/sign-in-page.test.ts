// The sign-in page itself: static markup a strict CSP allows (no inline script or style),
// names escaped, and in Chromium — under the emulator's own CSP — it passes axe and a click
// on a person lands on the app's callback with a code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEFAULT_STAFF } from '../../src/emulator/index.ts';
import { axeViolations, launchBrowser } from '../helpers/browser.ts';
import { emulatorFor } from './helpers.ts';
import { authorizeUrl, CALLBACK, hop, pkce, signInApp } from './sign-in-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const request = (clientId: string) => ({
  client_id: clientId,
  response_type: 'code',
  redirect_uri: CALLBACK,
  scope: 'openid profile email',
  state: 'st',
  nonce: 'nn',
  code_challenge: pkce().challenge,
  code_challenge_method: 'S256',
});

test('the page has no inline script or style, a strict CSP, and escapes names', async (t) => {
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF });
  emulator.addStaff({ name: '<img src=x onerror=alert(1)>', email: 'mallory@contoso.onmicrosoft.com' });
  const app = signInApp(emulator);
  const page = await hop(emulator, authorizeUrl(emulator, request(app.clientId)));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.doesNotMatch(page.text, /<script|<style|<[^>]*\s(style|on[a-z]+)=/i);
  assert.match(page.text, /<html lang="en">/);
  assert.match(page.text, /&lt;img src=x onerror=alert\(1\)&gt;/);
  for (const person of ['Adele Vance', 'Alex Wilber', 'Megan Bowen']) assert.match(page.text, new RegExp(person));
  const error = await hop(
    emulator,
    authorizeUrl(emulator, { ...request(app.clientId), redirect_uri: 'https://x.test/' }),
  );
  assert.doesNotMatch(error.text, /<script|<style|\sstyle=/i);
  assert.match(error.headers.get('content-security-policy') ?? '', /default-src 'none'/);
});

test('in Chromium the page passes axe, and picking a person lands on the callback with a code', async (t) => {
  const emulator = await emulatorFor(t, { staff: DEFAULT_STAFF });
  const app = signInApp(emulator);
  // The emulator's CA is not Chromium's; the app's callback is answered here, not on the net.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  t.after(() => context.close());
  let landed: URL | null = null;
  await context.route(`${CALLBACK}**`, (route) => {
    landed = new URL(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>ok</title>' });
  });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto(authorizeUrl(emulator, request(app.clientId)));
  assert.equal(response?.status(), 200);
  assert.equal(await page.locator('h1').textContent(), 'Pick an account');
  await page.getByRole('button', { name: /Alex Wilber/ }).click();
  await page.waitForURL(`${CALLBACK}**`);
  const back = landed as URL | null;
  assert.equal(back?.searchParams.get('state'), 'st');
  assert.ok(back?.searchParams.get('code'));
  assert.deepEqual(violations, [], 'the page needs nothing the CSP forbids');

  // axe is injected as an inline script, which the page's CSP rightly forbids: a second
  // context that bypasses CSP runs it on the same markup.
  const axeContext = await browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true });
  t.after(() => axeContext.close());
  const axePage = await axeContext.newPage();
  await axePage.goto(authorizeUrl(emulator, request(app.clientId)));
  assert.deepEqual(await axeViolations(axePage), []);
  await axePage.goto(authorizeUrl(emulator, { ...request(app.clientId), redirect_uri: 'https://x.test/' }));
  assert.deepEqual(await axeViolations(axePage), [], 'the error page too');
});
