// The request form in Chromium, used with the keyboard alone: it passes axe empty, with
// errors and once sent, the page's CSP blocks nothing, and it fits a 390px-wide phone.
// Screenshots go to test-results/ (request-*.png).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TEST_BRANDING, type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';

const shots = 'test-results';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(() => browser?.close());

/** A page at `size` that records CSP violations; the caller checks `blocked` at the end. */
async function open(size: { width: number; height: number }) {
  const page = await browser.newPage({ viewport: size });
  return { page, blocked: watchCsp(page) };
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

/** The DOM, as seen from code evaluated in the page (the tests compile without lib.dom). */
type Dom = {
  document: {
    activeElement: { id: string; textContent: string | null } | null;
    documentElement: { scrollWidth: number };
  };
  innerWidth: number;
  location: { hash: string };
};

/** Tabs forward until the focus is on `selector` (at most `max` presses), as a keyboard user would. */
async function tabTo(page: Page, selector: string, max = 6) {
  for (let i = 0; i < max; i++) {
    const focused = await page
      .locator(selector)
      .evaluate((el) => (el as unknown) === (globalThis as unknown as Dom).document.activeElement);
    if (focused) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}

const focusedId = (page: Page) => page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.id ?? '');

describe('the request page in a browser', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await testApp({ sandbox: { graphMail: () => [], redeem: () => null } });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => t.close());

  for (const [device, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    test(`${device}: filled in and sent with the keyboard alone; axe passes empty, with errors and sent`, async () => {
      const { page, blocked } = await open(size);
      try {
        const email = `keyboard.${device}@fabrikam.com`;
        await page.goto(`${base}/`);
        await page.getByRole('link', { name: 'Ask for access' }).press('Enter');
        await page.waitForURL(`${base}/request`);
        assert.equal(await page.locator('h1').textContent(), 'Ask for access to Contoso Portal');
        assert.deepEqual(await axeViolations(page), []);
        await shoot(page, `request-empty-${device}`);
        if (device === 'phone') {
          const overflow = await page.evaluate(() => {
            const { document, innerWidth } = globalThis as unknown as Dom;
            return document.documentElement.scrollWidth - innerWidth;
          });
          assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px too wide)`);
        }

        // First attempt: the last name left out.
        await tabTo(page, '#field-email');
        await page.keyboard.type(email);
        await page.keyboard.press('Tab');
        assert.equal(await focusedId(page), 'field-firstName');
        await page.keyboard.type('Ada');
        await page.keyboard.press('Tab');
        assert.equal(await focusedId(page), 'field-lastName');
        await page.keyboard.press('Enter');
        await page.waitForSelector('#errors');
        assert.equal(await focusedId(page), 'errors', 'the error summary takes the focus');
        assert.match((await page.locator('#errors').textContent()) ?? '', /Last name must not be empty/);
        assert.equal(await page.locator('#field-email').inputValue(), email, 'what was typed is kept');
        assert.equal(await page.locator('#field-firstName').inputValue(), 'Ada');
        assert.deepEqual(await axeViolations(page), []);
        await shoot(page, `request-errors-${device}`);

        // The summary's link leads to the field; the rest is typed and sent from the keyboard.
        await page.keyboard.press('Tab');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => (globalThis as unknown as Dom).location.hash === '#field-lastName');
        assert.equal(await focusedId(page), 'field-lastName', 'the link puts the focus in the field');
        await page.keyboard.type('Lovelace');
        await page.keyboard.press('Tab');
        assert.equal(await focusedId(page), 'field-justification');
        await page.keyboard.type('Supplier audit');
        await page.keyboard.press('Enter');
        await page.keyboard.type('for Q3');
        await page.keyboard.press('Tab');
        assert.equal(
          await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.textContent),
          'Ask for access',
          'Tab skips the honeypot and reaches the button',
        );
        await page.keyboard.press('Enter');
        await page.waitForURL(`${base}/request/sent`);
        assert.equal(await page.locator('h1').textContent(), 'Check your inbox');
        assert.match((await page.locator('main').textContent()) ?? '', new RegExp(email.replace(/\./g, '\\.')));
        assert.deepEqual(await axeViolations(page), []);
        await shoot(page, `request-sent-${device}`);

        const [stored] = await t.db.store.listOpenRequestsByEmail(email);
        assert.equal(stored?.lastName, 'Lovelace');
        assert.equal(stored?.justification, 'Supplier audit\nfor Q3');
        assert.deepEqual(blocked, [], 'the CSP blocked nothing');
      } finally {
        await page.close();
      }
    });
  }

  test('hostile names stay text in the browser: no dialog, no injected element', async () => {
    const { page, blocked } = await open(DESKTOP);
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    try {
      await page.goto(`${base}/request`);
      await page.locator('#field-email').fill('not an address');
      await page.locator('#field-firstName').fill('<script>alert(1)</script>');
      await page.locator('#field-lastName').fill('"><img src=x onerror=alert(1)>');
      await page.getByRole('button', { name: 'Ask for access' }).click();
      await page.waitForSelector('#errors');
      assert.equal(await page.locator('#field-firstName').inputValue(), '<script>alert(1)</script>');
      assert.equal(await page.locator('#field-lastName').inputValue(), '"><img src=x onerror=alert(1)>');
      assert.equal(await page.locator('main img, main script').count(), 0);
      assert.equal(dialogs, 0);
      assert.deepEqual(blocked, []);
    } finally {
      await page.close();
    }
  });
});

describe('the request page with a brand, and the 429 page', () => {
  let t: TestApp;
  let base: string;
  let logoServer: Server;
  before(async () => {
    // The brand's logo lives elsewhere, as GUESTLIST_LOGO_URL usually does.
    logoServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/svg+xml' });
      response.end(
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" rx="6" fill="#8a2be2"/><text x="12" y="27" font-family="sans-serif" font-size="18" fill="#fff">Tailspin</text></svg>',
      );
    });
    await new Promise<void>((resolve) => logoServer.listen(0, '127.0.0.1', resolve));
    const logoPort = (logoServer.address() as AddressInfo).port;
    t = await testApp({
      submissionsPerMinute: 1,
      branding: {
        ...TEST_BRANDING,
        organizationName: 'Tailspin Toys',
        appName: 'Partner Hub',
        logoUrl: `http://127.0.0.1:${logoPort}/logo.svg`,
        accentColor: '#8a2be2',
        introText: 'Partners and suppliers of Tailspin Toys ask for access to the Partner Hub here.',
        privacyUrl: 'https://tailspin.example/privacy',
      },
    });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await t.close();
    await new Promise((resolve) => logoServer.close(resolve));
  });

  test('the brand shows (logo, colour, intro, privacy link), passes axe, and over the allowance the 429 page is friendly', async () => {
    for (const [device, size] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { page, blocked } = await open(size);
      try {
        await page.goto(`${base}/request`);
        assert.equal(
          await page.locator('img.logo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
          160,
        );
        assert.equal(await page.getByRole('img', { name: 'Tailspin Toys' }).count(), 1);
        assert.match((await page.locator('.intro').textContent()) ?? '', /Partners and suppliers/);
        assert.equal(
          await page.getByRole('link', { name: 'How we use your data' }).getAttribute('href'),
          'https://tailspin.example/privacy',
        );
        const button = await page
          .getByRole('button', { name: 'Ask for access' })
          .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor);
        assert.equal(button, 'rgb(138, 43, 226)', 'the accent colour');
        assert.deepEqual(await axeViolations(page), []);
        await shoot(page, `request-branded-${device}`);
        assert.deepEqual(blocked, []);
      } finally {
        await page.close();
      }
    }

    const { page, blocked } = await open(PHONE);
    try {
      for (const email of ['one@fabrikam.com', 'two@fabrikam.com']) {
        await page.goto(`${base}/request`);
        await page.locator('#field-email').fill(email);
        await page.locator('#field-firstName').fill('Ada');
        await page.locator('#field-lastName').fill('Lovelace');
        await page.getByRole('button', { name: 'Ask for access' }).click();
        await page.waitForLoadState();
      }
      assert.equal(await page.locator('h1').textContent(), 'Please wait a moment');
      assert.deepEqual(await axeViolations(page), []);
      await shoot(page, 'request-429-phone');
      assert.equal((await t.db.store.listOpenRequestsByEmail('two@fabrikam.com')).length, 0);
      assert.deepEqual(blocked, []);
    } finally {
      await page.close();
    }
  });
});
