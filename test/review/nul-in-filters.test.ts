// Review: a NUL character in the console's search or the audit trail's actor filter is a
// 500 on PostgreSQL (its text type refuses 0x00; the CSV broke off mid-stream). Nothing
// stored holds one, so such a filter matches nothing: an empty list, never an error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { submitRequest } from '../../src/app/submit-request.ts';
import { REQUESTER } from '../../src/domain/actor.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { httpDepsFor, signIn } from '../helpers/app.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories } from '../helpers/databases.ts';
import { webClient } from '../helpers/web.ts';

for (const factory of databaseFactories) {
  describe(`a NUL in a console filter (${factory.name})`, () => {
    test('the queue search, the audit actor filter and its CSV answer, matching nothing', async () => {
      const { db, close } = await factory.open();
      const clock = fixedClock();
      const app = await buildHttpApp(httpDepsFor(db, { clock }));
      try {
        await submitRequest(
          { store: db.store, clock, ids: { next: () => crypto.randomUUID() } },
          { email: 'ada@fabrikam.com', firstName: 'Ada', lastName: 'Lovelace', actor: REQUESTER, verified: true },
        );
        const browser = webClient(app);
        await signIn({ db, clock }, browser, 'admin');
        for (const url of [
          '/admin?status=all&search=%00',
          '/admin?status=all&search=ada%00',
          '/admin/audit?actor=%00',
        ]) {
          const res = await browser.get(url);
          assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
          assert.doesNotMatch(res.body, /Lovelace/, url);
        }
        const csv = await browser.get('/admin/audit.csv?actor=ad%00');
        assert.equal(csv.statusCode, 200);
        assert.equal(csv.body.trim().split('\r\n').length, 1, 'the header alone');
      } finally {
        await app.close();
        await close();
      }
    });
  });
}
