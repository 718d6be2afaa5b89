// Figure 1: latency from the approve call returning to the emulator receiving
// POST /invitations, over 200 requests on SQLite (sandbox mode: one process, the
// in-process worker woken directly after commit). Target: p50 ≤ 50 ms, p99 ≤ 250 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiToken } from '../src/app/create-api-token.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startGuestlist, systemClock, uuidIds } from '../src/main.ts';
import { line, percentile } from './lib.ts';

export async function benchLatency(count = 200): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-latency-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${dir}/gl.db`,
    GUESTLIST_DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const runtime = await startGuestlist(config, { http: true, worker: true, logger: createLogger('silent') });
  try {
    const emulator = runtime.sandbox!.emulator;
    // Pace below the invitation throttle (150 per 5 s) so no POST is delayed by a 429.
    emulator.setInvitationThrottle(null);
    const { token } = await createApiToken(
      { store: runtime.db.store, clock: systemClock, ids: uuidIds },
      { name: 'bench', role: 'admin', actor: { kind: 'cli', user: 'bench' } },
    );
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let arrived: ((atMs: number) => void) | null = null;
    emulator.onRequest((event) => {
      if (event.method === 'POST' && event.path.startsWith('/v1.0/invitations')) arrived?.(event.receivedAtMs);
    });
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const submitted = await fetch(`${runtime.url}/api/v1/access-requests`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email: `latency${i}@fabrikam.test`, firstName: 'Lat', lastName: `Ency ${i}` }),
      });
      const { id } = (await submitted.json()) as { id: string };
      const invitation = new Promise<number>((resolve) => {
        arrived = resolve;
      });
      const approved = await fetch(`${runtime.url}/api/v1/access-requests/${id}/approve`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      await approved.arrayBuffer();
      const returnedAtMs = performance.timeOrigin + performance.now();
      if (approved.status !== 200) throw new Error(`approve answered ${approved.status}`);
      const receivedAtMs = await invitation;
      // The worker may reach Graph before the HTTP response is read: that counts as 0.
      latencies.push(Math.max(0, receivedAtMs - returnedAtMs));
    }
    line(
      `approve → POST /invitations, ${count} requests, SQLite: p50`,
      `${percentile(latencies, 50).toFixed(1)} ms (target ≤ 50)`,
    );
    line('  p90', `${percentile(latencies, 90).toFixed(1)} ms`);
    line('  p99', `${percentile(latencies, 99).toFixed(1)} ms (target ≤ 250)`);
    line('  max', `${Math.max(...latencies).toFixed(1)} ms`);
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
