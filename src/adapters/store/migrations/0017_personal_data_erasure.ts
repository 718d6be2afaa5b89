// Personal data erasure (README, "Personal data and retention"). `access_requests.erased_at`
// marks a request whose person was erased. The audit trail stays append-only with one
// exception: an entry's free text (`reason`: rejection reasons, notes, mail and Graph errors,
// which may name the person) may be replaced by the marker '[erased]', and nothing else of
// the entry may change — so the trail keeps every decision, who made it and when, without
// the person. Deletes are still refused.
import { type Kysely, sql } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  await db.schema
    .alterTable('access_requests')
    .addColumn('erased_at', kind === 'postgres' ? 'timestamptz' : 'text')
    .execute();
  if (kind === 'sqlite') {
    await sql`drop trigger audit_events_no_update`.execute(db);
    await sql`create trigger audit_events_no_update before update on audit_events
      when not (new.reason is '[erased]' and new.seq is old.seq and new.id is old.id
        and new.request_id is old.request_id and new.actor is old.actor and new.action is old.action
        and new.from_status is old.from_status and new.to_status is old.to_status and new.at is old.at)
      begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
    return;
  }
  await sql`
    create or replace function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.reason = '[erased]'
        and (new.seq, new.id, new.request_id, new.actor, new.action, new.from_status, new.to_status, new.at)
          is not distinct from
            (old.seq, old.id, old.request_id, old.actor, old.action, old.from_status, old.to_status, old.at) then
        return new;
      end if;
      raise exception 'audit_events is append-only' using errcode = 'restrict_violation';
    end $$`.execute(db);
}
