import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { fixedClock } from '../helpers/clock.ts';

test('/readyz is 503 until the database is migrated, and 503 again once it stops answering; /healthz stays 200', async () => {
  const db = await openDatabase('sqlite::memory:');
  const app = await buildHttpApp({
    store: db.store,
    clock: fixedClock(),
    ids: { next: randomUUID },
    isReady: () => db.store.isReady(),
    submissionsPerMinute: 10,
    sandbox: null,
  });
  try {
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
    await db.migrate();
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
    await db.close();
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  } finally {
    await app.close();
    await db.close();
  }
});
