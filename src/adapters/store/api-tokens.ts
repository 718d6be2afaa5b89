// The Store's API-token and admin-audit methods (ports.ts; migrations/0007). A token is
// looked up on every authenticated request, so that path is one SELECT; the last-use write
// happens at most once a minute per token, and only when the read shows it is due.
import type { Kysely, Selectable } from 'kysely';
import { ConflictError } from '../../domain/errors.ts';
import type { AdminAuditEntry, ApiToken, Store } from '../../ports.ts';
import { type Codec, toDate, toDateOrNull } from './codec.ts';
import { isUniqueViolation, type StoreContext } from './context.ts';
import type { ApiTokensTable, Tables } from './schema.ts';

/** How stale lastUsedAt may get: it answers "is this token still in use?", not "when exactly?". */
const LAST_USE_RESOLUTION_MS = 60_000;

type TokenMethods = Pick<
  Store,
  'insertApiToken' | 'useApiToken' | 'listApiTokens' | 'revokeApiToken' | 'appendAdminAudit' | 'listAdminAudit'
>;

const TOKEN_COLUMNS = [
  'id',
  'name',
  'role',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
  'created_by',
] as const;

export function apiTokenMethods(ctx: StoreContext): TokenMethods {
  const { db, codec } = ctx;
  const time = codec.time;
  return {
    async insertApiToken(token, hash, audit) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('api_tokens')
            .values({
              id: token.id,
              name: token.name,
              role: token.role,
              token_hash: hash,
              created_at: time(token.createdAt),
              expires_at: time(token.expiresAt),
              last_used_at: token.lastUsedAt ? time(token.lastUsedAt) : null,
              revoked_at: token.revokedAt ? time(token.revokedAt) : null,
              created_by: token.createdBy,
            })
            .execute();
          await appendAudit(trx, codec, audit);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new ConflictError('duplicate_token_name', `A token named ${token.name} already exists.`);
        }
        throw error;
      }
    },

    async useApiToken(hash, now) {
      const row = await db
        .selectFrom('api_tokens')
        .select(TOKEN_COLUMNS)
        .where('token_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', time(now))
        .executeTakeFirst();
      if (!row) return null;
      const token = tokenFromRow(row);
      const due = new Date(now.getTime() - LAST_USE_RESOLUTION_MS);
      if (token.lastUsedAt === null || token.lastUsedAt <= due) {
        // Inline, not fire-and-forget: it happens once a minute per token, so the cost is one
        // small write now and then, and a detached write could outlive the request (or the
        // database, at shutdown) with nobody to report its failure. The condition keeps it to
        // one write a minute even when several requests (or processes) saw it due at once.
        await db
          .updateTable('api_tokens')
          .set({ last_used_at: time(now) })
          .where('id', '=', token.id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', time(due))]))
          .execute();
        token.lastUsedAt = now;
      }
      return token;
    },

    async listApiTokens() {
      const rows = await db
        .selectFrom('api_tokens')
        .select(TOKEN_COLUMNS)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(tokenFromRow);
    },

    async revokeApiToken(id, at, audit) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('api_tokens')
          .set({ revoked_at: time(at) })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await appendAudit(trx, codec, audit);
        return true;
      });
    },

    async appendAdminAudit(entry) {
      await appendAudit(db, codec, entry);
    },

    async listAdminAudit(limit) {
      const rows = await db
        .selectFrom('admin_audit')
        .select(['at', 'actor', 'action', 'subject', 'detail'])
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ ...row, at: toDate(row.at) }));
    },
  };
}

export async function appendAudit(db: Kysely<Tables>, codec: Codec, entry: AdminAuditEntry): Promise<void> {
  await db
    .insertInto('admin_audit')
    .values({
      at: codec.time(entry.at),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: entry.detail,
    })
    .execute();
}

type TokenRow = Pick<Selectable<ApiTokensTable>, (typeof TOKEN_COLUMNS)[number]>;

function tokenFromRow(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as ApiToken['role'],
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
    revokedAt: toDateOrNull(row.revoked_at),
    createdBy: row.created_by,
  };
}
