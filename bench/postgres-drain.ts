// Figure 4: the 1,000-request drain on PostgreSQL with two worker processes sharing the
// queue (FOR UPDATE SKIP LOCKED, LISTEN/NOTIFY): no request may be provisioned twice.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../src/adapters/store/index.ts';
import { startEmulator } from '../src/emulator/index.ts';
import {
  countByStatus,
  invitationTally,
  line,
  seedApproved,
  startWorker,
  stopProcess,
  waitUntil,
  workerEnv,
} from './lib.ts';

export async function benchPostgres(count = 1000): Promise<void> {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  const emulator = await startEmulator();
  const db = await openDatabase(url);
  try {
    await db.migrate();
    const ids = await seedApproved(db, count, 'pg');
    const env = workerEnv(emulator, url);
    const started = Date.now();
    const workers = [startWorker(env, 'worker 1'), startWorker(env, 'worker 2')];
    const done = await waitUntil(async () => (await countByStatus(db, ids)).get('invited') === count, 600_000, 500);
    const seconds = (Date.now() - started) / 1000;
    await Promise.all(workers.map((worker) => stopProcess(worker)));
    const tally = [...invitationTally(emulator).values()];
    let provisionedTwice = 0;
    for (const id of ids) {
      const invites = (await db.store.listAudit(id)).filter((entry) => entry.action === 'invite').length;
      if (invites !== 1) provisionedTwice++;
    }
    line(`drain ${count} on PostgreSQL, 2 workers: all invited`, `${done ? 'yes' : 'NO'} in ${seconds.toFixed(1)} s`);
    line('  requests provisioned twice (audit)', String(provisionedTwice));
    line('  addresses invited more than once (Graph log)', String(tally.filter((row) => row.created > 1).length));
    line('  addresses emailed more than once', String(tally.filter((row) => row.emailed > 1).length));
  } finally {
    await db.close();
    await emulator.close();
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}
