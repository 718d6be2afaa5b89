// The pages in a real browser: they render, say "sandbox" when they are one, and pass axe.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser } from '../helpers/browser.ts';

let t: TestApp;
let browser: Browser;
let base: string;
const shots = 'test-results';

before(async () => {
  t = await testApp({
    sandbox: {
      graphMail: () => [],
      redeem: (url) => (url.includes('ticket=good') ? { redirectUrl: `${base}/welcome` } : null),
    },
  });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t.close();
});

for (const [path, heading] of [
  ['/', 'Ask for access to Contoso Portal'],
  ['/welcome', "You're in"],
] as const) {
  test(`${path} renders, says it is a sandbox, and has no accessibility violations`, async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${base}${path}`);
      assert.equal(response?.status(), 200);
      assert.equal(await page.locator('h1').textContent(), heading);
      assert.match((await page.getByRole('note').textContent()) ?? '', /Sandbox/);
      assert.deepEqual(await axeViolations(page), []);
      await page.screenshot({
        path: `${shots}/page${path === '/' ? '-home' : path.replace(/\//g, '-')}.png`,
        fullPage: true,
      });
    } finally {
      await page.close();
    }
  });
}

test('a sandbox redeem link lands on the app; an unknown one is a friendly 404 page', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/sandbox/redeem?ticket=good`);
    assert.equal(new URL(page.url()).pathname, '/welcome');
    const response = await page.goto(`${base}/sandbox/redeem?ticket=forged`);
    assert.equal(response?.status(), 404);
    assert.match((await page.locator('h1').textContent()) ?? '', /Page not found/);
    assert.match((await page.getByRole('note').textContent()) ?? '', /Sandbox/, 'error pages say sandbox too');
    assert.deepEqual(await axeViolations(page), []);
  } finally {
    await page.close();
  }
});

test('the verification link shows a button; confirming moves the request on; a bad link says so', async () => {
  const { submitRequest } = await import('../../src/app/submit-request.ts');
  const { sendVerification } = await import('../../src/app/send-verification.ts');
  const deps = { store: t.db.store, clock: t.clock, ids: t.ids };
  const request = await submitRequest(deps, {
    email: 'ada@fabrikam.com',
    firstName: 'Ada',
    lastName: 'L',
    actor: { kind: 'requester' },
    verified: false,
  });
  let text = '';
  await sendVerification(
    {
      ...deps,
      mailer: {
        send: async (m) => {
          text = m.text;
        },
      },
      settings: { publicUrl: base, validForMs: 3_600_000 },
      branding: { organizationName: 'Contoso', appName: 'Project X' },
    },
    request.id,
  );
  const link = /https?:\/\/\S+\/verify\?token=\S+/.exec(text)?.[0];
  assert.ok(link);

  const page = await browser.newPage();
  try {
    await page.goto(link);
    assert.equal(await page.locator('h1').textContent(), 'Confirm your email address');
    assert.equal(
      (await t.db.store.getRequest(request.id))?.status,
      'pending_verification',
      'opening the link alone confirms nothing',
    );
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/page-verify.png`, fullPage: true });
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.waitForSelector('text=Thank you');
    assert.match((await page.locator('main').textContent()) ?? '', /Your address is confirmed/);
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'pending_approval');
    assert.deepEqual(await axeViolations(page), []);

    await page.goto(`${base}/verify?token=glv_forged`);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.waitForSelector('text=This link does not work');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/page-verify-invalid.png`, fullPage: true });
  } finally {
    await page.close();
  }
});
