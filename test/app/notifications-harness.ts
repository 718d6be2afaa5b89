// Teams posts and webhook deliveries under test: a real store (SQLite in memory, or any
// database of test/helpers/databases.ts), the real job handlers, worker and outbound HTTP
// adapter on a clock the test moves, talking to a local receiver (test/helpers/receiver.ts).
import { randomUUID } from 'node:crypto';
import { createOutboundHttp } from '../../src/adapters/outbound/http.ts';
import { oneTeamsChannel } from '../../src/adapters/outbound/teams-channels.ts';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import { createDirectoryPause } from '../../src/jobs/directory-pause.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker } from '../../src/jobs/worker.ts';
import type { TeamsChannels } from '../../src/ports.ts';
import { fakeDirectory } from '../fakes/directory.ts';
import { fixedClock } from '../helpers/clock.ts';
import { silentLogger } from '../jobs/fixtures.ts';
import { testJobDeps } from '../jobs/job-deps.ts';

export const PUBLIC_URL = 'https://guestlist.contoso.com';
export const ADMIN = { kind: 'token', name: 'admin' } as const;

export async function notificationsHarness(
  options: { db?: Database; teamsUrl?: string | null; teams?: TeamsChannels; timeoutMs?: number } = {},
) {
  const db = options.db ?? (await openDatabase('sqlite::memory:'));
  if (!options.db) await db.migrate();
  const clock = fixedClock();
  const ids = { next: randomUUID };
  const deps = { store: db.store, clock, ids };
  const worker = createWorker({
    queue: db.jobs,
    clock,
    logger: silentLogger,
    workerId: 'test-worker',
    random: () => 0.5,
    handlers: jobHandlers(
      testJobDeps({
        store: db.store,
        clock,
        directory: fakeDirectory(clock),
        logger: silentLogger,
        directoryPause: createDirectoryPause({ store: db.store, clock, logger: silentLogger, random: () => 0 }),
        http: createOutboundHttp(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        teams: options.teams ?? oneTeamsChannel(options.teamsUrl ?? null, 'Project X'),
      }),
    ),
  });
  return {
    db,
    clock,
    deps,
    worker,
    /** A request submitted by an admin's token: it waits for approval at once. */
    async waiting(overrides: { email?: string; firstName?: string; lastName?: string; justification?: string } = {}) {
      clock.advance(1000); // each a second after what came before, so lists have an order
      return submitRequest(deps, {
        email: overrides.email ?? 'pat@fabrikam.com',
        firstName: overrides.firstName ?? 'Pat',
        lastName: overrides.lastName ?? 'Doe',
        justification: overrides.justification ?? null,
        actor: ADMIN,
        verified: true,
      });
    },
    /** The jobs of `kind` still queued. */
    async queued(kind: string) {
      return (await db.jobs.listJobs()).filter((job) => job.kind === kind);
    },
    /**
     * Runs every job of `kinds` due, moving the clock to the next one, until none is due
     * within `horizonMs`. Returns the times (ms since start) the clock was moved to.
     */
    async drain(kinds: readonly string[], horizonMs = 3 * 86_400_000) {
      const start = clock.now().getTime();
      for (let i = 0; i < 500; i++) {
        if (await worker.runOnce()) continue;
        const next = (await db.jobs.listJobs())
          .filter((job) => kinds.includes(job.kind))
          .map((job) => Math.max(job.runAt.getTime(), job.lockedUntil?.getTime() ?? 0))
          .sort((a, b) => a - b)[0];
        if (next === undefined || next - start > horizonMs) return;
        clock.set(new Date(Math.max(next, clock.now().getTime())).toISOString());
      }
      throw new Error('drain: still busy after 500 rounds');
    },
    close: () => db.close(),
  };
}
