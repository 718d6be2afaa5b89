// Signing in with Microsoft in a real browser, against the emulator: Guestlist's sign-in
// page and the emulator's pass axe; a click on "Sign in with Microsoft", a click on Adele
// Vance, and the browser is back, signed in; "Sign out" ends it. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { argon2Hasher } from '../../src/adapters/identity/argon2.ts';
import { createLocalAdmin } from '../../src/app/local-admins.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { type SignInHarness, signInHarness } from '../helpers/sign-in.ts';

let h: SignInHarness;
let browser: Browser;
let base: string;
const shots = 'test-results';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The public URL is where the browser reaches Guestlist: the redirect URI is built from it.
  h = await signInHarness({ publicUrl: base });
  await h.app.listen({ host: '127.0.0.1', port });
  // A local admin, so the page shows (and axe checks) the break-glass form too.
  await createLocalAdmin(
    { localAdmins: h.db.localAdmins, hasher: argon2Hasher, clock: h.clock },
    { username: 'ops', displayName: 'Operations', password: 'correct horse battery staple' },
  );
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await h.close();
});

test('sign in with Microsoft and sign out, by clicks; both sign-in pages pass axe', async () => {
  // The emulator's certificate is its own CA's; the browser is told not to mind.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const blocked = watchCsp(page);
  try {
    const response = await page.goto(`${base}/auth/signin?next=${encodeURIComponent('/auth/signin')}`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('h1').textContent(), 'Sign in to the console');
    assert.ok(await page.getByLabel('User name').isVisible(), 'the break-glass form is there');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/page-auth-signin.png`, fullPage: true });

    await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
    await page.waitForURL((url) => url.href.startsWith(h.sandbox.emulator.url));
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/page-auth-emulator-pick.png`, fullPage: true });

    await page.getByRole('button', { name: /Adele Vance/ }).click();
    await page.waitForURL(`${base}/auth/signin`);
    assert.match((await page.locator('main').textContent()) ?? '', /signed in as Adele Vance/);
    assert.match((await page.locator('.console-nav').textContent()) ?? '', /Adele Vance\s*\(admin\)/);
    await page.screenshot({ path: `${shots}/page-auth-signed-in.png`, fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/auth/signedout?from=microsoft`);
    assert.equal(await page.locator('h1').textContent(), 'You are signed out');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(blocked, []);
    const cookies = await context.cookies(base);
    assert.equal(
      cookies.find((c) => c.name === 'guestlist-session'),
      undefined,
    );
  } finally {
    await context.close();
  }
});
