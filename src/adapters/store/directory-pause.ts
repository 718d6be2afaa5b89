// The Store's directory-pause methods (ports.ts, DirectoryPause; migrations/0005). Each is
// one conditional statement, so when several processes act at once exactly one starts,
// probes or ends a pause — and only that one logs it.
import type { DirectoryPause, Store } from '../../ports.ts';
import { toDate } from './codec.ts';
import type { StoreContext } from './context.ts';

const ID = 'directory';

type PauseMethods = Pick<Store, 'getDirectoryPause' | 'pauseDirectory' | 'takeDirectoryProbe' | 'resumeDirectory'>;

export function directoryPauseMethods(ctx: StoreContext): PauseMethods {
  const { db } = ctx;
  const time = ctx.codec.time;
  return {
    async getDirectoryPause() {
      const row = await db.selectFrom('directory_pause').selectAll().where('id', '=', ID).executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async pauseDirectory(pause) {
      const result = await db
        .insertInto('directory_pause')
        .values({
          id: ID,
          since: time(pause.since),
          reason: pause.reason,
          fix: pause.fix,
          code: pause.code,
          operation: pause.operation,
          next_probe_at: time(pause.nextProbeAt),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async takeDirectoryProbe(now, next) {
      const result = await db
        .updateTable('directory_pause')
        .set({ next_probe_at: time(next) })
        .where('id', '=', ID)
        .where('next_probe_at', '<=', time(now))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async resumeDirectory(since) {
      const result = await db
        .deleteFrom('directory_pause')
        .where('id', '=', ID)
        .where('since', '=', time(since))
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function fromRow(row: {
  since: Date | string;
  reason: string;
  fix: string;
  code: string;
  operation: string;
  next_probe_at: Date | string;
}): DirectoryPause {
  return {
    since: toDate(row.since),
    reason: row.reason,
    fix: row.fix,
    code: row.code,
    operation: row.operation,
    nextProbeAt: toDate(row.next_probe_at),
  };
}
