// Rows ⇄ domain values. The only place that knows how each dialect stores a time.
import type { Insertable, Selectable } from 'kysely';
import type { Answers } from '../../domain/apps.ts';
import type { AccessRequest, Status } from '../../domain/lifecycle.ts';
import type { AuditEntry, Job, JobKind, JobPayload, SandboxMessage } from '../../ports.ts';
import type { AccessRequestsTable, AuditEventsTable, DialectKind, JobsTable, SandboxMessagesTable } from './schema.ts';

export interface Codec {
  /** A Date as the dialect stores it: fixed-width ISO text on SQLite, the Date itself for pg. */
  time(date: Date): Date | string;
  /** A boolean as the dialect stores it: 0/1 on SQLite (node:sqlite binds no booleans), itself for pg. */
  bool(value: boolean): number | boolean;
}

export function codecFor(kind: DialectKind): Codec {
  return kind === 'sqlite'
    ? { time: (date) => validDate(date).toISOString(), bool: (value) => (value ? 1 : 0) }
    : { time: (date) => validDate(date), bool: (value) => value };
}

function validDate(date: Date): Date {
  // An invalid Date would be stored as NULL or 'Invalid Date' and break ordering later.
  if (Number.isNaN(date.getTime())) throw new TypeError('Refusing to store an invalid Date.');
  return date;
}

export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

export function requestFromRow(row: Selectable<AccessRequestsTable>): AccessRequest {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    justification: row.justification,
    appId: row.app_id,
    answers: row.answers ? (JSON.parse(row.answers) as Answers) : {},
    accessExpiresAt: toDateOrNull(row.access_expires_at),
    status: row.status as Status,
    directoryUserId: row.directory_user_id,
    redeemUrl: row.redeem_url,
    reason: row.reason,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function requestToRow(request: AccessRequest, codec: Codec): Insertable<AccessRequestsTable> {
  return {
    id: request.id,
    email: request.email,
    first_name: request.firstName,
    last_name: request.lastName,
    justification: request.justification,
    app_id: request.appId,
    answers: Object.keys(request.answers).length > 0 ? JSON.stringify(request.answers) : null,
    access_expires_at: request.accessExpiresAt ? codec.time(request.accessExpiresAt) : null,
    status: request.status,
    directory_user_id: request.directoryUserId,
    redeem_url: request.redeemUrl,
    reason: request.reason,
    created_at: codec.time(request.createdAt),
    updated_at: codec.time(request.updatedAt),
  };
}

export function auditFromRow(row: Omit<Selectable<AuditEventsTable>, 'seq'>): AuditEntry {
  return {
    id: row.id,
    requestId: row.request_id,
    actor: row.actor,
    action: row.action,
    fromStatus: row.from_status as Status | null,
    toStatus: row.to_status as Status | null,
    reason: row.reason,
    at: toDate(row.at),
  };
}

export function auditToRow(entry: AuditEntry, codec: Codec): Insertable<AuditEventsTable> {
  return {
    id: entry.id,
    request_id: entry.requestId,
    actor: entry.actor,
    action: entry.action,
    from_status: entry.fromStatus,
    to_status: entry.toStatus,
    reason: entry.reason,
    at: codec.time(entry.at),
  };
}

export function jobFromRow(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    requestId: row.request_id,
    runAt: toDate(row.run_at),
    attempts: Number(row.attempts),
    lastError: row.last_error,
    lockedBy: row.locked_by,
    lockedUntil: toDateOrNull(row.locked_until),
    ...(row.payload ? { payload: JSON.parse(row.payload) as JobPayload } : {}),
  };
}

export function messageFromRow(row: Selectable<SandboxMessagesTable>): SandboxMessage {
  return {
    id: row.id,
    source: row.source as SandboxMessage['source'],
    from: row.from,
    to: JSON.parse(row.to) as string[],
    subject: row.subject,
    text: row.text,
    html: row.html,
    links: JSON.parse(row.links) as string[],
    sentAt: toDate(row.sent_at),
  };
}

export function messageToRow(message: SandboxMessage, codec: Codec): Insertable<SandboxMessagesTable> {
  return {
    id: message.id,
    source: message.source,
    from: message.from,
    to: JSON.stringify(message.to),
    subject: message.subject,
    text: message.text,
    html: message.html,
    links: JSON.stringify(message.links),
    sent_at: codec.time(message.sentAt),
  };
}

/** A verification or status link's stored token (both tables have the same columns). */
export function linkTokenFromRow(row: {
  token_hash: string;
  request_id: string;
  expires_at: Date | string;
  created_at: Date | string;
}): { hash: string; requestId: string; expiresAt: Date; createdAt: Date } {
  return {
    hash: row.token_hash,
    requestId: row.request_id,
    expiresAt: toDate(row.expires_at),
    createdAt: toDate(row.created_at),
  };
}
