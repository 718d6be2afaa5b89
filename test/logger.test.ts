import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openDatabase } from '../src/adapters/store/index.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { fixedClock } from './helpers/clock.ts';

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
  const app = await buildHttpApp({
    store: db.store,
    clock: fixedClock(),
    ids: { next: randomUUID },
    isReady: () => db.store.isReady(),
    submissionsPerMinute: 10,
    sandbox: null,
    logger: createLogger('info', sink),
  });
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
