// Approval stages (app/begin-approval.ts, decide-request.ts). The stage a pending request
// sits at lives on the request row itself, beside its status: a decision is one
// conditional UPDATE on (status, stage, round), so two approvers acting at once on the
// same stage produce one decision on both dialects (invariant 4). Status stays the
// lifecycle's; these columns are only the progress through the stages.
//   approval_plan: JSON {stages, rule, why}, the stages as they were when approval began
//     (an app's policy edited later does not move a request half way through);
//   approval_stage: 0..n-1, null before approval began (older requests: stage 0 of today's plan);
//   approval_round: 0, 1 once the stage was escalated to its alternates;
//   approval_stage_started_at: when this stage (or its escalation) began.
// approver_notices: one row per email an approver was sent about one stage round
// (`stage`, `reminder`), claimed before sending so a repeated job mails nobody twice.
// staff_directory: the staff who signed in with Entra (the admins who get the emails of a
// stage decided by the admin role).
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema.alterTable('access_requests').addColumn('approval_plan', 'text').execute();
  await db.schema.alterTable('access_requests').addColumn('approval_stage', 'integer').execute();
  await db.schema
    .alterTable('access_requests')
    .addColumn('approval_round', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('access_requests').addColumn('approval_stage_started_at', time).execute();
  await db.schema
    .createTable('approver_notices')
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('sent_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('approver_notices_pk', ['request_id', 'stage', 'round', 'kind', 'email'])
    .execute();
  await db.schema
    .createTable('staff_directory')
    .addColumn('oid', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('role', 'text')
    .addColumn('last_sign_in_at', time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_directory_role').on('staff_directory').column('role').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('staff_directory').execute();
  await db.schema.dropTable('approver_notices').execute();
  for (const column of ['approval_stage_started_at', 'approval_round', 'approval_stage', 'approval_plan']) {
    await db.schema.alterTable('access_requests').dropColumn(column).execute();
  }
}
