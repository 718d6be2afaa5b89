// The Store's app-catalogue methods (ports.ts; migrations/0013). An app's columns are what
// lists and lookups need; the rest of its definition is one JSON text, so adding a field to
// the App shape needs no migration. Every change writes its admin audit entry in the same
// transaction.
import { type Kysely, type Selectable, sql } from 'kysely';
import { type App, type AppDefinition, definitionOf } from '../../domain/apps.ts';
import { ConflictError } from '../../domain/errors.ts';
import type { Store } from '../../ports.ts';
import { appendAudit } from './api-tokens.ts';
import { type Codec, toDate } from './codec.ts';
import { isUniqueViolation, type StoreContext } from './context.ts';
import type { AppsTable, Tables } from './schema.ts';

type AppMethods = Pick<Store, 'listApps' | 'getApp' | 'getAppBySlug' | 'insertApp' | 'updateApp' | 'syncFileApps'>;

/** The actor the admin audit names for changes the configuration file made. */
export const FILE_ACTOR = 'config-file';

export function appMethods(ctx: StoreContext): AppMethods {
  const { db, codec } = ctx;
  const slugTaken = (slug: string) =>
    new ConflictError('duplicate_app_slug', `Another app already has the address /request/${slug}.`);

  return {
    async listApps() {
      const rows = await db.selectFrom('apps').selectAll().orderBy('name').orderBy('slug').execute();
      return rows.map(appFromRow);
    },

    async getApp(id) {
      const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? appFromRow(row) : null;
    },

    async getAppBySlug(slug) {
      const row = await db.selectFrom('apps').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row ? appFromRow(row) : null;
    },

    async insertApp(app, audit) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('apps').values(appToRow(app, codec)).execute();
          if (audit) await appendAudit(trx, codec, audit);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(app.slug);
        throw error;
      }
    },

    async updateApp(app, audit) {
      const { id, created_at: _createdAt, source: _source, ...changes } = appToRow(app, codec);
      try {
        return await db.transaction().execute(async (trx) => {
          const result = await trx.updateTable('apps').set(changes).where('id', '=', id).executeTakeFirst();
          if (result.numUpdatedRows === 0n) return false;
          if (audit) await appendAudit(trx, codec, audit);
          return true;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(app.slug);
        throw error;
      }
    },

    async syncFileApps(definitions, at) {
      return db.transaction().execute(async (trx) => {
        // Several processes start at once on PostgreSQL: one syncs, the others then find
        // nothing to change (SQLite's BEGIN IMMEDIATE already serializes them).
        if (ctx.kind === 'postgres')
          await sql`select pg_advisory_xact_lock(hashtext('guestlist.apps.sync'))`.execute(trx);
        const stored = (await trx.selectFrom('apps').selectAll().execute()).map(appFromRow);
        const bySlug = new Map(stored.map((app) => [app.slug, app]));
        const audit = (action: string, app: App, detail: string | null) =>
          appendAudit(trx, codec, { at, actor: FILE_ACTOR, action, subject: app.id, detail });
        const result: App[] = [];
        for (const definition of definitions) {
          const existing = bySlug.get(definition.slug);
          if (existing && existing.source !== 'file') {
            // The console made it: the file does not silently take over someone's app.
            throw new ConflictError(
              'app_slug_taken_by_console',
              `The configuration file declares the app "${definition.slug}", but an app made in the console already has that slug; rename one of them.`,
            );
          }
          if (!existing) {
            const app: App = { ...definition, id: ctx.newId(), source: 'file', createdAt: at, updatedAt: at };
            await trx.insertInto('apps').values(appToRow(app, codec)).execute();
            await audit('app.create', app, `${app.name} (${app.slug}), from the configuration file`);
            result.push(app);
          } else if (sameDefinition(definitionOf(existing), definition)) {
            result.push(existing);
          } else {
            const app: App = { ...existing, ...definition, updatedAt: at };
            await writeApp(trx, app, codec);
            await audit('app.update', app, `${app.name} (${app.slug}), from the configuration file`);
            result.push(app);
          }
        }
        // Removed from the file: closed, not deleted, so its requests keep their app.
        const declared = new Set(definitions.map((definition) => definition.slug));
        for (const app of stored) {
          if (app.source !== 'file' || declared.has(app.slug) || !app.open) continue;
          await writeApp(trx, { ...app, open: false, updatedAt: at }, codec);
          await audit('app.close', app, `${app.name} (${app.slug}): no longer in the configuration file`);
        }
        return result;
      });
    },
  };
}

async function writeApp(db: Kysely<Tables>, app: App, codec: Codec): Promise<void> {
  const { id, created_at: _createdAt, ...changes } = appToRow(app, codec);
  await db.updateTable('apps').set(changes).where('id', '=', id).execute();
}

function sameDefinition(a: AppDefinition, b: AppDefinition): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Keys sorted at every level, so two equal definitions serialize alike whatever their key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** The JSON column: every definition field without a column of its own. */
type StoredDefinition = Omit<AppDefinition, 'slug' | 'name' | 'description' | 'open'>;

function appToRow(app: App, codec: Codec): Selectable<AppsTable> {
  const stored: StoredDefinition = {
    redirectUrl: app.redirectUrl,
    groupIds: app.groupIds,
    appRole: app.appRole,
    questions: app.questions,
    requesters: app.requesters,
    policy: app.policy,
    access: app.access,
    teamsWebhookUrl: app.teamsWebhookUrl,
  };
  return {
    id: app.id,
    slug: app.slug,
    name: app.name,
    description: app.description,
    definition: JSON.stringify(stored),
    source: app.source,
    open: codec.bool(app.open),
    created_at: codec.time(app.createdAt),
    updated_at: codec.time(app.updatedAt),
  };
}

function appFromRow(row: Selectable<AppsTable>): App {
  const stored = JSON.parse(row.definition) as StoredDefinition;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    ...stored,
    // Fields added to the shape after a row was written read as their neutral value.
    appRole: stored.appRole ?? null,
    teamsWebhookUrl: stored.teamsWebhookUrl ?? null,
    open: Boolean(row.open),
    source: row.source as App['source'],
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
