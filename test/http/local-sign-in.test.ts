// Break-glass local admins: created at the server with `guestlist admin create` (the
// password from stdin, never an argument), signed in through the page's form with an
// admin session (`local:<user> <name>` in the audit trail), one message for every failure,
// locked after 5 wrong passwords, and rate-limited per client address.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { argon2Hasher } from '../../src/adapters/identity/argon2.ts';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { createLocalAdmin, LOCKOUT_MS } from '../../src/app/local-admins.ts';
import { auditActor } from '../../src/domain/actor.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { authenticateSession } from '../../src/http/auth.ts';
import { httpDepsFor } from '../helpers/app.ts';
import { fixedClock } from '../helpers/clock.ts';
import { webClient } from '../helpers/web.ts';

const PASSWORD = 'correct horse battery staple';
const bin = path.resolve('bin/guestlist.js');

function cli(args: string[], env: Record<string, string>, stdin: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, cwd: tmpdir() },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe('guestlist admin', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-admin-'));
  const env = { DATABASE_URL: `sqlite:${path.join(dir, 'gl.db')}`, GUESTLIST_PUBLIC_URL: 'https://gl.example.com' };

  test('create reads the password from stdin, stores only an argon2id hash, and says what to do', async () => {
    const created = await cli(['admin', 'create', 'Ops', '--name', 'Operations Desk'], env, `${PASSWORD}\n`);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created local admin "ops" \(Operations Desk\)/);
    assert.match(created.stdout, /https:\/\/gl\.example\.com\/auth\/signin/);
    assert.match(created.stdout, /guestlist admin delete ops/);
    assert.doesNotMatch(created.stdout + created.stderr, /horse/);
    const db = await openDatabase(env.DATABASE_URL);
    try {
      const admin = await db.localAdmins.find('ops');
      assert.match(admin?.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal(await argon2Hasher.verify(admin!.passwordHash, PASSWORD), true);
    } finally {
      await db.close();
    }
  });

  test('a short password, a taken name, a bad name, a password argument: refused', async () => {
    const short = await cli(['admin', 'create', 'short'], env, 'only14chars!!!\n');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /at least 15 characters/);
    const taken = await cli(['admin', 'create', 'ops'], env, `${PASSWORD}\n`);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /already exists/);
    const bad = await cli(['admin', 'create', 'no spaces'], env, `${PASSWORD}\n`);
    assert.equal(bad.code, 1);
    const argument = await cli(['admin', 'create', 'ops2', '--password', PASSWORD], env, '');
    assert.equal(argument.code, 2);
  });

  test('list and delete', async () => {
    const listed = await cli(['admin', 'list'], env, '');
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, /^ops\tOperations Desk\tcreated /m);
    const deleted = await cli(['admin', 'delete', 'ops'], env, '');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /Deleted local admin "ops"/);
    const again = await cli(['admin', 'delete', 'ops'], env, '');
    assert.equal(again.code, 1);
    assert.match((await cli(['admin', 'list'], env, '')).stdout, /No local admins/);
  });
});

describe('local sign-in', () => {
  let db: Database;
  const clock = fixedClock();
  let app: Awaited<ReturnType<typeof buildHttpApp>>;
  before(async () => {
    db = await openDatabase('sqlite::memory:');
    await db.migrate();
    app = await buildHttpApp(httpDepsFor(db, { clock, localSignInsPerMinute: 1000 }));
  });
  after(async () => {
    await app.close();
    await db.close();
  });
  const sessionDeps = () => ({
    sessions: db.sessions,
    clock,
    settings: { idleMs: 3_600_000, maxMs: 12 * 3_600_000 },
  });
  const browserFrom = () => webClient(app);

  test('without a local admin the page offers only Microsoft', async () => {
    const page = await webClient(app).get('/auth/signin');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /action="\/auth\/local"/);
    assert.match(page.body, /Sign-in with Microsoft is not set up/);
  });

  test('a local admin signs in as admin; the audit names local:<user> <name>', async () => {
    await createLocalAdmin(
      { localAdmins: db.localAdmins, hasher: argon2Hasher, clock },
      {
        username: 'breakglass',
        displayName: 'Break Glass',
        password: PASSWORD,
      },
    );
    const browser = browserFrom();
    const page = await browser.get('/auth/signin?next=/admin/audit');
    assert.match(page.body, /action="\/auth\/local"/);
    assert.match(page.body, /Break-glass local admin/);
    const res = await browser.post('/auth/local', { username: 'BreakGlass', password: PASSWORD, next: '/admin/audit' });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/admin/audit');
    const principal = await authenticateSession(sessionDeps(), browser.cookies.get('guestlist-session'));
    assert.equal(principal?.role, 'admin');
    assert.equal(auditActor(principal!.actor), 'local:breakglass Break Glass');
  });

  test('a wrong password or an unknown user: the same message, no session', async () => {
    const browser = browserFrom();
    await browser.get('/auth/signin');
    const wrong = await browser.post('/auth/local', { username: 'breakglass', password: 'not the password at all' });
    const unknown = await browser.post('/auth/local', { username: 'nobody', password: 'not the password at all' });
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /The user name or password is wrong\./);
      assert.equal(browser.cookies.has('guestlist-session'), false);
    }
    await db.localAdmins.recordSuccess('breakglass'); // this test's failure is not the next one's
  });

  test('locked for 15 minutes after 5 wrong passwords, even with the right one; then it works again', async () => {
    const browser = browserFrom();
    await browser.get('/auth/signin');
    for (let i = 0; i < 5; i += 1) {
      const res = await browser.post('/auth/local', { username: 'breakglass', password: `wrong password number ${i}` });
      assert.equal(res.statusCode, 401);
    }
    const locked = browserFrom();
    await locked.get('/auth/signin');
    const refused = await locked.post('/auth/local', { username: 'breakglass', password: PASSWORD });
    assert.equal(refused.statusCode, 401, 'the right password is refused while locked');
    assert.match(refused.body, /The user name or password is wrong\./);
    assert.ok((await db.localAdmins.find('breakglass'))?.lockedUntil);

    clock.advance(LOCKOUT_MS + 1000);
    const later = browserFrom();
    await later.get('/auth/signin');
    const res = await later.post('/auth/local', { username: 'breakglass', password: PASSWORD });
    assert.equal(res.statusCode, 303);
    assert.equal((await db.localAdmins.find('breakglass'))?.failedCount, 0);
  });

  test('a forged post (no CSRF token) is refused before the password is looked at', async () => {
    const browser = browserFrom();
    const res = await browser.post('/auth/local', { username: 'breakglass', password: PASSWORD, _csrf: 'x' });
    assert.equal(res.statusCode, 403);
    assert.equal(browser.cookies.has('guestlist-session'), false);
  });
});

describe('local sign-in rate limit', () => {
  test('per client address: past the limit a 429 page, whatever the user name', async () => {
    const db = await openDatabase('sqlite::memory:');
    await db.migrate();
    // Behind a proxy that says who the client is (GUESTLIST_TRUST_PROXY).
    const app = await buildHttpApp(httpDepsFor(db, { localSignInsPerMinute: 3, trustProxy: { hops: 1 } }));
    try {
      const from = (ip: string) => {
        const browser = webClient(app);
        return {
          browser,
          post: (username: string) =>
            app.inject({
              method: 'POST',
              url: '/auth/local',
              headers: {
                accept: 'text/html',
                'content-type': 'application/x-www-form-urlencoded',
                'x-forwarded-for': ip,
                cookie: [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; '),
              },
              payload: new URLSearchParams({
                _csrf: browser.csrfToken(),
                username,
                password: 'wrong password, still',
              }).toString(),
            }),
        };
      };
      const one = from('198.51.100.7');
      await one.browser.get('/verify'); // a page with a form, for a CSRF token
      const statuses = [];
      for (const username of ['a', 'b', 'c', 'd']) statuses.push((await one.post(username)).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 429]);
      const limited = await one.post('e');
      assert.match(limited.body, /Please wait a moment/);
      const other = from('198.51.100.8');
      await other.browser.get('/verify');
      assert.equal((await other.post('a')).statusCode, 401, 'another address is not limited');
    } finally {
      await app.close();
      await db.close();
    }
  });
});
