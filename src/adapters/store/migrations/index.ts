// Every migration, by name. Static imports rather than a folder scan, so the list is
// the same however the code is packaged. Names sort in the order they run.
import type { Kysely } from 'kysely';
import type { DialectKind } from '../schema.ts';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_verification_tokens.ts';
import * as m0003 from './0003_one_in_flight_per_email.ts';
import * as m0004 from './0004_provisioning_progress.ts';
import * as m0005 from './0005_directory_pause.ts';
import * as m0006 from './0006_sessions.ts';
import * as m0007 from './0007_api_token_lifecycle.ts';
import * as m0008 from './0008_requester_links.ts';
import * as m0009 from './0009_revoke_access.ts';
import * as m0010 from './0010_local_admins.ts';
import * as m0011 from './0011_request_justification.ts';
import * as m0012 from './0012_console_indexes.ts';
import * as m0013 from './0013_app_catalogue.ts';

export interface MigrationModule {
  up(db: Kysely<unknown>, kind: DialectKind): Promise<void>;
  down?(db: Kysely<unknown>, kind: DialectKind): Promise<void>;
}

export const MIGRATIONS: Readonly<Record<string, MigrationModule>> = {
  '0001_initial': m0001,
  '0002_verification_tokens': m0002,
  '0003_one_in_flight_per_email': m0003,
  '0004_provisioning_progress': m0004,
  '0005_directory_pause': m0005,
  '0006_sessions': m0006,
  '0007_api_token_lifecycle': m0007,
  '0008_requester_links': m0008,
  '0009_revoke_access': m0009,
  '0010_local_admins': m0010,
  '0011_request_justification': m0011,
  '0012_console_indexes': m0012,
  '0013_app_catalogue': m0013,
  // 0007–0011 are being added on other branches; 0012 depends on none of them.
};
