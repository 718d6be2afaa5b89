// The LocalAdminStore and ServerSecretStore ports over Kysely (migrations/0010).
import type { Selectable } from 'kysely';
import { ConflictError } from '../../domain/errors.ts';
import type { LocalAdmin, LocalAdminStore, ServerSecretStore } from '../../ports.ts';
import { toDate, toDateOrNull } from './codec.ts';
import { isUniqueViolation, type StoreContext } from './context.ts';
import type { LocalAdminsTable } from './schema.ts';

function adminFromRow(row: Selectable<LocalAdminsTable>): LocalAdmin {
  return {
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    createdAt: toDate(row.created_at),
    failedCount: Number(row.failed_count),
    lockedUntil: toDateOrNull(row.locked_until),
  };
}

export function createLocalAdminStore(ctx: StoreContext): LocalAdminStore {
  const { db } = ctx;
  const time = ctx.codec.time;
  const find = async (username: string) => {
    const row = await db.selectFrom('local_admins').selectAll().where('username', '=', username).executeTakeFirst();
    return row ? adminFromRow(row) : null;
  };
  return {
    async create(admin) {
      try {
        await db
          .insertInto('local_admins')
          .values({
            username: admin.username,
            display_name: admin.displayName,
            password_hash: admin.passwordHash,
            created_at: time(admin.createdAt),
            failed_count: admin.failedCount,
            locked_until: admin.lockedUntil ? time(admin.lockedUntil) : null,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError('duplicate_local_admin', `A local admin named ${admin.username} already exists.`);
        }
        throw error;
      }
    },
    find,
    async list() {
      const rows = await db.selectFrom('local_admins').selectAll().orderBy('username').execute();
      return rows.map(adminFromRow);
    },
    async count() {
      const row = await db
        .selectFrom('local_admins')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async delete(username) {
      const result = await db.deleteFrom('local_admins').where('username', '=', username).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async recordFailure(username, limit, lockUntil) {
      // One statement each, so two failures at once both count (no read-modify-write).
      await db
        .updateTable('local_admins')
        .set((eb) => ({ failed_count: eb('failed_count', '+', 1) }))
        .where('username', '=', username)
        .execute();
      await db
        .updateTable('local_admins')
        .set({ failed_count: 0, locked_until: time(lockUntil) })
        .where('username', '=', username)
        .where('failed_count', '>=', limit)
        .execute();
      return find(username);
    },
    async recordSuccess(username) {
      await db
        .updateTable('local_admins')
        .set({ failed_count: 0, locked_until: null })
        .where('username', '=', username)
        .execute();
    },
  };
}

export function createServerSecretStore(ctx: StoreContext): ServerSecretStore {
  const { db } = ctx;
  return {
    async getOrCreate(name, candidate) {
      await db
        .insertInto('server_secrets')
        .values({ name, value: candidate, created_at: ctx.codec.time(new Date()) })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db
        .selectFrom('server_secrets')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return row.value;
    },
    async get(name) {
      const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
      return row?.value ?? null;
    },
  };
}
