// What the requester-facing side keeps (app/send-verification.ts, read-request-status.ts,
// notify-requester.ts). Self-contained: new tables only, and expiry jobs for the requests
// that were waiting for verification before this version (nothing expired them).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  // The last verification email per address: the 15-minute rule counts emails sent, and a
  // conditional upsert on this row is how exactly one worker takes the next slot.
  await db.schema
    .createTable('verification_slots')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('sent_at', time, (c) => c.notNull())
    .execute();
  // Every verification email actually sent, one row per request it carried a link for.
  await db.schema
    .createTable('verification_emails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('sent_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('verification_emails_request_id')
    .on('verification_emails')
    .column('request_id')
    .execute();
  // Private status links: SHA-256 only, like the verification links; several per request
  // (each requester email carries a fresh one, as the token itself is never stored).
  await db.schema
    .createTable('status_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  // A rejection whose reason the approver chose to show the requester (written with the move).
  await db.schema
    .createTable('shared_reasons')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('access_requests.id'))
    .addColumn('at', time, (c) => c.notNull())
    .execute();
  // Requester emails sent, one per (request, event): a repeated job mails nobody twice.
  await db.schema
    .createTable('requester_notices')
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('sent_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('requester_notices_pk', ['request_id', 'event'])
    .execute();

  // Requests already waiting for verification get their expiry job now.
  const waiting = await (db as Kysely<{ access_requests: { id: string; status: string } }>)
    .selectFrom('access_requests')
    .select('id')
    .where('status', '=', 'pending_verification')
    .execute();
  const now = new Date();
  const at = kind === 'sqlite' ? now.toISOString() : now;
  const jobs = db as Kysely<{
    jobs: {
      id: string;
      kind: string;
      request_id: string;
      run_at: Date | string;
      attempts: number;
      created_at: Date | string;
    };
  }>;
  for (const row of waiting) {
    await jobs
      .insertInto('jobs')
      .values({
        id: randomUUID(),
        kind: 'expire_verification',
        request_id: row.id,
        run_at: at,
        attempts: 0,
        created_at: at,
      })
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'requester_notices',
    'shared_reasons',
    'status_tokens',
    'verification_emails',
    'verification_slots',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
