import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openDatabase } from '../src/adapters/store/index.ts';
import { loadConfig } from '../src/config.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { httpDepsFor } from './helpers/app.ts';

test('request logs keep the path but not the query string or the bearer token', async () => {
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  const app = await buildHttpApp(httpDepsFor(db, { submissionsPerMinute: 10, logger: createLogger('debug', sink) }));
  try {
    await app.inject({ url: '/verify?token=glv_very-secret-link' });
    await app.inject({
      url: '/api/v1/access-requests',
      headers: { authorization: 'Bearer gl_secret-api-token-value' },
    });
    assert.match(output, /"url":"\/verify\?…"/);
    assert.match(output, /"url":"\/api\/v1\/access-requests"/);
    assert.doesNotMatch(output, /very-secret-link/);
    assert.doesNotMatch(output, /secret-api-token-value/);
  } finally {
    await app.close();
    await db.close();
  }
});

/** A logger writing into a string, for what reaches the logs. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('debug', sink), output: () => lines.join('') };
}

test('secrets in logged objects are redacted wherever the logger promises it', () => {
  const { logger, output } = capturedLogger();
  // Each object carries one secret under a field the redaction knows (see src/logger.ts).
  const logged: Record<string, object> = {
    'a client secret (Graph credential)': { credential: { kind: 'secret', secret: 'SECRET-1-graph-credential' } },
    'a client secret (camelCase)': { entra: { clientId: 'app', clientSecret: 'SECRET-2-client-secret' } },
    'a client secret (OAuth form)': { form: { grant_type: 'client_credentials', client_secret: 'SECRET-3-oauth' } },
    'a token field': { verification: { requestId: 'r1', token: 'SECRET-4-glv-token' } },
    'a password': { smtp: { user: 'guestlist', password: 'SECRET-5-smtp-password' } },
    'an authorization header and a session cookie': {
      req: {
        method: 'GET',
        url: '/api/v1/access-requests',
        headers: { authorization: 'Bearer SECRET-6-bearer', cookie: 'sid=SECRET-7-session' },
      },
    },
    'a verification link as the request URL': { req: { method: 'GET', url: '/verify?token=SECRET-8-verify-link' } },
  };
  for (const [what, object] of Object.entries(logged)) logger.info(object, what);
  const text = output();
  for (const what of Object.keys(logged)) assert.ok(text.includes(what), `${what} was logged`);
  assert.doesNotMatch(text, /SECRET-\d/, 'no secret reaches the log');
  assert.match(text, /"clientId":"app"/, 'the rest of the object is kept');
  assert.match(text, /"url":"\/verify\?…"/);
});

test('the whole configuration can be logged without its secrets', () => {
  const { logger, output } = capturedLogger();
  const config = loadConfig({
    AZURE_TENANT_ID: '11111111-2222-3333-4444-555555555555',
    AZURE_CLIENT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    AZURE_CLIENT_SECRET: 'SECRET-azure-client-secret',
    DATABASE_URL: 'postgres://guestlist:SECRET-database-password@db.contoso.com/guestlist',
    SMTP_URL: 'smtps://guestlist:SECRET-smtp-password@smtp.contoso.com',
    GUESTLIST_APP_URL: 'https://app.contoso.com/',
    GUESTLIST_PUBLIC_URL: 'https://access.contoso.com',
    GUESTLIST_MAIL_FROM: 'Contoso access <access@contoso.com>',
    GUESTLIST_COOKIE_SECRET: 'SECRET-cookie-signing-key-0123456789',
    GUESTLIST_METRICS_TOKEN: 'SECRET-metrics-scraper-token-0123456789',
    APPLICATIONINSIGHTS_CONNECTION_STRING:
      'InstrumentationKey=5ec2e7aa-0000-4000-8000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
    GUESTLIST_TEAMS_WEBHOOK_URL: 'https://prod-1.westeurope.logic.azure.com/workflows/1?sig=SECRET-teams-signature',
  });
  logger.info({ config }, 'configuration');
  const text = output();
  assert.match(text, /access\.contoso\.com/, 'the configuration was logged');
  assert.doesNotMatch(text, /SECRET-/);
  assert.doesNotMatch(text, /5ec2e7aa/, 'nor the ingestion key (a GUID: the connection string is checked)');
});
