// The app catalogue: the apps people may ask for (domain/apps.ts), and on each request the
// app it is for, the answers to that app's questions, and when its access ends.
//   - apps: the columns a list or lookup needs, and the rest of the definition (redirect
//     URL, groups, app role, questions, requesters, policy, duration, Teams webhook) as JSON
//     text, so a new field of the definition needs no migration.
//   - access_requests.app_id: not null; every request made before the catalogue belongs to
//     the default app (DEFAULT_APP_ID), which is built from the environment, not stored.
//   - access_requests.answers: JSON text, null when the app asked nothing.
//   - access_requests.access_expires_at: set when the request becomes active (null: never).
//   - 0003's "one in flight per address" narrows to `provisioning`: with several apps a
//     person may have two approved requests at once, and approving the second must not fail.
//     Only a provisioning run looks the person up and invites them, so one `provisioning`
//     request per address still keeps two runs from both inviting (invariant 3); a second
//     approved request's job waits for the first to finish (app/provision-guest.ts).
import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('open', kind === 'sqlite' ? 'integer' : 'boolean', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('access_requests')
    .addColumn('app_id', 'text', (c) => c.notNull().defaultTo('default'))
    .execute();
  await db.schema.alterTable('access_requests').addColumn('answers', 'text').execute();
  await db.schema.alterTable('access_requests').addColumn('access_expires_at', time).execute();
  // The queue filtered by app, newest first (as 0012's status index serves the state filter).
  await db.schema
    .createIndex('access_requests_app_created_at_id')
    .on('access_requests')
    .columns(['app_id', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('access_requests_one_in_flight_per_email').execute();
  await sql`create unique index access_requests_one_provisioning_per_email
    on access_requests (email) where status = 'provisioning'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_requests_one_provisioning_per_email').execute();
  await sql`create unique index access_requests_one_in_flight_per_email
    on access_requests (email) where status in ('approved', 'provisioning')`.execute(db);
  await db.schema.dropIndex('access_requests_app_created_at_id').execute();
  for (const column of ['access_expires_at', 'answers', 'app_id']) {
    await db.schema.alterTable('access_requests').dropColumn(column).execute();
  }
  await db.schema.dropTable('apps').execute();
}
