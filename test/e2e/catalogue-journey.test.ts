// The browser journey with the app catalogue, in Chromium, against a real `guestlist serve`
// process (sandbox mode) started with a guestlist.config.yaml declaring two apps:
//  - "Partner portal", whose policy approves fabrikam.com automatically: a person there picks
//    it on /request, answers its questions, confirms from the verification email, and is
//    approved by the policy with nobody acting (the timeline names the rule), invited, and
//    lands on the app after redeeming;
//  - "Finance reports", with two stages decided by people named by address (Alex Wilber, then
//    Adele Vance): a person at another domain confirms, each approver's email arrives in the
//    sandbox mailbox in turn, its Approve link opens a confirmation page and its button
//    decides; the request is then approved and invited, and the status page says so.
// Every page visited passes axe with no CSP report; screenshots in test-results/catalogue-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchBrowser, watchCsp } from '../helpers/browser.ts';
import { startGuestlist } from '../helpers/process.ts';

const shots = 'test-results';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
// The emulator's staff (src/emulator/sign-in/staff.ts); the sandbox tenant is Contoso.
const ALEX = 'alex.wilber@contoso.onmicrosoft.com';
const ADELE = 'adele.vance@contoso.onmicrosoft.com';

type Tab = Page & { blocked: string[] };

/** A port nobody listens on now: the public URL (links in emails, the sign-in redirect) needs it up front. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** The two apps, as an organization would keep them in version control. */
function configFile(base: string): string {
  return [
    'apps:',
    '  - slug: partner-portal',
    '    name: Partner portal',
    '    description: Orders and delivery notes for our connected partners.',
    `    redirectUrl: ${base}/welcome`,
    '    groupIds: [3f2a1b0c-4d5e-4f60-8a7b-9c0d1e2f3a4b]',
    '    questions:',
    '      - { id: company, label: Your company, kind: short_text, required: true }',
    '      - id: role',
    '        label: What will you do in the portal?',
    '        kind: single_choice',
    '        required: true',
    '        choices: [Send invoices, Track orders, Both]',
    '    policy:',
    '      allowedDomains: [fabrikam.com]',
    '      allowedDomainsOutcome: approve',
    '',
    '  - slug: finance-reports',
    '    name: Finance reports',
    '    description: Monthly finance reports, for auditors.',
    `    redirectUrl: ${base}/welcome`,
    '    groupIds: [5c4b3a29-1807-4f6e-9d5c-4b3a29180706]',
    '    questions:',
    '      - { id: firm, label: Your audit firm, kind: short_text, required: true }',
    '      - { id: scope, label: Which reports do you need?, kind: long_text }',
    '    policy:',
    '      stages:',
    '        - name: Finance lead',
    `          approvers: [{ kind: person, email: ${ALEX} }]`,
    '        - name: Controller',
    `          approvers: [{ kind: person, email: ${ADELE} }]`,
    '',
  ].join('\n');
}

test('the catalogue journey: an allowed domain approved by the policy, a two-stage app decided from email links', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-catalogue-journey-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'guestlist.config.yaml');
  writeFileSync(config, configFile(base));
  const serve = await startGuestlist(t, ['serve'], {
    DATABASE_URL: `sqlite:${path.join(dir, 'gl.db')}`,
    GUESTLIST_DATA_DIR: dir,
    GUESTLIST_CONFIG_FILE: config,
    PORT: String(port),
    LOG_LEVEL: 'info',
    GUESTLIST_LOG_FORMAT: 'json',
    GUESTLIST_SANDBOX_LAG_SECONDS: '0', // no replication lag: the invitation follows the approval at once
    GUESTLIST_REDEMPTION_CHECK_MINUTES: '0.005', // 0.3 s, so the status page reaches "You have access"
  });
  const ready = await serve.line(/"mode":"sandbox"/, 30_000);
  assert.equal(JSON.parse(ready).url, base, 'the server listens where its emails point');
  const emulator = new URL(JSON.parse(ready).graph as string).origin;

  const browser: Browser = await launchBrowser();
  t.after(() => browser.close());
  mkdirSync(shots, { recursive: true });

  /** A browser context (a person's browser); the emulator's HTTPS uses the sandbox's own CA. */
  const person = (viewport = DESKTOP): Promise<BrowserContext> =>
    browser.newContext({ viewport, ignoreHTTPSErrors: true });

  /** Opens a page that records CSP reports as `page.blocked`. */
  const tab = async (context: BrowserContext): Promise<Tab> => {
    const page = await context.newPage();
    return Object.assign(page, { blocked: watchCsp(page) });
  };

  /** The page passes axe, its CSP blocked nothing, and it is screenshotted (public pages on a phone too). */
  const check = async (page: Tab, name: string, options: { phone?: boolean } = {}) => {
    assert.deepEqual(await axeViolations(page), [], `${name}: axe`);
    assert.deepEqual(page.blocked, [], `${name}: CSP`);
    await page.screenshot({ path: `${shots}/catalogue-${name}.png`, fullPage: true });
    if (!options.phone) return;
    const size = page.viewportSize() ?? DESKTOP;
    await page.setViewportSize(PHONE);
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    assert.ok(overflow <= 0, `${name}: ${overflow}px too wide on a phone`);
    await page.screenshot({ path: `${shots}/catalogue-${name}-phone.png`, fullPage: true });
    await page.setViewportSize(size);
  };

  const heading = async (page: Page) => ((await page.locator('h1').textContent()) ?? '').trim();
  const mainText = async (page: Page) => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
  /** What the status page says the request is for (its first fact). */
  const requestedFor = async (page: Page) =>
    ((await page.locator('dl.facts dt:text-is("For") + dd').textContent()) ?? '').replace(/\s+/g, ' ').trim();

  /** Reloads the sandbox mailbox until an email to `to` whose subject matches shows; returns its links. */
  const mailbox = async (page: Tab, to: string, subject: RegExp, shot?: string): Promise<string[]> => {
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
  };

  /** Reloads the status page until its heading is `wanted` (the worker moves the request on). */
  const statusReads = async (page: Tab, link: string, wanted: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await page.goto(link);
      if ((await heading(page)) === wanted || Date.now() > deadline) break;
      await page.waitForTimeout(200);
    }
    assert.equal(await heading(page), wanted);
  };

  /** Picks the app on /request, fills in its form, answers its questions and sends it. */
  const askFor = async (
    page: Tab,
    app: string,
    who: { email: string; first: string; last: string; reason: string },
    answer: (page: Tab) => Promise<void>,
    shot?: string,
  ) => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Ask for access' }).click();
    await page.waitForURL(`${base}/request`);
    assert.equal(await heading(page), 'Which app do you need?');
    const listed = await page.locator('.app-list h2').allTextContents();
    assert.deepEqual(listed.map((s) => s.trim()).sort(), ['Finance reports', 'Partner portal']);
    if (shot === 'partner') await check(page, 'pick', { phone: true }); // the same page for both
    await page.getByRole('link', { name: app }).click();
    await page.waitForURL(/\/request\/[a-z-]+$/);
    assert.equal(await heading(page), `Ask for access to ${app}`);
    await page.locator('#field-email').fill(who.email);
    await page.locator('#field-firstName').fill(who.first);
    await page.locator('#field-lastName').fill(who.last);
    await answer(page);
    await page.locator('#field-justification').fill(who.reason);
    if (shot) await check(page, `${shot}-form`, { phone: true });
    await page.getByRole('button', { name: 'Ask for access' }).click();
    await page.waitForURL(`${base}/request/sent`);
    assert.equal(await heading(page), 'Check your inbox');
    if (shot) await check(page, `${shot}-sent`, { phone: shot === 'partner' });
  };

  /** Confirms the address with the verification email's link; returns the page's message. */
  const confirm = async (page: Tab, verify: string, shot: string): Promise<string> => {
    await page.goto(verify);
    assert.equal(await heading(page), 'Confirm your email address');
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.waitForSelector('h1:has-text("Thank you")');
    await check(page, shot, { phone: true });
    return mainText(page);
  };

  /** The verification email's confirmation and status links, read in the sandbox mailbox. */
  const verificationLinks = async (mail: Tab, email: string, shot?: string) => {
    const links = await mailbox(mail, email, /Confirm your email address/, shot);
    const verify = links.find((l) => l.startsWith(`${base}/verify?token=`));
    const status = links.find((l) => l.startsWith(`${base}/status?token=`));
    assert.ok(verify && status, links.join(', '));
    return { verify, status };
  };

  /** The console's page for the request of `name` (opened from the queue, every status shown). */
  const openInConsole = async (page: Tab, name: string, email: string) => {
    await page.goto(`${base}/admin?status=all&search=${encodeURIComponent(email)}`);
    await page
      .getByRole('link', { name: new RegExp(name) })
      .first()
      .click();
    await page.waitForURL(/\/admin\/requests\//);
    assert.match(await heading(page), new RegExp(name));
  };

  // The admin who reads the sandbox mailbox: Adele Vance, through the emulator's sign-in.
  const adminContext = await person();
  t.after(() => adminContext.close());
  const mail = await tab(adminContext);
  await mail.goto(`${base}/auth/signin`);
  await mail.getByRole('link', { name: 'Sign in with Microsoft' }).click();
  await mail.waitForURL((url) => url.origin === emulator);
  await mail.getByRole('button', { name: /^Adele Vance/ }).click();
  await mail.waitForURL(`${base}/admin`);
  assert.match(await heading(mail), /Access requests/);

  await t.test('Partner portal: a fabrikam.com address is approved by the policy and lands on the app', async () => {
    const email = 'ada.partner@fabrikam.com';
    const requester = await person();
    try {
      const page = await tab(requester);
      await askFor(
        page,
        'Partner portal',
        { email, first: 'Ada', last: 'Partner', reason: 'We deliver to the Redmond warehouse every week.' },
        async (form) => {
          await form.locator('#field-answer-company').fill('Fabrikam');
          await form.getByLabel('Track orders').check();
        },
        'partner',
      );

      const { verify, status } = await verificationLinks(mail, email, 'partner-mailbox-verification');
      await page.goto(status);
      assert.equal(await heading(page), 'Confirm your email address');
      assert.equal(await requestedFor(page), 'Partner portal at Contoso (sandbox)');

      // Confirming is all it takes: the policy approves at once, and the page says so.
      const said = await confirm(page, verify, 'partner-verified');
      assert.match(said, /your request is approved\. Your invitation will arrive by email shortly/);

      // Nobody acts: the requester is told it was approved, the worker invites, the invitation
      // email arrives, and the status page moves on.
      await mailbox(mail, email, /Your request for Partner portal was approved/);
      const invitation = await mailbox(mail, email, /invites you to Partner portal/, 'partner-mailbox-invitation');
      const redeem = invitation.find((l) => l.startsWith(`${base}/sandbox/redeem`));
      assert.ok(redeem, invitation.join(', '));
      await statusReads(page, status, 'Look for your invitation');
      assert.equal(await requestedFor(page), 'Partner portal at Contoso (sandbox)');
      assert.equal(await page.getByRole('link', { name: 'Accept the invitation' }).getAttribute('href'), redeem);
      await check(page, 'partner-status-invited', { phone: true });

      // The console's timeline names the rule that approved it, and the answers.
      const record = await tab(adminContext);
      await openInConsole(record, 'Ada Partner', email);
      const text = await mainText(record);
      assert.match(text, /Partner portal/);
      assert.match(text, /Fabrikam/);
      assert.match(text, /Track orders/);
      const timeline = ((await record.locator('ol.timeline').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(timeline, /Policy \(allowed_domain\): Approved/);
      assert.doesNotMatch(timeline, /Sent to the approvers|Approval stage began/, 'no approver was asked');
      await check(record, 'partner-console-request');
      await record.close();

      // The redeem link lands on the app; the redemption check then gives access.
      await page.goto(redeem);
      await page.waitForURL(`${base}/welcome`);
      assert.equal(await heading(page), "You're in");
      await statusReads(page, status, 'You have access');
      assert.equal(
        await page.getByRole('link', { name: 'Open Partner portal' }).getAttribute('href'),
        `${base}/welcome`,
      );
      await check(page, 'partner-status-active', { phone: true });
    } finally {
      await requester.close();
    }
  });

  await t.test('Finance reports: two stages, each approved from its approver’s email link', async () => {
    const email = 'grace.audit@tailspin.test';
    const requester = await person();
    const alex = await person(); // the approvers open their links in their own browsers, signed in nowhere
    const adele = await person();
    try {
      const page = await tab(requester);
      await askFor(
        page,
        'Finance reports',
        { email, first: 'Grace', last: 'Auditor', reason: 'Year-end audit of the Contoso accounts.' },
        async (form) => {
          await form.locator('#field-answer-firm').fill('Tailspin Audit LLP');
          await form.locator('#field-answer-scope').fill('Q3 and Q4 ledgers, cash flow.');
        },
        'finance',
      );
      const { verify, status } = await verificationLinks(mail, email);
      const said = await confirm(page, verify, 'finance-verified');
      assert.match(said, /Your request is with the approvers/);
      await page.goto(status);
      assert.equal(await heading(page), 'Waiting for approval');
      assert.equal(await requestedFor(page), 'Finance reports at Contoso (sandbox)');
      await check(page, 'finance-status-approval', { phone: true });

      /** The approver's email (with the answers), its Approve link followed and confirmed. */
      const approveFromEmail = async (context: BrowserContext, to: string, stage: string, shot: string) => {
        const links = await mailbox(mail, to, /Grace Auditor asks for access to Finance reports/, `${shot}-mailbox`);
        const body = ((await mail.locator('details.mail[open]').textContent()) ?? '').replace(/\s+/g, ' ');
        assert.match(body, /Tailspin Audit LLP/);
        assert.match(body, /Q3 and Q4 ledgers/);
        const approve = links.find((l) => l.startsWith(`${base}/approval?token=`) && l.endsWith('decision=approve'));
        const reject = links.find((l) => l.startsWith(`${base}/approval?token=`) && l.endsWith('decision=reject'));
        assert.ok(approve && reject, links.join(', '));
        const decide = await tab(context);
        await decide.goto(approve);
        assert.equal(await heading(decide), 'Approve Grace Auditor’s request');
        const page = await mainText(decide);
        assert.match(page, new RegExp(`You are deciding as ${to.replace(/\./g, '\\.')}, at the stage “${stage}”`));
        assert.match(page, /Tailspin Audit LLP/);
        await check(decide, `${shot}-link`, { phone: true });
        await decide.getByRole('button', { name: 'Approve', exact: true }).click();
        await decide.waitForSelector('h1:has-text("Thank you")');
        await check(decide, `${shot}-link-done`, { phone: true });
        const done = await mainText(decide);
        await decide.close();
        return done;
      };

      // Stage 1: only Alex is emailed; Adele's turn comes after.
      await mailbox(mail, ALEX, /Grace Auditor asks for access to Finance reports/);
      const asked = mail.locator('details.mail').filter({ hasText: /Grace Auditor asks for access/ });
      assert.equal(await asked.filter({ hasText: ADELE }).count(), 0, 'the second stage waits for the first');
      const first = await approveFromEmail(alex, ALEX, 'Finance lead', 'finance-stage1');
      assert.match(first, /You approved this stage\. The next stage’s approvers have been asked\./);
      await page.goto(status);
      assert.equal(await heading(page), 'Waiting for approval', 'still waiting: one stage to go');

      // Stage 2: Adele's email arrives; her approval approves the request.
      const second = await approveFromEmail(adele, ADELE, 'Controller', 'finance-stage2');
      assert.match(second, /You approved the request\. Guestlist now invites them\./);

      await mailbox(mail, email, /Your request for Finance reports was approved/);
      await mailbox(mail, email, /invites you to Finance reports/);
      await statusReads(page, status, 'Look for your invitation');
      assert.equal(await requestedFor(page), 'Finance reports at Contoso (sandbox)');
      await check(page, 'finance-status-invited', { phone: true });

      // The timeline: each stage decided by its approver through their emailed link.
      const record = await tab(adminContext);
      await openInConsole(record, 'Grace Auditor', email);
      const timeline = ((await record.locator('ol.timeline').textContent()) ?? '').replace(/\s+/g, ' ');
      assert.ok(timeline.includes(`${ALEX} (emailed link): Stage approved`), timeline);
      assert.ok(timeline.includes(`${ADELE} (emailed link): Approved`), timeline);
      await check(record, 'finance-console-request');
      await record.close();
    } finally {
      await Promise.all([requester.close(), alex.close(), adele.close()]);
    }
  });
});
