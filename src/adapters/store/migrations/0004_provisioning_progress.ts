// Provisioning is a chain of durable steps (invite or find → grants → invitation email →
// redemption tracking), each retried on its own. What each step has learned is kept here,
// one row per request, apart from the lifecycle row: a step records its progress without
// moving the status, and a status change never overwrites a step's progress.
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema
    .createTable('provisioning_progress')
    .addColumn('request_id', 'text', (c) => c.primaryKey().references('access_requests.id'))
    .addColumn('directory_user_state', 'text')
    .addColumn('directory_user_at', time)
    .addColumn('granted_group_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('invitation_posted_at', time)
    .addColumn('mailing_invitation_posted_at', time)
    .addColumn('mailing_invitation_user_id', 'text')
    .addColumn('invitation_emails_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('confirmed_match', 'text')
    .addColumn('match_candidates', 'text')
    .addColumn('mail_error', 'text')
    .execute();
}
