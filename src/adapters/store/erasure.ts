// Erasing a person from the requests that no longer need them (ports.ts PersonalDataStore).
// PERSONAL_COLUMNS is the one list of access_requests columns that hold the person: each
// with what it becomes. A column added later that holds what the person typed is one more
// line here (as the app catalogue's `answers` was).
import { sql, type Transaction } from 'kysely';
import { ERASED_TEXT } from '../../domain/personal-data.ts';
import type { PersonalDataStore } from '../../ports.ts';
import { requestFromRow } from './codec.ts';
import type { StoreContext } from './context.ts';
import type { AccessRequestsTable, Tables } from './schema.ts';

/** The person, column by column, and what is left in its place. `email` stays unique and not a real address. */
const PERSONAL_COLUMNS = {
  email: (id: string) => `erased-${id}@erased.invalid`,
  first_name: () => ERASED_TEXT,
  last_name: () => ERASED_TEXT,
  justification: () => null,
  // The app's questions, answered by the person (migration 0013).
  answers: () => null,
  // The rejection (or failure) reason an approver typed may name the person.
  reason: () => null,
} satisfies Partial<Record<keyof AccessRequestsTable, (id: string) => string | null>>;

export function createPersonalDataStore(ctx: StoreContext): PersonalDataStore {
  const { db, codec } = ctx;
  return {
    async listEndedWithoutAccess(endedBefore, limit) {
      const rows = await db
        .selectFrom('access_requests')
        .selectAll()
        .where('erased_at', 'is', null)
        .where('updated_at', '<', codec.time(endedBefore))
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['rejected', 'withdrawn']),
            eb.and([eb('status', '=', 'expired'), eb('directory_user_id', 'is', null)]),
          ]),
        )
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.map(requestFromRow);
    },

    async listByEmail(email) {
      const rows = await db
        .selectFrom('access_requests')
        .selectAll()
        .where('email', '=', email)
        .where('erased_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map(requestFromRow);
    },

    async erase(requests, erasure) {
      if (requests.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const erased: string[] = [];
        for (const request of requests) {
          if (await eraseOne(trx, ctx, request, erasure)) erased.push(request.id);
        }
        if (erasure.adminAudit && erased.length > 0) {
          const entry = erasure.adminAudit;
          await trx
            .insertInto('admin_audit')
            .values({
              at: codec.time(entry.at),
              actor: entry.actor,
              action: entry.action,
              subject: erased.join(','),
              detail: entry.detail,
            })
            .execute();
        }
        return erased;
      });
    },
  };
}

async function eraseOne(
  trx: Transaction<Tables>,
  ctx: StoreContext,
  request: { id: string; status: string },
  erasure: { at: Date; actor: string; why: string },
): Promise<boolean> {
  const { codec } = ctx;
  const row = await trx
    .selectFrom('access_requests')
    .select(['email', 'status'])
    .where('id', '=', request.id)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.status !== request.status) return false; // erased or moved on meanwhile
  const replaced = Object.fromEntries(
    Object.entries(PERSONAL_COLUMNS).map(([column, value]) => [column, value(request.id)]),
  );
  const updated = await trx
    .updateTable('access_requests')
    .set({ ...replaced, erased_at: codec.time(erasure.at) })
    .where('id', '=', request.id)
    .where('status', '=', request.status) // the conditional update: a move meanwhile wins
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  // The decisions stay (action, statuses, actor, time); their free text may name the person.
  await trx
    .updateTable('audit_events')
    .set({ reason: ERASED_TEXT })
    .where('request_id', '=', request.id)
    .where('reason', 'is not', null)
    .execute();
  for (const table of ['verification_tokens', 'status_tokens', 'verification_emails', 'shared_reasons'] as const) {
    await trx.deleteFrom(table).where('request_id', '=', request.id).execute();
  }
  // Webhook deliveries carry the person in their event body (webhook-events.ts): kept as
  // the delivery log, without the person.
  const deliveries = await trx
    .selectFrom('webhook_deliveries')
    .select(['id', 'body'])
    .where('request_id', '=', request.id)
    .execute();
  for (const delivery of deliveries) {
    await trx
      .updateTable('webhook_deliveries')
      .set({ body: erasedEventBody(delivery.body) })
      .where('id', '=', delivery.id)
      .execute();
  }
  // Directory matches (names, addresses of the users a lookup found) and mail errors.
  await trx
    .updateTable('provisioning_progress')
    .set({ match_candidates: null, mail_error: null })
    .where('request_id', '=', request.id)
    .execute();
  // The address's own traces, once no other kept request of it needs them.
  const others = await trx.selectFrom('access_requests').select('id').where('email', '=', row.email).executeTakeFirst();
  if (!others) {
    await trx.deleteFrom('verification_slots').where('email', '=', row.email).execute();
    // The sandbox's mailbox: every message to the address (`to` is a JSON array of
    // addresses), and every message that names it (the approvers' emails about the request).
    const address = likeLiteral(row.email.toLowerCase());
    await trx
      .deleteFrom('sandbox_messages')
      .where((eb) =>
        eb.or([
          eb(sql<string>`lower(${sql.ref('to')})`, 'like', sql<string>`${`%"${address}"%`} escape '\\'`),
          eb(sql<string>`lower(${sql.ref('text')})`, 'like', sql<string>`${`%${address}%`} escape '\\'`),
        ]),
      )
      .execute();
  }
  await trx
    .insertInto('audit_events')
    .values({
      id: ctx.newId(),
      request_id: request.id,
      actor: erasure.actor,
      action: 'personal_data_erased',
      from_status: request.status,
      to_status: request.status,
      reason: erasure.why,
      at: codec.time(erasure.at),
    })
    .execute();
  return true;
}

/** A LIKE pattern's literal part: `%`, `_` and the escape character itself escaped (used with ESCAPE '\\'). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The event body with the person's fields replaced (webhook-events.ts puts them in data.request). */
function erasedEventBody(body: string): string {
  try {
    const event = JSON.parse(body) as { data?: { request?: Record<string, unknown> } };
    const person = event.data?.request;
    if (person)
      for (const field of ['email', 'firstName', 'lastName']) if (field in person) person[field] = ERASED_TEXT;
    return JSON.stringify(event);
  } catch {
    return JSON.stringify({ erased: true });
  }
}
