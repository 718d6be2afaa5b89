// The SessionStore port over Kysely (migrations/0006). A session is usable while both
// its idle and its absolute end are in the future; the check is in the query, so an
// ended session is never returned even before the sweep deletes it.
import type { Selectable } from 'kysely';
import { isRole } from '../../domain/roles.ts';
import type { Session, SessionStore } from '../../ports.ts';
import { toDate } from './codec.ts';
import type { StoreContext } from './context.ts';
import type { SessionsTable } from './schema.ts';

/** A session in use is written at most this often, not on every page. */
const TOUCH_EVERY_MS = 60_000;

function sessionFromRow(row: Selectable<SessionsTable>): Session {
  return {
    via: row.via === 'local' ? 'local' : 'entra',
    subject: row.subject,
    name: row.name,
    email: row.email,
    role: row.role !== null && isRole(row.role) ? row.role : null,
    createdAt: toDate(row.created_at),
    lastSeenAt: toDate(row.last_seen_at),
    idleUntil: toDate(row.idle_until),
    expiresAt: toDate(row.expires_at),
  };
}

export function createSessionStore(ctx: StoreContext): SessionStore {
  const { db } = ctx;
  const time = ctx.codec.time;
  return {
    async create(idHash, session) {
      await db
        .insertInto('sessions')
        .values({
          id_hash: idHash,
          via: session.via,
          subject: session.subject,
          name: session.name,
          email: session.email,
          role: session.role,
          created_at: time(session.createdAt),
          last_seen_at: time(session.lastSeenAt),
          idle_until: time(session.idleUntil),
          expires_at: time(session.expiresAt),
        })
        .execute();
    },

    async find(idHash, now) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('idle_until', '>', time(now))
        .where('expires_at', '>', time(now))
        .executeTakeFirst();
      return row ? sessionFromRow(row) : null;
    },

    async touch(idHash, now, idleUntil) {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: time(now), idle_until: time(idleUntil) })
        .where('id_hash', '=', idHash)
        .where('last_seen_at', '<', time(new Date(now.getTime() - TOUCH_EVERY_MS)))
        .execute();
    },

    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteEnded(now) {
      const result = await db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('idle_until', '<=', time(now)), eb('expires_at', '<=', time(now))]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteFor(via, subject) {
      const result = await db
        .deleteFrom('sessions')
        .where('via', '=', via)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
