// The tables as Kysely sees them. Timestamps are ISO-8601 UTC text with millisecond
// precision on SQLite (so text order is time order and `<=` compares correctly) and
// timestamptz on PostgreSQL (returned as Date by pg); codec.ts turns both into Dates.
import type { ColumnType, Generated } from 'kysely';

export type Timestamp = ColumnType<Date | string, Date | string, Date | string>;

export interface AccessRequestsTable {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  /** migrations/0011. */
  justification: string | null;
  /** migrations/0013: the app asked for ('default' for requests made before the catalogue). */
  app_id: ColumnType<string, string | undefined, string>;
  /** migrations/0013: JSON object of answers by question id, or null when none. */
  answers: string | null;
  /** migrations/0013: when the access ends (set on activation); null: never, or not active yet. */
  access_expires_at: Timestamp | null;
  status: string;
  directory_user_id: string | null;
  redeem_url: string | null;
  reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** migrations/0013: the app catalogue's stored apps (the default app is not stored). */
export interface AppsTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  /** JSON: every App field not in a column of its own (adapters/store/apps.ts). */
  definition: string;
  source: string;
  /** integer 0/1 on SQLite, boolean on PostgreSQL. */
  open: number | boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  /** Insertion order: several entries may share the same millisecond. */
  seq: Generated<number | string>;
  id: string;
  request_id: string;
  actor: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  reason: string | null;
  at: Timestamp;
}

export interface JobsTable {
  id: string;
  kind: string;
  request_id: string;
  run_at: Timestamp;
  attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_until: Timestamp | null;
  created_at: Timestamp;
  /** JSON JobPayload, or null (migrations/0009). */
  payload: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** The actor that created it (`cli:<user>`…); `unknown` for tokens older than migrations/0007. */
  created_by: string;
}

/** Admin actions not about one access request (migrations/0007); append-only. */
export interface AdminAuditTable {
  /** Insertion order: several entries may share the same millisecond. */
  seq: Generated<number | string>;
  at: Timestamp;
  actor: string;
  action: string;
  subject: string;
  detail: string | null;
}

export interface SandboxMessagesTable {
  id: string;
  source: string;
  from: string;
  /** JSON array of addresses. */
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** JSON array of URLs. */
  links: string;
  sent_at: Timestamp;
}

export interface VerificationTokensTable {
  token_hash: string;
  request_id: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface ProvisioningProgressTable {
  request_id: string;
  directory_user_state: string | null;
  directory_user_at: Timestamp | null;
  /** JSON array of group ids. */
  granted_group_ids: string;
  invitation_posted_at: Timestamp | null;
  mailing_invitation_posted_at: Timestamp | null;
  mailing_invitation_user_id: string | null;
  invitation_emails_sent: number;
  confirmed_match: string | null;
  /** JSON array of DirectoryMatch. */
  match_candidates: string | null;
  mail_error: string | null;
  /** migrations/0009. */
  created_user_id: string | null;
}

/** At most one row, id 'directory' (migrations/0005). */
export interface DirectoryPauseTable {
  id: string;
  since: Timestamp;
  reason: string;
  fix: string;
  code: string;
  operation: string;
  next_probe_at: Timestamp;
}

export interface SessionsTable {
  id_hash: string;
  via: string;
  subject: string;
  name: string;
  email: string | null;
  role: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  idle_until: Timestamp;
  expires_at: Timestamp;
}

/** migrations/0008: the last verification email per address (the 15-minute slot). */
export interface VerificationSlotsTable {
  email: string;
  sent_at: Timestamp;
}

/** migrations/0008: each verification email sent, one row per request it carried a link for. */
export interface VerificationEmailsTable {
  id: string;
  email: string;
  request_id: string;
  sent_at: Timestamp;
}

export interface StatusTokensTable {
  token_hash: string;
  request_id: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface SharedReasonsTable {
  request_id: string;
  at: Timestamp;
}

export interface RequesterNoticesTable {
  request_id: string;
  event: string;
  sent_at: Timestamp;
}

export interface LocalAdminsTable {
  username: string;
  display_name: string;
  password_hash: string;
  created_at: Timestamp;
  failed_count: number;
  locked_until: Timestamp | null;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: Timestamp;
}

export interface Tables {
  access_requests: AccessRequestsTable;
  apps: AppsTable;
  audit_events: AuditEventsTable;
  jobs: JobsTable;
  api_tokens: ApiTokensTable;
  sandbox_messages: SandboxMessagesTable;
  verification_tokens: VerificationTokensTable;
  provisioning_progress: ProvisioningProgressTable;
  directory_pause: DirectoryPauseTable;
  sessions: SessionsTable;
  admin_audit: AdminAuditTable;
  verification_slots: VerificationSlotsTable;
  verification_emails: VerificationEmailsTable;
  status_tokens: StatusTokensTable;
  shared_reasons: SharedReasonsTable;
  requester_notices: RequesterNoticesTable;
  local_admins: LocalAdminsTable;
  server_secrets: ServerSecretsTable;
}

export type DialectKind = 'sqlite' | 'postgres';
