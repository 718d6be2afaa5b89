// Review: the anonymous submission allowance let every caller with a principal through,
// including a person signed in without a Guestlist role: anyone in the tenant (or a guest
// of it, while the app does not require assignment) could submit without limit. Only
// staff (a role) and tokens are meant to skip it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn, type TestApp, testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

describe('the submission allowance and a session without a role', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ submissionsPerMinute: 2 });
  });
  after(() => t.close());

  const form = (i: number) => ({
    email: `ada${i}@fabrikam.com`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    justification: 'The joint research project with the lab.',
  });

  test('a person without a role uses up the allowance like anyone anonymous', async () => {
    const browser = webClient(t.app);
    await signIn(t, browser, null);
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      await browser.get('/request');
      answers.push((await browser.post('/request', form(i))).statusCode);
    }
    assert.deepEqual(answers, [303, 303, 429, 429]);
  });

  test('an approver is still let through (from another address)', async () => {
    const browser = webClient(t.app);
    await signIn(t, browser, 'approver');
    for (let i = 10; i < 14; i++) {
      await browser.get('/request');
      const res = await t.app.inject({
        method: 'POST',
        url: '/request',
        remoteAddress: '192.0.2.7',
        headers: {
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
        payload: new URLSearchParams({ ...form(i), _csrf: browser.csrfToken() }).toString(),
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    }
  });
});
