// The people-facing journey in Chromium, against `npm start`'s wiring (server, worker and
// emulator in-process, sandbox mode): a newcomer asks for access, confirms from the
// verification email read in the sandbox mailbox, an approver signs in through the
// emulator's "Sign in with Microsoft" and approves, the invitation email arrives, the
// redeem link lands on the app, and the status link says the person has access. Then a
// shared rejection, a withdrawal, two approvers at once, and a session after sign-out.
// Every page visited passes axe with no CSP report; screenshots in test-results/journey-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionCookieName } from '../../src/http/auth.ts';
import type { Runtime } from '../../src/main.ts';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { type Api, adminApi, startSandboxGuestlist, until } from '../helpers/sandbox.ts';

const shots = 'test-results';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let runtime: Runtime;
let dir: string;
let base: string;
let browser: Browser;
let api: Api;

/** A port nobody listens on now: the public URL (links in emails, the sign-in redirect) needs it up front. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gl-journey-'));
  runtime = await startSandboxGuestlist(dir, {
    PORT: String(await freePort()),
    GUESTLIST_SANDBOX_LAG_SECONDS: '0', // no replication lag: the invitation follows the approval at once
  });
  base = runtime.config.publicUrl;
  assert.equal(runtime.url, base, 'the server listens where its emails point');
  api = await adminApi(runtime, 'journey');
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A browser context (a person's browser); the emulator's HTTPS uses the sandbox's own CA. */
function person(viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ viewport, ignoreHTTPSErrors: true });
}

/** Opens a page that records CSP reports as `page.blocked`. */
async function tab(context: BrowserContext): Promise<Page & { blocked: string[] }> {
  const page = await context.newPage();
  return Object.assign(page, { blocked: watchCsp(page) });
}

/**
 * The page as it stands passes axe, its CSP blocked nothing, and it is screenshotted; a
 * public page also on a 390 px phone, where it must not scroll sideways.
 */
async function check(page: Page & { blocked: string[] }, name: string, options: { phone?: boolean } = {}) {
  assert.deepEqual(await axeViolations(page), [], `${name}: axe`);
  assert.deepEqual(page.blocked, [], `${name}: CSP`);
  await page.screenshot({ path: `${shots}/journey-${name}.png`, fullPage: true });
  if (!options.phone) return;
  const size = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => {
    const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return g.document.documentElement.scrollWidth - g.innerWidth;
  });
  assert.ok(overflow <= 0, `${name}: ${overflow}px too wide on a phone`);
  await page.screenshot({ path: `${shots}/journey-${name}-phone.png`, fullPage: true });
  await page.setViewportSize(size);
}

const heading = async (page: Page) => ((await page.locator('h1').textContent()) ?? '').trim();

/** Signs the context in through the emulator's sign-in page, picking `name`; ends on the console. */
async function signInAs(context: BrowserContext, name: string): Promise<Page & { blocked: string[] }> {
  const page = await tab(context);
  await page.goto(`${base}/auth/signin`);
  await check(page, 'signin');
  await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
  await page.waitForURL((url) => url.origin === runtime.sandbox!.emulator.url);
  if (name === 'Adele Vance') await check(page, 'emulator-sign-in');
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await page.waitForURL(`${base}/admin`);
  assert.match(await heading(page), /Access requests/);
  return page;
}

/** Reloads the sandbox mailbox until an email to `to` whose subject matches shows; returns its links. */
async function mailbox(page: Page & { blocked: string[] }, to: string, subject: RegExp, shot?: string) {
  const mail = page.locator('details.mail').filter({ hasText: to }).filter({ hasText: subject });
  const deadline = Date.now() + 20_000;
  for (;;) {
    await page.goto(`${base}/admin/mailbox`);
    if ((await mail.count()) > 0 || Date.now() > deadline) break;
    await page.waitForTimeout(200); // between reloads, while the worker sends it
  }
  assert.equal(await mail.count(), 1, `one email to ${to} matching ${subject}`);
  await mail.locator('summary').click();
  if (shot) await check(page, shot);
  return mail.locator('a').evaluateAll((links) => links.map((a) => (a as unknown as { href: string }).href));
}

/** Asks for access through the form, as a newcomer does from the start page. */
async function askForAccess(page: Page & { blocked: string[] }, who: { email: string; first: string; last: string }) {
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Ask for access' }).click();
  await page.waitForURL(`${base}/request`);
  await page.locator('#field-email').fill(who.email);
  await page.locator('#field-firstName').fill(who.first);
  await page.locator('#field-lastName').fill(who.last);
  await page.locator('#field-justification').fill('Supplier audit for Q3, with the finance team.');
  await page.getByRole('button', { name: 'Ask for access' }).click();
  await page.waitForURL(`${base}/request/sent`);
  assert.equal(await heading(page), 'Check your inbox');
}

/** The verification email's two links, read through the API (the console mailbox is used in the main journey). */
async function linksFor(email: string): Promise<{ verify: string; status: string }> {
  type Message = { to: string[]; links: string[]; subject: string };
  const found = await until(
    () => api('GET', '/api/v1/sandbox/messages'),
    (r) => (r.body.items as Message[]).some((m) => m.to.includes(email)),
  );
  const links = (found.body.items as Message[]).find((m) => m.to.includes(email))?.links ?? [];
  const verify = links.find((l) => l.startsWith(`${base}/verify?token=`));
  const status = links.find((l) => l.startsWith(`${base}/status?token=`));
  assert.ok(verify && status, `verification email to ${email}: ${links.join(', ')}`);
  return { verify, status };
}

async function confirm(page: Page & { blocked: string[] }, verifyLink: string) {
  await page.goto(verifyLink);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await page.waitForSelector('h1:has-text("Thank you")');
}

/** The id of the request for `email`, as the API lists it. */
async function requestId(email: string): Promise<string> {
  const listed = await api('GET', `/api/v1/access-requests?search=${encodeURIComponent(email)}`);
  const id = (listed.body.items as Array<{ id: string; email: string }>).find((r) => r.email === email)?.id;
  assert.ok(id, `a request for ${email}: ${JSON.stringify(listed.body)}`);
  return id;
}

test('a newcomer asks, confirms, is approved, redeems the invitation, lands on the app and has access', async () => {
  const email = 'ada.journey@fabrikam.com';
  const requester = await person();
  const admin = await person();
  const approver = await person();
  try {
    // The requester starts on the home page and sends the form.
    const page = await tab(requester);
    await page.goto(`${base}/`);
    await check(page, 'home', { phone: true });
    await page.getByRole('link', { name: 'Ask for access' }).click();
    await page.waitForURL(`${base}/request`);
    await check(page, 'request', { phone: true });
    await page.locator('#field-email').fill(email);
    await page.locator('#field-firstName').fill('Ada');
    await page.locator('#field-lastName').fill('Lovelace');
    await page.locator('#field-justification').fill('Supplier audit for Q3, with the finance team.');
    await page.getByRole('button', { name: 'Ask for access' }).click();
    await page.waitForURL(`${base}/request/sent`);
    assert.equal(await heading(page), 'Check your inbox');
    await check(page, 'request-sent', { phone: true });

    // The verification email, read in the console's sandbox mailbox by the emulated admin.
    const mail = await signInAs(admin, 'Adele Vance');
    await check(mail, 'console-queue-admin');
    const links = await mailbox(mail, email, /Confirm your email address/, 'mailbox-verification');
    const verify = links.find((l) => l.startsWith(`${base}/verify?token=`));
    const status = links.find((l) => l.startsWith(`${base}/status?token=`));
    assert.ok(verify && status, links.join(', '));

    // The status link, before confirming: waiting for the address to be confirmed.
    await page.goto(status);
    assert.equal(await heading(page), 'Confirm your email address');
    await check(page, 'status-verification', { phone: true });

    await page.goto(verify);
    assert.equal(await heading(page), 'Confirm your email address');
    await check(page, 'verify', { phone: true });
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.waitForSelector('h1:has-text("Thank you")');
    await check(page, 'verified', { phone: true });
    await page.goto(status);
    assert.equal(await heading(page), 'Waiting for approval');
    await check(page, 'status-approval', { phone: true });

    // The default app's one stage is decided by admins: Adele, who signed in above (the staff
    // directory), finds the request waiting for her in the queue and on its page.
    const queue = await tab(admin);
    await queue.goto(`${base}/admin`);
    await check(queue, 'console-queue-approver');
    await queue.getByRole('link', { name: /Ada Lovelace/ }).click();
    await queue.waitForURL(/\/admin\/requests\//);
    assert.match(await heading(queue), /Ada Lovelace/);
    assert.match((await queue.locator('main').textContent()) ?? '', /Supplier audit for Q3/);
    assert.equal(await queue.locator('.waiting-for-you').textContent(), 'Waiting for you');
    await check(queue, 'console-request-pending');

    // She was emailed too, and approves from the email's Approve link: a confirmation page
    // (the GET changes nothing), then the button.
    const approverLinks = await mailbox(mail, 'adele.vance@', /Ada Lovelace asks for access/, 'mailbox-approver');
    const approveLink = approverLinks.find(
      (l) => l.startsWith(`${base}/approval?token=`) && l.endsWith('decision=approve'),
    );
    assert.ok(approveLink, approverLinks.join(', '));
    const decide = await tab(approver);
    await decide.goto(approveLink);
    assert.equal(await heading(decide), 'Approve Ada Lovelace’s request');
    await check(decide, 'approval-link', { phone: true });
    await decide.getByRole('button', { name: 'Approve', exact: true }).click();
    await decide.waitForSelector('h1:has-text("Thank you")');
    assert.match((await decide.locator('main').textContent()) ?? '', /You approved the request/);
    await check(decide, 'approval-link-done', { phone: true });
    // Followed again, the link says it was used and changes nothing.
    await decide.goto(approveLink);
    assert.equal(await heading(decide), 'This link does not work');
    await check(decide, 'approval-link-used');

    // The worker provisions the guest and sends the invitation email.
    const invitation = await mailbox(mail, email, /invites you/, 'mailbox-invitation');
    const redeem = invitation.find((l) => l.startsWith(`${base}/sandbox/redeem`));
    assert.ok(redeem, invitation.join(', '));
    await page.goto(status);
    assert.equal(await heading(page), 'Look for your invitation');
    assert.equal(await page.getByRole('link', { name: 'Accept the invitation' }).getAttribute('href'), redeem);
    await check(page, 'status-invited', { phone: true });

    // The redeem link lands on the app.
    await page.goto(redeem);
    await page.waitForURL(`${base}/welcome`);
    assert.equal(await heading(page), "You're in");
    await check(page, 'welcome', { phone: true });

    // The redemption check (GUESTLIST_REDEMPTION_CHECK_MINUTES=0.005 here) finds the
    // guest redeemed within a second or so; the status page then says the person has access.
    const id = await requestId(email);
    const active = await until(
      () => api('GET', `/api/v1/access-requests/${id}`),
      (r) => r.body.status === 'active',
      20_000,
    );
    assert.equal(active.body.status, 'active');
    await page.goto(status);
    assert.equal(await heading(page), 'You have access');
    assert.equal(await page.getByRole('link', { name: 'Open the app' }).getAttribute('href'), `${base}/welcome`);
    await check(page, 'status-active', { phone: true });
  } finally {
    await Promise.all([requester.close(), admin.close(), approver.close()]);
  }
});

test('an approver rejects and shares the reason: the status page shows it', async () => {
  const email = 'grace.rejected@tailspin.test';
  const requester = await person(PHONE);
  const approver = await person();
  try {
    const page = await tab(requester);
    await askForAccess(page, { email, first: 'Grace', last: 'Hopper' });
    const links = await linksFor(email);
    await confirm(page, links.verify);

    const console = await signInAs(approver, 'Adele Vance');
    await console.goto(`${base}/admin/requests/${await requestId(email)}`);
    await console.locator('#field-reason').fill('We only admit suppliers under contract.');
    await console.getByLabel('Share this reason with the requester').check();
    await console.getByRole('button', { name: 'Reject', exact: true }).click();
    await console.waitForURL(/done=rejected/);

    await page.goto(links.status);
    assert.equal(await heading(page), 'Your request was not approved');
    assert.equal(
      (await page.locator('.shared-reason').textContent())?.trim(),
      'We only admit suppliers under contract.',
    );
    await check(page, 'status-rejected-shared', { phone: true });
  } finally {
    await Promise.all([requester.close(), approver.close()]);
  }
});

test('the requester withdraws from the status page; the approvers no longer see the request', async () => {
  const email = 'wendy.withdraws@tailspin.test';
  const requester = await person(PHONE);
  try {
    const page = await tab(requester);
    await askForAccess(page, { email, first: 'Wendy', last: 'Withdraws' });
    const links = await linksFor(email);
    await confirm(page, links.verify);
    await page.goto(links.status);
    await page.getByRole('button', { name: 'Withdraw my request' }).click();
    await page.waitForURL(/done=withdrawn/);
    assert.equal(await page.getByRole('status').textContent(), 'You withdrew your request.');
    assert.equal(await heading(page), 'This request was withdrawn');
    await check(page, 'status-withdrawn', { phone: true });
    const { body } = await api('GET', `/api/v1/access-requests/${await requestId(email)}`);
    assert.equal(body.status, 'withdrawn');
  } finally {
    await requester.close();
  }
});

test('two approvers decide the same request at once: one decision, the other told who made it', async () => {
  const email = 'raced@tailspin.test';
  const requester = await person();
  const alex = await person();
  const adele = await person();
  // Two admins (the default app's stage is decided by admins): Alex is made one for this race.
  runtime.sandbox!.emulator.assignRoles('0c6d5a41-2f3b-4f8e-9a71-5b2e8c4d1f02', ['Guestlist.Admin']);
  try {
    const page = await tab(requester);
    await askForAccess(page, { email, first: 'Race', last: 'Condition' });
    await confirm(page, (await linksFor(email)).verify);
    const id = await requestId(email);
    const [alexPage, adelePage] = [await signInAs(alex, 'Alex Wilber'), await signInAs(adele, 'Adele Vance')];
    await Promise.all([alexPage, adelePage].map((p) => p.goto(`${base}/admin/requests/${id}`)));
    await adelePage.locator('#field-reason').fill('Not a partner of ours.');
    // Both forms sent together; whichever the database takes second changes nothing.
    await Promise.all([
      alexPage.getByRole('button', { name: 'Approve', exact: true }).click(),
      adelePage.getByRole('button', { name: 'Reject', exact: true }).click(),
    ]);
    const settled = (p: Page) =>
      p.waitForFunction(() => {
        const g = globalThis as unknown as {
          location: { search: string };
          document: { querySelector(s: string): unknown };
        };
        return /done=/.test(g.location.search) || g.document.querySelector('.conflict') !== null;
      });
    await Promise.all([settled(alexPage), settled(adelePage)]);
    const alexWon = /done=approved/.test(alexPage.url());
    const [loser, winner] = alexWon ? [adelePage, 'Alex Wilber'] : [alexPage, 'Adele Vance'];
    assert.ok(alexWon || /done=rejected/.test(adelePage.url()), 'one of the two decided');
    const conflict = (await loser.locator('.conflict').textContent()) ?? '';
    assert.match(
      conflict,
      new RegExp(`Nothing was changed: (this request is already \\w+, by ${winner}|${winner} already)`),
    );
    await check(loser, 'console-race-lost');
    const history = (await api('GET', `/api/v1/access-requests/${id}`)).body.history as Array<{ action: string }>;
    assert.equal(history.filter((h) => h.action === 'approve' || h.action === 'reject').length, 1);
  } finally {
    runtime.sandbox!.emulator.assignRoles('0c6d5a41-2f3b-4f8e-9a71-5b2e8c4d1f02', ['Guestlist.Approver']);
    await Promise.all([requester.close(), alex.close(), adele.close()]);
  }
});

test('after sign-out the old session cookie, replayed in a new browser, is sent to sign in', async () => {
  const approver = await person();
  const replay = await person();
  try {
    const page = await signInAs(approver, 'Alex Wilber');
    const name = sessionCookieName(false);
    const session = (await approver.cookies(base)).find((c) => c.name === name);
    assert.ok(session, 'a session cookie while signed in');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/auth\/signedout/);
    await check(page, 'signed-out');
    assert.equal(
      (await approver.cookies(base)).find((c) => c.name === name),
      undefined,
      'the cookie is cleared',
    );

    await replay.addCookies([{ name, value: session.value, url: base }]);
    const stale = await tab(replay);
    await stale.goto(`${base}/admin`);
    assert.equal(new URL(stale.url()).pathname, '/auth/signin');
    assert.doesNotMatch(await heading(stale), /Access requests/);
    assert.equal(await stale.locator('table').count(), 0, 'no queue shown');
    await check(stale, 'session-replayed');
  } finally {
    await Promise.all([approver.close(), replay.close()]);
  }
});
