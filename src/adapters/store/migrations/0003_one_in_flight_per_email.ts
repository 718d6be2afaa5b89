// At most one request per address may be `approved` or `provisioning` at a time. Two
// such requests would run two provisioning jobs at once; both could look the person up
// before either invited them, and both would send an invitation email (invariant 3).
// The use cases already refuse duplicates; this index is the guarantee under races.

import type { Kysely } from 'kysely';
import { sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index access_requests_one_in_flight_per_email
    on access_requests (email) where status in ('approved', 'provisioning')`.execute(db);
}
