// The Store's webhook methods (ports.ts; migrations/0016), and the fan-out of a state
// change's events to the webhooks subscribed to them, inside that change's transaction:
// an event is emitted exactly when its change commits (invariant 2), never without it.
import type { Kysely, Selectable } from 'kysely';
import type { WebhookEvent, WebhookEventType } from '../../domain/webhook-events.ts';
import type { DeliveryState, Store, Webhook, WebhookDelivery } from '../../ports.ts';
import { appendAudit } from './api-tokens.ts';
import { toDate, toDateOrNull } from './codec.ts';
import { insertJobs, type StoreContext } from './context.ts';
import type { Tables, WebhookDeliveriesTable, WebhooksTable } from './schema.ts';

type WebhookMethods = Pick<
  Store,
  | 'insertWebhook'
  | 'listWebhooks'
  | 'getWebhook'
  | 'deleteWebhook'
  | 'getDeliveryToSend'
  | 'recordDeliveryAttempt'
  | 'listDeliveries'
>;

const WEBHOOK_COLUMNS = ['id', 'url', 'description', 'events', 'created_at', 'created_by'] as const;

export function webhookMethods(ctx: StoreContext): WebhookMethods {
  const { db, codec } = ctx;
  const time = codec.time;
  return {
    async insertWebhook(webhook, secret, audit) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('webhooks')
          .values({
            id: webhook.id,
            url: webhook.url,
            description: webhook.description,
            events: JSON.stringify(webhook.events),
            secret,
            created_at: time(webhook.createdAt),
            created_by: webhook.createdBy,
            deleted_at: null,
          })
          .execute();
        await appendAudit(trx, codec, audit);
      });
    },

    async listWebhooks() {
      const rows = await db
        .selectFrom('webhooks')
        .select(WEBHOOK_COLUMNS)
        .where('deleted_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(webhookFromRow);
    },

    async getWebhook(id) {
      const row = await db
        .selectFrom('webhooks')
        .select(WEBHOOK_COLUMNS)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return row ? webhookFromRow(row) : null;
    },

    async deleteWebhook(id, at, audit) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('webhooks')
          .set({ deleted_at: time(at), secret: '' })
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        // Their jobs find the delivery cancelled and end without sending.
        await trx
          .updateTable('webhook_deliveries')
          .set({ state: 'cancelled', next_attempt_at: null })
          .where('webhook_id', '=', id)
          .where('state', '=', 'pending')
          .execute();
        await appendAudit(trx, codec, audit);
        return true;
      });
    },

    async getDeliveryToSend(id) {
      const row = await db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
        .selectAll('d')
        .select(['w.url as url', 'w.secret as secret', 'w.deleted_at as deleted_at'])
        .where('d.id', '=', id)
        .executeTakeFirst();
      if (!row || row.deleted_at !== null) return null;
      return { delivery: deliveryFromRow(row), url: row.url, secret: row.secret };
    },

    async recordDeliveryAttempt(id, attempt) {
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          state: attempt.state,
          last_status: attempt.status,
          last_error: attempt.error,
          last_attempt_at: time(attempt.at),
          next_attempt_at: attempt.nextAttemptAt ? time(attempt.nextAttemptAt) : null,
        }))
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute();
    },

    async listDeliveries(webhookId, limit) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('webhook_id', '=', webhookId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(deliveryFromRow);
    },
  };
}

/**
 * Inside the caller's transaction: for each event, a delivery row and a `deliver_webhook`
 * job per live webhook subscribed to its type. Returns how many jobs it queued. The
 * webhooks are read in the same transaction, so a webhook deleted before the commit gets
 * nothing and one registered after it gets nothing either: it hears of events to come.
 */
export async function insertDeliveries(
  ctx: StoreContext,
  trx: Kysely<Tables>,
  requestId: string,
  events: readonly WebhookEvent[],
  at: Date,
): Promise<number> {
  if (events.length === 0) return 0;
  const webhooks = await trx.selectFrom('webhooks').select(['id', 'events']).where('deleted_at', 'is', null).execute();
  if (webhooks.length === 0) return 0;
  const rows: Array<{ deliveryId: string; webhookId: string; event: WebhookEvent }> = [];
  for (const event of events) {
    for (const webhook of webhooks) {
      const wanted = JSON.parse(webhook.events) as WebhookEventType[];
      if (wanted.includes(event.type)) rows.push({ deliveryId: ctx.newId(), webhookId: webhook.id, event });
    }
  }
  if (rows.length === 0) return 0;
  await trx
    .insertInto('webhook_deliveries')
    .values(
      rows.map(({ deliveryId, webhookId, event }) => ({
        id: deliveryId,
        webhook_id: webhookId,
        request_id: requestId,
        event_id: event.id,
        event_type: event.type,
        body: JSON.stringify(event),
        state: 'pending' satisfies DeliveryState,
        attempts: 0,
        last_status: null,
        last_error: null,
        created_at: ctx.codec.time(at),
        last_attempt_at: null,
        next_attempt_at: ctx.codec.time(at),
      })),
    )
    .execute();
  await insertJobs(
    ctx,
    trx,
    rows.map(({ deliveryId }) => ({ kind: 'deliver_webhook', requestId, runAt: at, payload: { deliveryId } })),
    at,
  );
  return rows.length;
}

function webhookFromRow(row: Pick<Selectable<WebhooksTable>, (typeof WEBHOOK_COLUMNS)[number]>): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as WebhookEventType[],
    createdAt: toDate(row.created_at),
    createdBy: row.created_by,
  };
}

function deliveryFromRow(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    requestId: row.request_id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    body: row.body,
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    createdAt: toDate(row.created_at),
    lastAttemptAt: toDateOrNull(row.last_attempt_at),
    nextAttemptAt: toDateOrNull(row.next_attempt_at),
  };
}
