// Staff sign-in end to end: Guestlist's routes (app.inject) against the in-process emulator
// over HTTPS, through openid-client, as in sandbox mode. Who gets which role, what a
// failed or replayed callback does (nothing stored), where `next` may lead, rotation,
// timeouts by the test clock, sign-out, cookie attributes, and the audit trail's name.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decideRequest } from '../../src/app/decide-request.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { DEFAULT_STAFF } from '../../src/emulator/index.ts';
import { authenticateSession } from '../../src/http/auth.ts';
import { type SignInHarness, STAFF, signInHarness } from '../helpers/sign-in.ts';
import type { WebClient } from '../helpers/web.ts';

const COOKIE = 'guestlist-session';
const HOUR = 3_600_000;

async function whoAmI(h: SignInHarness, browser: WebClient) {
  const secret = browser.cookies.get(COOKIE);
  return authenticateSession(
    { sessions: h.db.sessions, clock: h.clock, settings: { idleMs: HOUR, maxMs: 12 * HOUR } },
    secret,
  );
}

describe('sign in with Microsoft (emulator)', () => {
  let h: SignInHarness;
  before(async () => {
    h = await signInHarness();
  });
  after(() => h.close());

  for (const [role, name] of [
    ['admin', STAFF.admin],
    ['approver', STAFF.approver],
    [null, STAFF.nobody],
  ] as const) {
    test(`${name} signs in and holds ${role ?? 'no'} role`, async () => {
      const browser = h.browser();
      const res = await h.signIn(browser, name);
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/admin');
      const principal = await whoAmI(h, browser);
      assert.ok(principal);
      assert.equal(principal.role, role);
      assert.equal(principal.name, name);
      const staff = DEFAULT_STAFF.find((s) => s.name === name);
      assert.ok(staff?.id, 'the emulated staff have fixed ids');
      assert.deepEqual(principal.actor, { kind: 'person', via: 'entra', id: staff.id, name });
      // The attempt cookie is gone once used.
      assert.equal(browser.cookies.has('guestlist-signin'), false);
    });
  }

  test('next: a path on this site is kept; anything that leaves the site becomes /admin', async () => {
    const cases: Array<[string, string]> = [
      ['/admin/requests?status=pending_approval', '/admin/requests?status=pending_approval'],
      ['//evil.com', '/admin'],
      ['https://evil.com', '/admin'],
      ['/\\evil.com', '/admin'],
      ['\\\\evil.com', '/admin'],
      ['/%0d%0aLocation:%20https://evil.com', '/%0d%0aLocation:%20https://evil.com'],
      ['javascript:alert(1)', '/admin'],
      ['evil.com', '/admin'],
      ['/\t/evil.com', '/admin'],
    ];
    for (const [next, expected] of cases) {
      const browser = h.browser();
      const res = await h.signIn(browser, STAFF.approver, next);
      assert.equal(res.statusCode, 303, `${next}: ${res.body}`);
      assert.equal(res.headers.location, expected, next);
    }
  });

  test('cancelling at Microsoft: a page that says so, a way to try again, no session', async () => {
    const browser = h.browser();
    const res = await h.signIn(browser, 'cancel');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Sign-in was cancelled/);
    assert.match(res.body, /href="\/auth\/signin\?next=%2Fadmin">Try again/);
    assert.equal(browser.cookies.has(COOKIE), false);
  });

  test('a callback whose state is not the attempt of this browser is refused, nothing stored', async () => {
    const browser = h.browser();
    const callback = await h.toCallback(browser, STAFF.admin);
    callback.searchParams.set('state', 'another-state');
    const res = await browser.get(`${callback.pathname}${callback.search}`);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /does not belong to the sign-in started here/);
    assert.equal(browser.cookies.has(COOKIE), false);

    // Another browser's callback (no attempt cookie here at all).
    const other = h.browser();
    const stolen = await h.toCallback(other, STAFF.admin);
    const attacker = h.browser();
    const refused = await attacker.get(`${stolen.pathname}${stolen.search}`);
    assert.equal(refused.statusCode, 400);
    assert.equal(attacker.cookies.has(COOKIE), false);
  });

  test('a tampered attempt cookie is refused', async () => {
    const browser = h.browser();
    const callback = await h.toCallback(browser, STAFF.admin);
    const value = browser.cookies.get('guestlist-signin')!;
    browser.cookies.set('guestlist-signin', `x${value}`);
    const res = await browser.get(`${callback.pathname}${callback.search}`);
    assert.equal(res.statusCode, 400);
    assert.equal(browser.cookies.has(COOKIE), false);
  });

  test('a replayed callback is refused, even with the attempt cookie put back; the first session stands', async () => {
    const browser = h.browser();
    const callback = await h.toCallback(browser, STAFF.admin);
    const attempt = browser.cookies.get('guestlist-signin')!;
    const first = await browser.get(`${callback.pathname}${callback.search}`);
    assert.equal(first.statusCode, 303);
    const session = browser.cookies.get(COOKIE)!;

    const replay = await browser.get(`${callback.pathname}${callback.search}`);
    assert.equal(replay.statusCode, 400);
    assert.match(replay.body, /already been used/);

    // Even with the cookie: the emulator redeems a code once (AADSTS54005).
    browser.cookies.set('guestlist-signin', attempt);
    const again = await browser.get(`${callback.pathname}${callback.search}`);
    assert.equal(again.statusCode, 400, again.body);
    assert.match(again.body, /did not accept the sign-in code/);
    assert.equal(browser.cookies.get(COOKIE), session, 'the session of the first callback is untouched');
  });

  test('an attempt older than 10 minutes is refused', async () => {
    const browser = h.browser();
    const callback = await h.toCallback(browser, STAFF.admin);
    h.clock.advance(11 * 60_000);
    const res = await browser.get(`${callback.pathname}${callback.search}`);
    assert.equal(res.statusCode, 400);
    assert.equal(browser.cookies.has(COOKIE), false);
  });

  test('signing in again rotates the session: the old cookie no longer works', async () => {
    const browser = h.browser();
    await h.signIn(browser, STAFF.approver);
    const old = browser.cookies.get(COOKIE)!;
    await h.signIn(browser, STAFF.admin);
    const current = browser.cookies.get(COOKIE)!;
    assert.notEqual(current, old);
    const settings = { sessions: h.db.sessions, clock: h.clock, settings: { idleMs: HOUR, maxMs: 12 * HOUR } };
    assert.equal(await authenticateSession(settings, old), null);
    assert.equal((await authenticateSession(settings, current))?.name, STAFF.admin);
  });

  test('sessions end after the idle timeout, and at the absolute timeout however busy', async () => {
    const browser = h.browser();
    await h.signIn(browser, STAFF.approver);
    // Used every 50 minutes (idle timeout 60): alive for 11 h 40 min…
    for (let i = 0; i < 14; i += 1) {
      h.clock.advance(50 * 60_000);
      assert.ok(await whoAmI(h, browser), `after ${(i + 1) * 50} minutes`);
    }
    // …and over at 12 hours (the absolute timeout), in use or not.
    h.clock.advance(25 * 60_000);
    assert.equal(await whoAmI(h, browser), null, 'past the absolute timeout');

    const idle = h.browser();
    await h.signIn(idle, STAFF.approver);
    h.clock.advance(59 * 60_000);
    assert.ok(await whoAmI(h, idle), 'used within the hour');
    h.clock.advance(61 * 60_000);
    assert.equal(await whoAmI(h, idle), null, 'idle for over an hour');
  });

  test('sign-out deletes the session server-side: the old cookie is refused afterwards', async () => {
    const browser = h.browser();
    await h.signIn(browser, STAFF.admin);
    const secret = browser.cookies.get(COOKIE)!;
    await browser.get('/auth/signin'); // a page with the sign-out form's CSRF token
    const res = await browser.post('/auth/signout', {});
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/auth/signedout?from=microsoft');
    assert.equal(browser.cookies.has(COOKIE), false, 'the cookie is cleared');
    const settings = { sessions: h.db.sessions, clock: h.clock, settings: { idleMs: HOUR, maxMs: 12 * HOUR } };
    assert.equal(await authenticateSession(settings, secret), null);
    // A browser that kept the cookie is anonymous.
    browser.cookies.set(COOKIE, secret);
    const page = await browser.get('/auth/signin');
    assert.doesNotMatch(page.body, /signed in as/);

    const signedOut = await browser.get('/auth/signedout?from=microsoft');
    assert.match(signedOut.body, /You are signed out/);
    assert.match(signedOut.body, /oauth2\/v2\.0\/logout\?client_id=/);
  });

  test('sign-out without the CSRF token changes nothing', async () => {
    const browser = h.browser();
    await h.signIn(browser, STAFF.admin);
    const res = await browser.post('/auth/signout', { _csrf: 'forged' });
    assert.equal(res.statusCode, 403);
    assert.ok(await whoAmI(h, browser));
  });

  test('the session cookie over http: HttpOnly, SameSite=Lax, Path=/, not Secure, ends with the session', async () => {
    const browser = h.browser();
    const res = await h.signIn(browser, STAFF.admin);
    const cookie = (res.cookies as Array<Record<string, unknown>>).find((c) => c.name === COOKIE)!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.secure, undefined);
    assert.equal(cookie.maxAge, 12 * 3600);
    const start = await h.browser().get('/auth/signin/microsoft');
    const attempt = (start.cookies as Array<Record<string, unknown>>).find((c) => c.name === 'guestlist-signin')!;
    assert.equal(attempt.httpOnly, true);
    assert.equal(attempt.sameSite, 'Lax');
    assert.equal(attempt.maxAge, 600);
  });

  test('the audit trail names the signed-in person: entra:<oid> <name>', async () => {
    const browser = h.browser();
    await h.signIn(browser, STAFF.approver);
    const principal = (await whoAmI(h, browser))!;
    const deps = { store: h.db.store, clock: h.clock, ids: { next: () => crypto.randomUUID() } };
    const request = await submitRequest(deps, {
      email: 'ada@fabrikam.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      actor: { kind: 'token', name: 'import' },
      verified: true,
    });
    await decideRequest(deps, { id: request.id, actor: principal.actor, decision: 'approve' });
    const audit = await h.db.store.listAudit(request.id);
    const staff = DEFAULT_STAFF.find((s) => s.name === STAFF.approver)!;
    assert.equal(audit.at(-1)?.actor, `entra:${staff.id} Alex Wilber`);
  });
});

describe('sign in with Microsoft over https', () => {
  let h: SignInHarness;
  before(async () => {
    h = await signInHarness({ publicUrl: 'https://guestlist.example.com' });
  });
  after(() => h.close());

  test('cookies are __Host- prefixed and Secure', async () => {
    const browser = h.browser();
    const start = await browser.get('/auth/signin/microsoft');
    const attempt = (start.cookies as Array<Record<string, unknown>>).find(
      (c) => c.name === '__Host-guestlist-signin',
    )!;
    assert.ok(attempt, JSON.stringify(start.cookies));
    assert.equal(attempt.secure, true);
    assert.equal(attempt.path, '/');
    browser.cookies.clear();
    const res = await h.signIn(browser, STAFF.admin);
    assert.equal(res.statusCode, 303, res.body);
    const cookie = (res.cookies as Array<Record<string, unknown>>).find((c) => c.name === '__Host-guestlist-session')!;
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.domain, undefined);
  });
});

describe('a person with no Guestlist role', () => {
  let h: SignInHarness;
  before(async () => {
    h = await signInHarness();
  });
  after(() => h.close());

  test('lands on the 403 page that says which app role to ask for', async () => {
    const browser = h.browser();
    const res = await h.signIn(browser, STAFF.nobody);
    assert.equal(res.headers.location, '/admin');
    const page = await browser.get('/admin');
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /signed in as Megan Bowen/);
    assert.match(page.body, /Guestlist\.Approver/);
    assert.match(page.body, /Guestlist\.Admin/);
  });
});

describe('the identity provider adapter', () => {
  test('with a certificate credential: a private_key_jwt assertion naming the certificate by thumbprint', async (t) => {
    const { generate } = await import('selfsigned');
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { createOpenIdProvider } = await import('../../src/adapters/identity/openid.ts');
    const { createLogger } = await import('../../src/logger.ts');
    const { hop, parsePage } = await import('../emulator/sign-in-helpers.ts');
    const h = await signInHarness();
    t.after(() => h.close());
    const emulator = h.sandbox.emulator;
    const pems = await generate([{ name: 'commonName', value: 'guestlist' }], { keySize: 2048, algorithm: 'sha256' });
    const redirectUri = 'https://guestlist.example.com/auth/callback';
    const app = emulator.registerApp({ roles: [], certificatePem: pems.cert, redirectUris: [redirectUri] });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'gl-cert-')), 'app.pem');
    await writeFile(file, `${pems.private}\n${pems.cert}`);
    const provider = createOpenIdProvider(
      {
        issuer: emulator.issuer,
        clientId: app.clientId,
        credential: { kind: 'certificate', path: file, password: undefined },
        redirectUri,
        ca: emulator.caPem,
      },
      createLogger('silent'),
    );
    const { attempt, url } = await provider.begin();
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('redirect_uri'), redirectUri);
    const page = parsePage((await hop(emulator, url.href)).text);
    const account = [...page.accounts].find(([label]) => label.startsWith(STAFF.admin))![1];
    const back = new URL((await hop(emulator, page.action, { flow: page.flow, account })).location!);
    const claims = await provider.complete(back.searchParams, attempt);
    assert.equal(claims.name, STAFF.admin);
    assert.deepEqual(claims.roles, ['Guestlist.Admin']);
  });

  test('Microsoft unreachable: Guestlist still starts; "Sign in with Microsoft" is a 503 page pointing to break-glass', async () => {
    const { createOpenIdProvider } = await import('../../src/adapters/identity/openid.ts');
    const { createLogger } = await import('../../src/logger.ts');
    const { testApp } = await import('../helpers/app.ts');
    const { webClient } = await import('../helpers/web.ts');
    const { buildHttpApp } = await import('../../src/http/app.ts');
    const { httpDepsFor } = await import('../helpers/app.ts');
    const t0 = await testApp();
    const identity = createOpenIdProvider(
      {
        issuer: 'https://127.0.0.1:9/contoso/v2.0', // nothing listens on the discard port
        clientId: 'app',
        credential: { kind: 'secret', secret: 'secret' },
        redirectUri: 'http://localhost:3000/auth/callback',
      },
      createLogger('silent'),
    );
    const app = await buildHttpApp(httpDepsFor(t0.db, { identity }));
    try {
      const browser = webClient(app);
      const page = await browser.get('/auth/signin');
      assert.equal(page.statusCode, 200, 'the sign-in page itself needs no discovery');
      const res = await browser.get('/auth/signin/microsoft');
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /Microsoft sign-in is unavailable/);
      assert.match(res.body, /break-glass local account/);
      assert.match(res.body, /Try again/);
      assert.equal(browser.cookies.has('guestlist-signin'), false);
      assert.equal(await identity.signOutUrl(), null);
    } finally {
      await app.close();
      await t0.close();
    }
  });
});
