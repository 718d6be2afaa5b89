// Review: `next` after sign-in must stay on this site. Dot segments survive the "starts
// with one /" check and are only resolved by the URL parser: `/.//evil.com` parses to the
// path `//evil.com`, which a browser reads as another host in a Location header.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { argon2Hasher } from '../../src/adapters/identity/argon2.ts';
import { createLocalAdmin } from '../../src/app/local-admins.ts';
import { safeNext } from '../../src/domain/sign-in.ts';
import { type TestApp, testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

const PASSWORD = 'correct horse battery staple';
const LEAVING = ['/.//evil.com', '/..//evil.com', '/a/..//evil.com', '/%2e//evil.com', '/%2E%2E//evil.com/x?y#z'];

describe('safeNext and dot segments', () => {
  test('no next that the URL parser turns into //host is kept', () => {
    for (const next of LEAVING) {
      const kept = safeNext(next);
      assert.ok(!kept.startsWith('//'), `${next} became ${kept}`);
      assert.equal(kept, '/admin', next);
    }
  });

  test('a plain path with dot segments is still kept, resolved', () => {
    assert.equal(safeNext('/admin/./audit'), '/admin/audit');
  });

  describe('POST /auth/local', () => {
    let t: TestApp;
    before(async () => {
      t = await testApp();
      await createLocalAdmin(
        { localAdmins: t.db.localAdmins, hasher: argon2Hasher, clock: t.clock },
        {
          username: 'ops',
          password: PASSWORD,
        },
      );
    });
    after(() => t.close());

    test('signing in with next=/.//evil.com lands on /admin, not on evil.com', async () => {
      const browser = webClient(t.app);
      await browser.get('/auth/signin');
      const res = await browser.post('/auth/local', { username: 'ops', password: PASSWORD, next: '/.//evil.com' });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/admin');
    });
  });
});
