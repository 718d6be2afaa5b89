// The RequestQueries port (the read side) over Kysely: pages with a keyset cursor, a
// search on address and names, counts per state.
import { sql } from 'kysely';
import type { Status } from '../../domain/lifecycle.ts';
import type { RequestQueries } from '../../ports.ts';
import { requestFromRow } from './codec.ts';
import type { StoreContext } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export function createQueries(ctx: StoreContext): RequestQueries {
  const { db, codec } = ctx;
  const time = codec.time;
  return {
    async listRequests(query) {
      const limit = Math.max(1, Math.floor(query.limit));
      const after = query.after === undefined ? null : decodeCursor(query.after);
      // LIKE with its wildcards escaped, on lower case (emails are stored normalized).
      const like = query.search ? `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const rows = await db
        .selectFrom('access_requests')
        .selectAll()
        .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
        .$if(like !== null, (q) =>
          q.where((eb) =>
            eb.or([
              eb(sql`lower(email)`, 'like', sql`${like} escape '\\'`),
              eb(sql`lower(first_name || ' ' || last_name)`, 'like', sql`${like} escape '\\'`),
            ]),
          ),
        )
        .$if(after !== null, (q) =>
          q.where((eb) =>
            eb.or([
              eb('created_at', '<', time(after!.createdAt)),
              eb.and([eb('created_at', '=', time(after!.createdAt)), eb('id', '<', after!.id)]),
            ]),
          ),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1) // one more tells whether there is a next page
        .execute();
      const items = rows.slice(0, limit).map(requestFromRow);
      const last = items.at(-1);
      return { items, next: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async countByStatus() {
      const rows = await db
        .selectFrom('access_requests')
        .select(['status', (eb) => eb.fn.countAll<number | string | bigint>().as('count')])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((row) => [row.status as Status, Number(row.count)]));
    },
  };
}
