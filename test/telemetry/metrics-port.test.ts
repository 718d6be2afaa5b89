// GUESTLIST_METRICS_PORT: /metrics on a port of its own, never on the public one; with
// GUESTLIST_METRICS_TOKEN too, the token is asked there as well.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startSandboxGuestlist } from '../helpers/sandbox.ts';

async function sandbox(t: { after(fn: () => Promise<void>): void }, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-metrics-port-'));
  const runtime = await startSandboxGuestlist(dir, env);
  t.after(async () => {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined);
  });
  return runtime;
}

test('a metrics port serves /metrics on 127.0.0.1; the public port does not', async (t) => {
  const runtime = await sandbox(t, { GUESTLIST_METRICS_PORT: '0' });
  assert.match(runtime.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const scraped = await fetch(runtime.metricsUrl!);
  assert.equal(scraped.status, 200);
  assert.match(await scraped.text(), /^# TYPE guestlist_requests gauge$/m);
  const other = await fetch(runtime.metricsUrl!.replace('/metrics', '/healthz'));
  assert.equal(other.status, 404, 'the metrics port serves nothing else');
  await other.arrayBuffer();
  const publicPort = await fetch(`${runtime.url}/metrics`);
  assert.equal(publicPort.status, 404, 'no token: never served where the public reaches');
  await publicPort.arrayBuffer();
});

test('a metrics port with a token asks for it', async (t) => {
  const token = 'metrics-port-token-0123456789abcdef-xyz';
  const runtime = await sandbox(t, { GUESTLIST_METRICS_PORT: '0', GUESTLIST_METRICS_TOKEN: token });
  const refused = await fetch(runtime.metricsUrl!);
  assert.equal(refused.status, 401);
  await refused.arrayBuffer();
  const scraped = await fetch(runtime.metricsUrl!, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(scraped.status, 200);
  await scraped.arrayBuffer();
});

test('neither token nor port: /metrics is not served, and no metrics port is opened', async (t) => {
  const runtime = await sandbox(t, {});
  assert.equal(runtime.metricsUrl, null);
  const res = await fetch(`${runtime.url}/metrics`, { headers: { authorization: 'Bearer anything-at-all' } });
  assert.equal(res.status, 404);
  await res.arrayBuffer();
});
