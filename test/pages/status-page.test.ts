// The requester's status page (/status?token=…) in Chromium: a page per stage, each passing
// axe with no CSP report on a desktop and a 390 px phone; withdrawing from it by keyboard;
// a bad, old or replayed link; and an expired verification link (the test clock moves).
// Screenshots go to test-results/status-*.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decideRequest } from '../../src/app/decide-request.ts';
import { sendVerification } from '../../src/app/send-verification.ts';
import { newStatusLink, STATUS_LINK_LIFETIME_MS } from '../../src/app/status-link.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import type { AccessRequest, Status } from '../../src/domain/lifecycle.ts';
import { createLogger } from '../../src/logger.ts';
import { type TestApp, testApp } from '../helpers/app.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { webClient } from '../helpers/web.ts';
import { inState } from '../http/console/fixtures.ts';

const shots = 'test-results';
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const APPROVER = { kind: 'person', via: 'entra', id: 'oid-bob', name: 'Bob Approver' } as const;

let t: TestApp;
let browser: Browser;
let base: string;
/** The use cases' deps over the app's store and clock. */
const deps = () => ({ store: t.db.store, clock: t.clock, ids: t.ids });

before(async () => {
  t = await testApp({ sandbox: { graphMail: () => [], redeem: () => null } });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** A request in `status` and a fresh status link to it, on the listening app's origin. */
async function linkTo(status: Status, overrides: Partial<AccessRequest> = {}) {
  const request = await inState(t.db.store, status, { firstName: 'Ada', lastName: 'Lovelace', ...overrides });
  return { request, url: await newStatusLink(deps(), { requestId: request.id, publicUrl: base }) };
}

/** Opens `url`, checks axe and the CSP, screenshots it as `name`; returns the page for more checks. */
async function visit(page: Page, url: string, name: string): Promise<{ status: number | undefined; main: string }> {
  const blocked = watchCsp(page);
  const response = await page.goto(url);
  assert.deepEqual(await axeViolations(page), [], name);
  assert.deepEqual(blocked, [], name);
  await page.screenshot({ path: `${shots}/status-${name}.png`, fullPage: true });
  return { status: response?.status(), main: ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ') };
}

describe('a page per stage, on a desktop and a phone', () => {
  const stages: Array<{
    name: string;
    make: () => Promise<{ url: string }>;
    heading: string;
    says: RegExp;
    withdraw: boolean;
  }> = [
    {
      name: 'verification',
      make: () => linkTo('pending_verification'),
      heading: 'Confirm your email address',
      says: /Your request goes to the approvers only once you confirm/,
      withdraw: true,
    },
    {
      name: 'approval',
      make: () => linkTo('pending_approval'),
      heading: 'Waiting for approval',
      says: /with the approvers at Contoso/,
      withdraw: true,
    },
    {
      name: 'approved',
      make: () => linkTo('provisioning'),
      heading: 'Approved: your access is being set up',
      says: /look for an invitation\s+email/,
      withdraw: false,
    },
    {
      name: 'invited',
      make: () => linkTo('invited', { redeemUrl: 'http://localhost:3000/sandbox/redeem?ticket=abc' }),
      heading: 'Look for your invitation',
      says: /We emailed you an invitation/,
      withdraw: false,
    },
    {
      name: 'active',
      make: () => linkTo('active'),
      heading: 'You have access',
      says: /you can use Contoso Portal/,
      withdraw: false,
    },
    {
      name: 'rejected-shared',
      make: async () => {
        const made = await linkTo('pending_approval');
        await decideRequest(deps(), {
          id: made.request.id,
          actor: APPROVER,
          decision: 'reject',
          reason: 'We only admit suppliers under contract.\nAsk your account manager.',
          shareReason: true,
        });
        return made;
      },
      heading: 'Your request was not approved',
      says: /The approver gave this reason:\s*We only admit suppliers under contract/,
      withdraw: false,
    },
    {
      name: 'rejected-private',
      make: async () => {
        const made = await linkTo('pending_approval');
        await decideRequest(deps(), { id: made.request.id, actor: APPROVER, decision: 'reject', reason: 'Competitor' });
        return made;
      },
      heading: 'Your request was not approved',
      says: /The approver did not share a reason/,
      withdraw: false,
    },
    {
      name: 'failed',
      make: () => linkTo('failed', { reason: 'Graph said no' }),
      heading: 'We could not set up your access',
      says: /Contoso has been told/,
      withdraw: false,
    },
    {
      name: 'expired',
      make: () => linkTo('expired'),
      heading: 'This request has expired',
      says: /ask again/,
      withdraw: false,
    },
    {
      name: 'withdrawn',
      make: () => linkTo('withdrawn'),
      heading: 'This request was withdrawn',
      says: /Nothing more happens/,
      withdraw: false,
    },
    {
      name: 'revoked',
      make: () => linkTo('revoked'),
      heading: 'Your access has ended',
      says: /Contoso has ended the access/,
      withdraw: false,
    },
  ];
  for (const stage of stages) {
    for (const [viewport, size] of Object.entries(VIEWPORTS)) {
      test(`${stage.name} (${viewport})`, async () => {
        const { url } = await stage.make();
        const page = await browser.newPage({ viewport: size });
        try {
          const { status, main } = await visit(page, url, `${stage.name}-${viewport}`);
          assert.equal(status, 200);
          assert.equal(await page.locator('h1').textContent(), stage.heading);
          assert.match(main, stage.says);
          assert.match(main, /Ada Lovelace/);
          assert.equal(await page.getByRole('button', { name: 'Withdraw my request' }).count(), stage.withdraw ? 1 : 0);
          assert.doesNotMatch(main, /Graph said no|Competitor/, 'nothing meant for admins only');
          const scroll = await page.evaluate(() => {
            const g = globalThis as unknown as {
              document: { documentElement: { scrollWidth: number } };
              innerWidth: number;
            };
            return g.document.documentElement.scrollWidth - g.innerWidth;
          });
          assert.ok(scroll <= 0, `no sideways scrolling (${scroll}px too wide)`);
        } finally {
          await page.close();
        }
      });
    }
  }

  test('invited links to the redeem URL; active links to the app (GUESTLIST_APP_URL, here /welcome)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto((await linkTo('invited', { redeemUrl: `${base}/sandbox/redeem?ticket=xyz` })).url);
      const accept = page.getByRole('link', { name: 'Accept the invitation' });
      assert.equal(await accept.getAttribute('href'), `${base}/sandbox/redeem?ticket=xyz`);
      await page.goto((await linkTo('active')).url);
      const open = page.getByRole('link', { name: 'Open Contoso Portal' });
      assert.equal(await open.getAttribute('href'), 'http://localhost:3000/welcome');
    } finally {
      await page.close();
    }
  });
});

test('the requester withdraws by keyboard alone; a reload withdraws nothing twice; a replayed form is told why', async () => {
  const { request, url } = await linkTo('pending_approval');
  // A second tab holds the same form, opened before the withdrawal.
  const secondTab = webClient(t.app);
  const token = new URL(url).searchParams.get('token')!;
  await secondTab.get(`/status?token=${encodeURIComponent(token)}`);
  const page = await browser.newPage({ viewport: VIEWPORTS.phone });
  const blocked = watchCsp(page);
  try {
    await page.goto(url);
    const button = page.getByRole('button', { name: 'Withdraw my request' });
    const focused = () =>
      button.evaluate(
        (el) =>
          (el as unknown) ===
          (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
      );
    for (let i = 0; i < 30 && !(await focused()); i++) await page.keyboard.press('Tab');
    assert.ok(await focused(), 'Tab reaches the button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=withdrawn/);
    assert.equal(await page.getByRole('status').textContent(), 'You withdrew your request.');
    assert.equal(await page.locator('h1').textContent(), 'This request was withdrawn');
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'withdrawn');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/status-withdrawn-done-phone.png`, fullPage: true });
    await page.reload();
    assert.equal(await page.locator('h1').textContent(), 'This request was withdrawn');
    assert.deepEqual(blocked, []);
  } finally {
    await page.close();
  }
  // The same form posted from the second tab: a 409 page, nothing changed.
  const again = await secondTab.post('/status/withdraw', { token });
  assert.equal(again.statusCode, 409);
  assert.match(again.body, /can no longer be withdrawn/);
  const audit = await t.db.store.listAudit(request.id);
  assert.equal(audit.filter((entry) => entry.action === 'withdraw').length, 1);
});

test('a withdrawal needs the page’s CSRF token, and a decided request cannot be withdrawn', async () => {
  const { request, url } = await linkTo('pending_approval');
  const token = new URL(url).searchParams.get('token')!;
  const client = webClient(t.app);
  await client.get(`/status?token=${encodeURIComponent(token)}`);
  const forged = await client.post('/status/withdraw', { token, _csrf: 'forged' });
  assert.equal(forged.statusCode, 403);
  assert.equal((await t.db.store.getRequest(request.id))?.status, 'pending_approval');
  await decideRequest(deps(), { id: request.id, actor: APPROVER, decision: 'approve' });
  const late = await client.post('/status/withdraw', { token });
  assert.equal(late.statusCode, 409);
  assert.equal((await t.db.store.getRequest(request.id))?.status, 'approved');
});

test('a bad or expired status link is a friendly 404 page, also when withdrawing', async () => {
  const page = await browser.newPage({ viewport: VIEWPORTS.phone });
  try {
    for (const [name, url] of [
      ['forged', `${base}/status?token=gls_forged`],
      ['missing', `${base}/status`],
    ] as const) {
      const { status, main } = await visit(page, url, `invalid-${name}-phone`);
      assert.equal(status, 404);
      assert.equal(await page.locator('h1').textContent(), 'This link does not work');
      assert.match(main, /The newest email about your request has a working one/);
      assert.equal(await page.getByRole('link', { name: 'ask for access again' }).getAttribute('href'), '/request');
    }
  } finally {
    await page.close();
  }
  const { url } = await linkTo('pending_approval');
  t.clock.advance(STATUS_LINK_LIFETIME_MS + 1000);
  const client = webClient(t.app);
  const token = new URL(url).searchParams.get('token')!;
  const old = await client.get(`/status?token=${encodeURIComponent(token)}`);
  assert.equal(old.statusCode, 404);
  assert.match(old.body, /This link does not work/);
  await client.get('/verify');
  assert.equal((await client.post('/status/withdraw', { token })).statusCode, 404);
});

test('an expired verification link says so in the browser and confirms nothing', async () => {
  const request = await submitRequest(deps(), {
    email: 'late.reader@fabrikam.com',
    firstName: 'Late',
    lastName: 'Reader',
    actor: { kind: 'requester' },
    verified: false,
  });
  let text = '';
  await sendVerification(
    {
      ...deps(),
      mailer: {
        send: async (m) => {
          text = m.text;
        },
      },
      settings: { publicUrl: base, validForMs: 24 * 3_600_000 },
      branding: { organizationName: 'Contoso', appName: 'Contoso Portal' },
    },
    request.id,
  );
  const verify = /https?:\/\/\S+\/verify\?token=\S+/.exec(text)?.[0];
  const status = /https?:\/\/\S+\/status\?token=\S+/.exec(text)?.[0];
  assert.ok(verify && status, text);
  t.clock.advance(25 * 3_600_000); // a day and an hour later
  const page = await browser.newPage({ viewport: VIEWPORTS.phone });
  const blocked = watchCsp(page);
  try {
    await page.goto(verify);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.waitForSelector('h1:has-text("This link does not work")');
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: `${shots}/status-verify-expired-phone.png`, fullPage: true });
    assert.equal((await t.db.store.getRequest(request.id))?.status, 'pending_verification');
    // The email's status link still works, and says the address still waits for confirmation.
    await page.goto(status);
    assert.equal(await page.locator('h1').textContent(), 'Confirm your email address');
    assert.deepEqual(blocked, []);
  } finally {
    await page.close();
  }
});

test('the status token is never logged: not when the page is read, withdrawn from, or the link is bad', async () => {
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const logged = await testApp({ logger: createLogger('debug', sink) });
  try {
    const request = await inState(logged.db.store, 'pending_approval');
    const url = await newStatusLink(
      { store: logged.db.store, clock: logged.clock },
      { requestId: request.id, publicUrl: 'http://localhost:3000' },
    );
    const token = new URL(url).searchParams.get('token')!;
    const client = webClient(logged.app);
    assert.equal((await client.get(`/status?token=${encodeURIComponent(token)}`)).statusCode, 200);
    const withdrawn = await client.post('/status/withdraw', { token });
    assert.equal(withdrawn.statusCode, 303);
    assert.equal((await client.get(withdrawn.headers.location as string)).statusCode, 200);
    assert.equal((await client.get(`/status?token=${encodeURIComponent(`${token}x`)}`)).statusCode, 404);
    assert.match(output, /"url":"\/status\?…"/, 'the requests were logged, without their query');
    assert.ok(!output.includes(token.slice(4)), 'no part of the token after its prefix in the log');
  } finally {
    await logged.close();
  }
});
