// Review: behind a proxy that appends `address:port` to X-Forwarded-For (Azure App Service,
// Application Gateway; README, "Behind a proxy"), the local sign-in limit counted each
// port as a client of its own: a new connection, a new allowance. The submission limit
// already drops the port (clientKey); the sign-in limit must count the same client.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { httpDepsFor } from '../helpers/app.ts';

describe('the local sign-in limit behind App Service', () => {
  let db: Database;
  let app: Awaited<ReturnType<typeof buildHttpApp>>;
  before(async () => {
    db = await openDatabase('sqlite::memory:');
    await db.migrate();
    app = await buildHttpApp(httpDepsFor(db, { trustProxy: { hops: 1 }, localSignInsPerMinute: 2 }));
  });
  after(async () => {
    await app.close();
    await db.close();
  });

  test('one client on four connections (four ports) gets two tries, then a 429', async () => {
    const statuses: number[] = [];
    for (let port = 50_001; port <= 50_004; port++) {
      const res = await app.inject({
        method: 'POST',
        url: '/auth/local',
        remoteAddress: '10.0.0.4',
        headers: {
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `203.0.113.9:${port}`,
        },
        payload: 'username=ops&password=guess',
      });
      statuses.push(res.statusCode);
    }
    // The first two are refused by CSRF (no token): what counts is that the limit is reached.
    assert.deepEqual(statuses.slice(2), [429, 429]);
  });
});
