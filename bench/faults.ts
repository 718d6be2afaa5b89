// Figure 3: the fault run. 20% of Graph calls are answered 429 or 503 (half of the 503s
// after the call took effect, the response lost), and the worker process is killed with
// SIGKILL three times during the run. Every request must end `invited`, each address
// with exactly one invitation email in the emulator's mailbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/adapters/store/index.ts';
import { startEmulator } from '../src/emulator/index.ts';
import {
  countByStatus,
  invitationTally,
  line,
  mailboxTally,
  seedApproved,
  startWorker,
  stopProcess,
  waitUntil,
  workerEnv,
} from './lib.ts';

export async function benchFaults(count = 300): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gl-bench-faults-'));
  const emulator = await startEmulator({
    faults: { rate: 0.2, statuses: [429, 503], retryAfterSeconds: 1, afterEffectRate: 0.5 },
  });
  const url = `sqlite:${dir}/gl.db`;
  const db = await openDatabase(url);
  await db.migrate();
  const started = Date.now();
  try {
    const ids = await seedApproved(db, count, 'fault');
    // The shortest lease allowed, so a killed worker's jobs come back within 45 s.
    const env = workerEnv(emulator, url, { GUESTLIST_JOB_LEASE_SECONDS: '45' });
    let worker = startWorker(env, 'worker');
    const invited = async () => (await countByStatus(db, ids)).get('invited') ?? 0;
    let kills = 0;
    for (const share of [0.2, 0.45, 0.7]) {
      await waitUntil(async () => (await invited()) >= count * share, 300_000, 100);
      await stopProcess(worker, 'SIGKILL');
      kills++;
      worker = startWorker(env, `worker after kill ${kills}`);
    }
    const done = await waitUntil(async () => (await invited()) === count, 600_000, 500);
    await stopProcess(worker);
    const mail = mailboxTally(emulator);
    const emails = ids.length === 0 ? [] : [...mail.values()];
    const statuses = Object.fromEntries(await countByStatus(db, ids));
    const exactlyOne = (await Promise.all(ids.map((id) => db.store.getRequest(id)))).filter(
      (request) => request && mail.get(request.email) === 1,
    ).length;
    const faults = emulator.invitations.list().filter((entry) => entry.status === 429 || entry.status === 503).length;
    line(
      `fault run: ${count} requests, 20% 429/503, SIGKILL ×${kills}: all invited`,
      `${done ? 'yes' : 'NO'} ${JSON.stringify(statuses)}`,
    );
    line('  requests with exactly one invitation email', `${exactlyOne} of ${count}`);
    line('  invitation emails in the mailbox', `${emails.reduce((a, b) => a + b, 0)}`);
    line('  faulted POST /invitations', String(faults));
    // A guest found already invited (a lost 503 response, or a kill after the POST) is
    // re-invited with sendInvitationMessage: false to recover the redeem URL.
    const silent = [...invitationTally(emulator).values()].reduce((sum, row) => sum + row.created - row.emailed, 0);
    line('  re-invitations without an email (recovered redeem URLs)', String(silent));
    line('  wall time', `${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await db.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
