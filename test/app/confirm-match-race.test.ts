// Two admins confirming a match at once, each through its own app instance
// (its own connection pool), on every database that can be opened twice — PostgreSQL
// when TEST_DATABASE_URL is set. The fix writes the choice inside saveTransition; this
// checks it on a real second connection, not two calls sharing one SQLite handle.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { changeStatus } from '../../src/app/change-status.ts';
import { confirmMatch } from '../../src/app/confirm-match.ts';
import { decideRequest } from '../../src/app/decide-request.ts';
import { submitRequest } from '../../src/app/submit-request.ts';
import type { Store } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';
import { databaseFactories } from '../helpers/databases.ts';

const user = (id: string, mail: string) => ({
  id,
  userType: 'Guest' as const,
  mail,
  displayName: id,
  externalUserState: 'Accepted' as const,
  accountEnabled: true,
  createdAt: null,
});

// In-memory SQLite cannot be opened twice: the race is defined only where it can happen.
for (const factory of databaseFactories.filter((f) => !f.name.includes('memory'))) {
  describe(`concurrent confirm-match (${factory.name})`, () => {
    test("both admins read needs_confirmation before either writes: one 409, and the choice recorded is the winner's", async () => {
      const opened = await factory.open();
      try {
        const other = await opened.openAnother!();
        const clock = fixedClock();
        const deps = { store: opened.db.store, clock, ids: { next: randomUUID } };
        const request = await submitRequest(deps, {
          email: 'pat@fabrikam.com',
          firstName: 'Pat',
          lastName: 'Lee',
          actor: { kind: 'token', name: 't' },
          verified: true,
        });
        let current = await decideRequest(deps, {
          id: request.id,
          actor: { kind: 'token', name: 't' },
          decision: 'approve',
        });
        current = await changeStatus(deps, {
          request: current,
          event: { type: 'start_provisioning' },
          actor: { kind: 'worker' },
        });
        await opened.db.store.recordProgress({
          requestId: request.id,
          expectedStatus: ['provisioning'],
          at: clock.now(),
          progress: {
            matchCandidates: [
              { user: user('x', 'pat@fabrikam.com'), matchedBy: ['mail'] },
              { user: user('y', 'y@other.com'), matchedBy: ['otherMails'] },
            ],
          },
        });
        await changeStatus(deps, {
          request: current,
          event: { type: 'ask_confirmation', reason: '2 directory users hold this address' },
          actor: { kind: 'worker' },
        });
        // A barrier: each admin's getProgress waits until both have read.
        let arrived = 0;
        let release!: () => void;
        const bothRead = new Promise<void>((resolve) => {
          release = resolve;
        });
        const held = (store: Store): Store => {
          const wrapped = Object.create(store) as Store;
          wrapped.getProgress = async (id) => {
            const progress = await store.getProgress(id);
            if (++arrived === 2) release();
            await bothRead;
            return progress;
          };
          return wrapped;
        };
        const results = await Promise.allSettled([
          confirmMatch(
            { ...deps, store: held(opened.db.store) },
            { id: request.id, actor: { kind: 'token', name: 'alice' }, choice: { userId: 'x' } },
          ),
          confirmMatch(
            { ...deps, store: held(other.store) },
            { id: request.id, actor: { kind: 'token', name: 'bob' }, choice: { userId: 'y' } },
          ),
        ]);
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const decision = (await opened.db.store.listAudit(request.id)).filter((e) => e.action === 'confirm_match');
        assert.equal(decision.length, 1);
        const winner = decision[0]!.actor === 'token:alice' ? 'x' : 'y';
        assert.equal((await opened.db.store.getProgress(request.id)).confirmedMatch, winner);
        const jobs = (await opened.db.jobs.listJobs(request.id)).filter((j) => j.kind === 'provision');
        assert.equal(jobs.length, 2, "the approval's provision job (never run here) and the winner's");
      } finally {
        await opened.close();
      }
    });
  });
}
