// Review: when Microsoft's OpenID configuration cannot be fetched, the public sign-in page
// printed the network error itself (addresses, ports, TLS and DNS details of the server's
// surroundings) to anyone. The log has the details; the page needs none of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOpenIdProvider } from '../../src/adapters/identity/openid.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { httpDepsFor, testApp } from '../helpers/app.ts';
import { webClient } from '../helpers/web.ts';

test('the unavailable page says Microsoft cannot be reached, and nothing of the network', async () => {
  const t0 = await testApp();
  const identity = createOpenIdProvider(
    {
      issuer: 'https://127.0.0.1:59999/contoso/v2.0', // nothing listens there
      clientId: 'app',
      credential: { kind: 'secret', secret: 'secret' },
      redirectUri: 'http://localhost:3000/auth/callback',
    },
    createLogger('silent'),
  );
  const app = await buildHttpApp(httpDepsFor(t0.db, { identity }));
  try {
    const res = await webClient(app).get('/auth/signin/microsoft');
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /Microsoft sign-in could not be reached/);
    assert.doesNotMatch(res.body, /127\.0\.0\.1|ECONNREFUSED|59999|fetch failed|something went wrong/);
  } finally {
    await app.close();
    await t0.close();
  }
});
