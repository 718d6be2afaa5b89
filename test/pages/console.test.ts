// The console in a real browser (Chromium): used by keyboard alone, and every page passes
// axe with no violation and no CSP report, on a desktop and on a 390 px phone. Screenshots
// go to test-results/ (git-ignored) to be looked at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionCookieName } from '../../src/http/auth.ts';
import { signIn, type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { webClient } from '../helpers/web.ts';
import { failed, inState, needsConfirmation, person, stored } from '../http/console/fixtures.ts';

const shots = 'test-results';
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  t = await testApp({
    sandbox: {
      graphMail: () => [
        {
          id: 'g1',
          source: 'graph',
          from: 'invites@microsoft.com',
          to: ['grace@contoso.com'],
          subject: 'You are invited to Contoso Portal',
          text: 'Accept the invitation: http://localhost:3000/sandbox/redeem?ticket=abc',
          links: ['http://localhost:3000/sandbox/redeem?ticket=abc'],
          sentAt: new Date('2026-03-01T10:00:00.000Z'),
        },
      ],
      redeem: () => null,
    },
  });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** A browser context signed in as a person with `role`. */
async function signedIn(
  role: 'admin' | 'approver',
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  const client = webClient(t.app);
  await signIn(t, client, role, person(role === 'admin' ? 'Alice Admin' : 'Bob Approver'));
  const context = await browser.newContext({ viewport });
  const name = sessionCookieName(false);
  await context.addCookies([{ name, value: client.cookies.get(name)!, url: base }]);
  return context;
}

/** Tabs until `selector` has the focus (at most `limit` presses). */
async function tabTo(page: Page, selector: string, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((s) => {
      const { document } = globalThis as unknown as {
        document: { activeElement: { matches(s: string): boolean } | null };
      };
      return document.activeElement?.matches(s) ?? false;
    }, selector);
    if (focused) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

test('an approver uses the queue by keyboard alone: search, open a request, approve it', async () => {
  const ada = await stored(t.db.store, { email: 'ada.keyboard@fabrikam.com', firstName: 'Ada', lastName: 'Keys' });
  await stored(t.db.store, { email: 'other@tailspin.test', firstName: 'Other', lastName: 'Person' });
  const context = await signedIn('approver', VIEWPORTS.desktop);
  const page = await context.newPage();
  const blocked = watchCsp(page);
  try {
    await page.goto(`${base}/admin`);
    await tabTo(page, '#field-search');
    await page.keyboard.type('ada.key');
    await page.keyboard.press('Enter');
    await page.waitForURL(/search=ada.key/);
    assert.equal(await page.locator('tbody tr').count(), 1);
    await tabTo(page, `a[href="/admin/requests/${ada.id}"]`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/admin/requests/${ada.id}`);
    await tabTo(page, 'form[action$="/approve"] button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=approved/);
    assert.match((await page.getByRole('status').textContent()) ?? '', /Approved/);
    assert.equal((await t.db.store.getRequest(ada.id))?.status, 'approved');
    assert.deepEqual(blocked, []);
  } finally {
    await context.close();
  }
});

test('an approver rejects by keyboard alone, sharing the reason with the requester', async () => {
  const grace = await stored(t.db.store, {
    email: 'grace.keyboard@fabrikam.com',
    firstName: 'Grace',
    lastName: 'Keys',
  });
  const context = await signedIn('approver', VIEWPORTS.phone);
  const page = await context.newPage();
  const blocked = watchCsp(page);
  try {
    await page.goto(`${base}/admin/requests/${grace.id}`);
    await tabTo(page, '#field-reason');
    await page.keyboard.type('We only admit suppliers under contract.');
    await tabTo(page, '#field-share', 3);
    await page.keyboard.press('Space');
    await tabTo(page, 'form[action$="/reject"] button', 3);
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=rejected/);
    assert.match((await page.getByRole('status').textContent()) ?? '', /Rejected/);
    assert.equal((await t.db.store.getRequest(grace.id))?.status, 'rejected');
    assert.equal(await t.db.store.isReasonShared(grace.id), true, 'the ticked box reached the decision');
    assert.deepEqual(blocked, []);
  } finally {
    await context.close();
  }
});

describe('every console page passes axe, with no CSP violation', async () => {
  const pages: Array<{ name: string; role: 'admin' | 'approver'; path: () => Promise<string>; heading: RegExp }> = [
    { name: 'queue', role: 'approver', path: async () => '/admin', heading: /Access requests/ },
    { name: 'queue-admin-all', role: 'admin', path: async () => '/admin?status=all', heading: /Access requests/ },
    {
      name: 'request-pending',
      role: 'approver',
      path: async () =>
        `/admin/requests/${(await stored(t.db.store, { firstName: 'Grace', lastName: 'Hopper', justification: 'Supplier audit for Q3.\nI review the invoices with the finance team.' })).id}`,
      heading: /Grace Hopper/,
    },
    {
      name: 'request-failed',
      role: 'admin',
      path: async () => `/admin/requests/${(await failed(t.db.store)).id}`,
      heading: /Ada/,
    },
    {
      name: 'request-needs-confirmation',
      role: 'admin',
      path: async () => `/admin/requests/${(await needsConfirmation(t.db.store)).id}`,
      heading: /Ada/,
    },
    {
      name: 'request-invited',
      role: 'admin',
      path: async () =>
        `/admin/requests/${(await inState(t.db.store, 'invited', { directoryUserId: 'u-1', redeemUrl: 'http://localhost:3000/sandbox/redeem?ticket=abc' })).id}`,
      heading: /Ada/,
    },
    {
      name: 'request-active-revoke',
      role: 'admin',
      path: async () => `/admin/requests/${(await inState(t.db.store, 'active', { directoryUserId: 'u-2' })).id}`,
      heading: /Ada/,
    },
    {
      name: 'request-revoked',
      role: 'admin',
      path: async () => `/admin/requests/${(await revokedWithSteps()).id}`,
      heading: /Ada/,
    },
    { name: 'tokens', role: 'admin', path: async () => '/admin/tokens', heading: /API tokens/ },
    { name: 'audit', role: 'admin', path: async () => '/admin/audit', heading: /Audit trail/ },
    { name: 'audit-bad-date', role: 'admin', path: async () => '/admin/audit?from=2026-02-31', heading: /Audit trail/ },
    { name: 'mailbox', role: 'admin', path: async () => '/admin/mailbox', heading: /Sandbox mailbox/ },
  ];
  for (const each of pages) {
    for (const [viewport, size] of Object.entries(VIEWPORTS)) {
      test(`${each.name} (${viewport})`, async () => {
        const context = await signedIn(each.role, size);
        const page = await context.newPage();
        const blocked = watchCsp(page);
        try {
          const path = await each.path();
          await page.goto(`${base}${path}`);
          assert.match((await page.locator('h1').textContent()) ?? '', each.heading);
          for (const details of await page.locator('details').all()) await details.locator('summary').click();
          assert.deepEqual(await axeViolations(page), []);
          assert.deepEqual(blocked, []);
          await page.screenshot({ path: `${shots}/console-${each.name}-${viewport}.png`, fullPage: true });
        } finally {
          await context.close();
        }
      });
    }
  }
});

/** A revoked request whose removal job has done two steps (as app/remove-access.ts writes them). */
async function revokedWithSteps() {
  const request = await inState(t.db.store, 'revoked', { directoryUserId: 'u-3' });
  for (const [action, reason] of [
    ['access_removed', 'Removed user u-3 from group 6f1c0a52-0000-4000-8000-000000000001.'],
    ['guest_kept', 'User u-3 was not deleted: this request did not create it.'],
  ] as const) {
    await t.db.store.recordProgress({
      requestId: request.id,
      expectedStatus: ['revoked'],
      at: request.createdAt,
      audit: {
        id: crypto.randomUUID(),
        requestId: request.id,
        actor: 'worker',
        action,
        fromStatus: 'revoked',
        toStatus: 'revoked',
        reason,
        at: request.createdAt,
      },
    });
  }
  return request;
}

test('creating a token: errors beside the fields, then the token shown once; both pages pass axe', async () => {
  for (const [viewport, size] of Object.entries(VIEWPORTS)) {
    const context = await signedIn('admin', size);
    const page = await context.newPage();
    const blocked = watchCsp(page);
    try {
      await page.goto(`${base}/admin/tokens`);
      await page.locator('#field-name').fill(`ci-${viewport}`);
      await page.locator('#field-expiresInDays').fill('400');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.waitForSelector('#field-expiresInDays-error');
      assert.deepEqual(await axeViolations(page), []);
      await page.screenshot({ path: `${shots}/console-token-error-${viewport}.png`, fullPage: true });

      await page.locator('#field-expiresInDays').fill('30');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.waitForSelector('h1:has-text("Token created")');
      const secret = await page.locator('#new-token').inputValue();
      assert.match(secret, /^gl_/);
      assert.ok(!page.url().includes(secret), 'the URL never holds the token');
      assert.deepEqual(await axeViolations(page), []);
      await page.screenshot({ path: `${shots}/console-token-created-${viewport}.png`, fullPage: true });
      assert.deepEqual(blocked, []);
    } finally {
      await context.close();
    }
  }
});

test('the forms that answer with a page pass axe too: a reject without a reason, a bulk decision', async () => {
  const context = await signedIn('approver', VIEWPORTS.phone);
  const page = await context.newPage();
  const blocked = watchCsp(page);
  try {
    const request = await stored(t.db.store, { firstName: 'Reject', lastName: 'Me' });
    await page.goto(`${base}/admin/requests/${request.id}`);
    // The browser's own check would stop an empty reason; a reason of spaces gets to the server.
    await page.locator('#field-reason').fill('   ');
    await page.getByRole('button', { name: 'Reject', exact: true }).click();
    await page.waitForSelector('#field-reason-error');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/console-reject-error-phone.png`, fullPage: true });

    await page.goto(`${base}/admin`);
    await page.locator(`#select-${request.id}`).check();
    await page.getByRole('button', { name: 'Approve selected' }).click();
    await page.waitForSelector('h1:has-text("Decisions made")');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/console-bulk-result-phone.png`, fullPage: true });
    assert.deepEqual(blocked, []);
  } finally {
    await context.close();
  }
});
