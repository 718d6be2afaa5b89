// Email verification links: only the SHA-256 of each token is kept. Several may be live
// for one request (a retried send mails a new link; the earlier one keeps working until
// it expires).
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';

export async function up(db: Kysely<unknown>, kind: DialectKind): Promise<void> {
  const time = kind === 'sqlite' ? 'text' : 'timestamptz';
  await db.schema
    .createTable('verification_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('verification_tokens_request_id')
    .on('verification_tokens')
    .column('request_id')
    .execute();
}
