// Outbound webhooks (app/create-webhook.ts, app/deliver-webhook.ts): the endpoints an admin
// registered, and one delivery row per event per endpoint, written in the transaction of the
// state change that emitted the event (outbox) and updated by each attempt (the console's
// delivery log). The signing secret is kept as given: an HMAC needs the key itself, so it
// cannot be hashed like a token; it is erased when the webhook is deleted.
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    /** JSON array of event types (domain/webhook-events.ts). */
    .addColumn('events', 'text', (c) => c.notNull())
    /** `whsec_…`; '' once deleted. */
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('deleted_at', time)
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_attempt_at', time)
    .addColumn('next_attempt_at', time)
    .execute();
  // The delivery log: a webhook's deliveries, newest first.
  await db.schema
    .createIndex('webhook_deliveries_webhook_created')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhooks').execute();
}
