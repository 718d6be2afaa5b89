import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/adapters/store/index.ts';
import { buildHttpApp } from '../../src/http/app.ts';
import { httpDepsFor } from '../helpers/app.ts';

test('/readyz is 503 until the database is migrated, and 503 again once it stops answering; /healthz stays 200', async () => {
  const db = await openDatabase('sqlite::memory:');
  const app = await buildHttpApp(httpDepsFor(db, { submissionsPerMinute: 10 }));
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

test('/readyz stays 200 while provisioning is paused, and says why with the fix', async () => {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  const app = await buildHttpApp(httpDepsFor(db, { submissionsPerMinute: 10 }));
  try {
    assert.deepEqual((await app.inject({ url: '/readyz' })).json(), { status: 'ready', provisioning: 'running' });
    const since = new Date('2026-03-01T09:00:00.000Z');
    await db.store.pauseDirectory({
      since,
      reason: "AADSTS7000222: Entra ID refused the app's credentials (AADSTS7000222): The client secret has expired.",
      fix: 'Create a new client secret and set AZURE_CLIENT_SECRET to its Value.',
      code: 'AADSTS7000222',
      operation: '*',
      nextProbeAt: since,
    });
    const response = await app.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      status: 'ready',
      provisioning: 'paused',
      pausedSince: since.toISOString(),
      reason: "AADSTS7000222: Entra ID refused the app's credentials (AADSTS7000222): The client secret has expired.",
      fix: 'Create a new client secret and set AZURE_CLIENT_SECRET to its Value.',
    });
  } finally {
    await app.close();
    await db.close();
  }
});
