// When the tenant itself is wrong, pause; don't fail. A tenant-wide directory fault (an
// expired or wrong client secret, an app gone from the tenant, a missing permission or
// revoked consent, invitations blocked: DirectoryError scope `tenant`) would fail every
// request in turn, though none of them is at fault. Instead:
//   - the first such fault starts a pause, kept in the database so every worker and web
//     process sees it, and logged once (warn, with the reason and the fix);
//   - while paused, a job that needs the directory is not run: it is rescheduled without
//     counting an attempt, so its request stays where it is and nothing is lost;
//   - one such job per probe interval, across all processes, runs anyway as the probe;
//     a kind that never calls the faulted operation (handlers' directoryOperations) runs on;
//   - a success of the operation that met the fault (any directory call, for a refused
//     token) ends the pause, logged once; the held jobs come back within two intervals.
// Two hooks: watch() wraps the Directory (it sees every call, including those a handler
// swallows, like the redemption check's), hold() wraps each job handler that needs the
// directory (handlers.ts marks them with `needsDirectory`).
import { DirectoryError } from '../domain/directory-error.ts';
import type { Clock, Directory, DirectoryPause, Logger, Store } from '../ports.ts';
import type { JobHandler } from './worker.ts';

export const DEFAULT_PROBE_EVERY_MS = 60_000;

export interface DirectoryPauseOptions {
  store: Pick<Store, 'getDirectoryPause' | 'pauseDirectory' | 'takeDirectoryProbe' | 'resumeDirectory'>;
  clock: Clock;
  logger: Logger;
  /** At most one probe per this long while paused. */
  probeEveryMs?: number;
  /** In [0, 1): spreads the held jobs' return over an interval. Injected for tests. */
  random?: () => number;
}

export interface DirectoryPauseGate {
  /** The directory, watched: a tenant fault starts the pause, a success of what failed ends it. */
  watch(directory: Directory): Directory;
  /** The handler, held back while paused (rescheduled, no attempt counted) but for one probe per interval. */
  hold(handler: JobHandler): JobHandler;
}

/** A token refusal is cured by any call that gets a token; a Graph fault by its own operation. */
const ANY_OPERATION = '*';

export function createDirectoryPause(o: DirectoryPauseOptions): DirectoryPauseGate {
  const probeEveryMs = o.probeEveryMs ?? DEFAULT_PROBE_EVERY_MS;
  const random = o.random ?? Math.random;
  const { store, clock, logger } = o;
  /** The pause this process last saw (read before each held job; set when it starts one). */
  let known: DirectoryPause | null = null;

  async function faulted(operation: string, error: DirectoryError): Promise<void> {
    // Token refusals are classified with an AADSTS code, or `credential` when Entra gave none.
    const tokenFault = error.graphCode.startsWith('AADSTS') || error.graphCode === 'credential';
    const scope = tokenFault ? ANY_OPERATION : operation;
    if (known && known.code === error.graphCode && known.operation === scope) return; // nothing new
    const now = clock.now();
    const pause: DirectoryPause = {
      since: now,
      reason: oneLine(error.describe()),
      fix: oneLine(error.fix ?? 'Run `guestlist doctor`.'),
      code: error.graphCode,
      operation: scope,
      nextProbeAt: new Date(now.getTime() + probeEveryMs),
    };
    try {
      if (await store.pauseDirectory(pause)) {
        known = pause;
        logger.warn(
          // The job that met the fault (jobId, requestId) comes from the log context (job-context.ts).
          { event: 'provisioning_paused', reason: pause.reason, fix: pause.fix, code: pause.code },
          'provisioning paused: the directory refuses every request until an administrator acts',
        );
      } else {
        known = await store.getDirectoryPause();
      }
    } catch (storeError) {
      // The database is down too: the job is held back all the same (hold()), and the
      // next fault tries again to record the pause.
      logger.error({ err: storeError }, 'could not record the provisioning pause');
    }
  }

  async function succeeded(operation: string): Promise<void> {
    const pause = known;
    if (!pause || (pause.operation !== ANY_OPERATION && pause.operation !== operation)) return;
    known = null;
    try {
      if (await store.resumeDirectory(pause.since)) {
        const pausedMs = clock.now().getTime() - pause.since.getTime();
        logger.info(
          { event: 'provisioning_resumed', code: pause.code, pausedMs },
          'provisioning resumed: the directory answers again',
        );
      }
    } catch (storeError) {
      known = pause; // try again at the next success
      logger.error({ err: storeError }, 'could not end the provisioning pause');
    }
  }

  function watched<A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      let result: R;
      try {
        result = await call(...args);
      } catch (error) {
        if (isTenantFault(error)) await faulted(operation, error);
        throw error;
      }
      await succeeded(operation);
      return result;
    };
  }

  /** Back after one to two intervals: spread out, and never before the next probe slot. */
  function heldBack(pause: Pick<DirectoryPause, 'reason'>) {
    const now = clock.now().getTime();
    return {
      again: new Date(now + probeEveryMs + Math.floor(random() * probeEveryMs)),
      note: `Held: provisioning is paused (${pause.reason})`,
    };
  }

  return {
    watch(directory) {
      return {
        findUsersByEmail: watched('findUsersByEmail', directory.findUsersByEmail.bind(directory)),
        verifiedDomains: watched('verifiedDomains', directory.verifiedDomains.bind(directory)),
        getUser: watched('getUser', directory.getUser.bind(directory)),
        invite: watched('invite', directory.invite.bind(directory)),
        addToGroup: watched('addToGroup', directory.addToGroup.bind(directory)),
        assignAppRole: watched('assignAppRole', directory.assignAppRole.bind(directory)),
        removeFromGroup: watched('removeFromGroup', directory.removeFromGroup.bind(directory)),
        deleteUser: watched('deleteUser', directory.deleteUser.bind(directory)),
        invitationsHeldForMs: () => directory.invitationsHeldForMs(),
      };
    },

    hold(handler) {
      return {
        ...handler,
        async run(job, held) {
          known = await store.getDirectoryPause();
          // A job that cannot meet the faulted operation neither waits nor takes the probe
          // (redemption checks would otherwise take every probe of an invite-only fault).
          const unaffected =
            known !== null &&
            known.operation !== ANY_OPERATION &&
            handler.directoryOperations !== undefined &&
            !handler.directoryOperations.includes(known.operation);
          if (known && !unaffected) {
            const now = clock.now();
            const probe = await store.takeDirectoryProbe(now, new Date(now.getTime() + probeEveryMs));
            if (!probe) return heldBack(known);
          }
          try {
            return await handler.run(job, held);
          } catch (error) {
            // Not this request's fault: hold it back instead of failing it. The watched
            // directory has recorded the pause (or the database could not: held anyway).
            if (isTenantFault(error)) return heldBack({ reason: oneLine(error.describe()) });
            throw error;
          }
        },
      };
    },
  };
}

function isTenantFault(error: unknown): error is DirectoryError {
  return error instanceof DirectoryError && error.scope === 'tenant';
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
