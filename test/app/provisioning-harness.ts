// A provisioning chain under test: a real store (SQLite in memory), the real job handlers
// and worker on a clock the test moves, a fake Entra (test/fakes/directory.ts) and a
// mailer that records. `drain()` runs every job due, moving the clock to the next one,
// so retries, back-offs and replication lag play out in simulated time.
import { randomUUID } from 'node:crypto';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { changeStatus } from '../../src/app/change-status.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import type { ProvisioningSettings } from '../../src/app/provision-settings.ts';
import { resendInvitation } from '../../src/app/resend-invitation.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import type { AccessRequest } from '../../src/domain/lifecycle.ts';
import { createDirectoryPause } from '../../src/jobs/directory-pause.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { createWorker, type Worker } from '../../src/jobs/worker.ts';
import type { MailMessage } from '../../src/ports.ts';
import { type FakeDirectory, fakeDirectory } from '../fakes/directory.ts';
import { fixedClock } from '../helpers/clock.ts';
import { testJobDeps } from '../jobs/job-deps.ts';

export const GROUP_A = '0a4b2c5d-1111-4222-8333-944444444444';
export const GROUP_B = '0a4b2c5d-2222-4222-8333-944444444444';
export const silent = { debug() {}, info() {}, warn() {}, error() {} };

export interface Harness {
  db: Database;
  directory: FakeDirectory;
  clock: ReturnType<typeof fixedClock>;
  /** Invitation and verification emails, in the order sent. */
  mail: MailMessage[];
  /** The emails telling a requester their request was rejected, failed or expired (notify-requester.ts). */
  notices: MailMessage[];
  /** Makes the next n sends fail. */
  failMail(n: number): void;
  deps: ReturnType<typeof useCaseDeps>;
  worker: Worker;
  approved(email?: string): Promise<string>;
  /**
   * What a version before the steps left: a request in `provisioning` with its guest
   * ('legacy-user') and redeem URL recorded, and no progress row. Returns the request.
   */
  legacyProvisioningRow(): Promise<AccessRequest>;
  /** An approved request provisioned to `invited`, and an admin's resend asked for (not yet run). */
  invitedThenResent(): Promise<string>;
  /** Runs due jobs until none is due within `horizonMs` of simulated time (check_redemption excluded unless asked). */
  drain(options?: { horizonMs?: number; includeRedemption?: boolean }): Promise<void>;
  status(id: string): Promise<string | undefined>;
  close(): Promise<void>;
}

function useCaseDeps(db: Database, clock: ReturnType<typeof fixedClock>) {
  return { store: db.store, clock, ids: { next: randomUUID } };
}

export async function provisioningHarness(overrides: Partial<ProvisioningSettings> = {}): Promise<Harness> {
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  const clock = fixedClock();
  const directory = fakeDirectory(clock);
  const mail: MailMessage[] = [];
  const notices: MailMessage[] = [];
  let mailFailures = 0;
  const deps = useCaseDeps(db, clock);
  const settings: ProvisioningSettings = {
    redirectUrl: 'https://app.contoso.com',
    invitationEmail: 'guestlist',
    customMessage: 'Welcome to Project X',
    messageLanguage: undefined,
    groupIds: [GROUP_A],
    redemptionCheckFirstMs: 300_000,
    notFoundWindowMs: 15 * 60_000,
    ...overrides,
  };
  const worker = createWorker({
    queue: db.jobs,
    clock,
    logger: silent,
    workerId: 'test-worker',
    random: () => 0.5,
    maxAttempts: 8,
    handlers: jobHandlers(
      testJobDeps({
        store: db.store,
        clock,
        directory,
        logger: silent,
        directoryPause: createDirectoryPause({ store: db.store, clock, logger: silent, random: () => 0 }),
        mailer: {
          async send(message) {
            if (mailFailures > 0) {
              mailFailures--;
              throw Object.assign(new Error('Connection refused'), { code: 'ECONNECTION' });
            }
            // Requester notices end with their status link; kept apart so the scenarios'
            // one-invitation-email counts stay about invitations.
            (/\nSee your request: /.test(message.text) ? notices : mail).push(message);
          },
        },
        provisioning: settings,
        redemptionCheck: { firstMs: 300_000, maxMs: 6 * 3_600_000 },
      }),
    ),
  });
  const harness: Harness = {
    db,
    directory,
    clock,
    mail,
    notices,
    failMail: (n) => {
      mailFailures = n;
    },
    deps,
    worker,
    async approved(email = "o'brien@fabrikam.com") {
      const request = await submitRequest(deps, {
        email,
        firstName: 'Pat',
        lastName: "O'Brien",
        actor: { kind: 'token', name: 't' },
        verified: true,
      });
      await decideRequest(deps, { id: request.id, actor: { kind: 'token', name: 't' }, decision: 'approve' });
      return request.id;
    },
    async legacyProvisioningRow() {
      const id = await harness.approved();
      const provisioning = await changeStatus(deps, {
        request: (await db.store.getRequest(id))!,
        event: { type: 'start_provisioning' },
        actor: { kind: 'worker' },
      });
      // The old provision-guest.ts: POST /invitations, then recordDirectoryUser(id, …).
      directory.addUser({ id: 'legacy-user', mail: provisioning.email, createdAt: null });
      const redeemUrl = 'https://redeem.test/legacy-user/old';
      const recorded = await db.store.recordProgress({
        requestId: id,
        expectedStatus: ['provisioning'],
        at: clock.now(),
        directoryUser: { id: 'legacy-user', redeemUrl },
      });
      if (!recorded) throw new Error('the legacy row could not be recorded');
      return { ...provisioning, directoryUserId: 'legacy-user', redeemUrl };
    },
    async invitedThenResent() {
      const id = await harness.approved();
      await harness.drain();
      await resendInvitation(deps, { id, actor: { kind: 'token', name: 'admin' } });
      return id;
    },
    async drain(options = {}) {
      const horizon = options.horizonMs ?? 3 * 3_600_000;
      const start = clock.now().getTime();
      // Bounded: a bug that reschedules forever fails the test instead of hanging it.
      for (let i = 0; i < 2000; i++) {
        if (await worker.runOnce()) continue;
        const due = (await db.jobs.listJobs()).filter(
          (job) => options.includeRedemption || job.kind !== 'check_redemption',
        );
        const next = due
          .map((job) => Math.max(job.runAt.getTime(), job.lockedUntil?.getTime() ?? 0))
          .sort((a, b) => a - b)[0];
        if (next === undefined || next - start > horizon) return;
        clock.set(new Date(Math.max(next, clock.now().getTime())).toISOString());
      }
      throw new Error('drain: still busy after 2000 rounds');
    },
    status: async (id) => (await db.store.getRequest(id))?.status,
    close: () => db.close(),
  };
  return harness;
}
