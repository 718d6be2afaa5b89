// The interfaces the use cases need. Each is small; each has an in-memory or fake
// implementation for tests beside the real ones in adapters/ (see test/fakes/).
import type { AccessRequest, EventType, Status } from './domain/lifecycle.ts';
import type { Role } from './domain/roles.ts';

// ---------------------------------------------------------------- store

/** One row of the append-only audit trail. */
export interface AuditEntry {
  id: string;
  requestId: string;
  /** Who acted, as domain/actor.ts's auditActor() renders it: `token:<name>`, `requester`, `worker`, `system`, `cli:<user>`. Never a secret. */
  actor: string;
  /** The lifecycle event (or another action such as `reinvite`). */
  action: EventType | string;
  fromStatus: Status | null;
  toStatus: Status | null;
  reason: string | null;
  at: Date;
}

/**
 * Provisioning is a chain of jobs, each safe to repeat and retried on its own:
 * `provision` (find or invite) → `grant_access` (each group) → `send_invitation` (Guestlist's
 * email) → `check_redemption`. `resend_invitation` is an admin's resend.
 */
export type JobKind =
  | 'provision'
  | 'grant_access'
  | 'send_invitation'
  | 'resend_invitation'
  | 'check_redemption'
  | 'send_verification';

export interface NewJob {
  kind: JobKind;
  /** The access request this job works on. */
  requestId: string;
  runAt: Date;
}

export interface Job extends NewJob {
  id: string;
  attempts: number;
  lastError: string | null;
  lockedBy: string | null;
  lockedUntil: Date | null;
}

export type DirectoryUserState = 'pending' | 'redeemed' | 'member';

/** How far provisioning has got for one request (kept apart from its status). */
export interface ProvisioningProgress {
  /** What the directory said of the user when this request found or invited them. */
  directoryUserState: DirectoryUserState | null;
  /**
   * When this request learned the user's id. Entra replicates new objects asynchronously,
   * so "not found" for that user is transient until this time plus the not-found window.
   */
  directoryUserAt: Date | null;
  /** The groups already granted for this request. */
  grantedGroupIds: string[];
  /**
   * When the last POST /invitations whose outcome may be unknown was about to go (written
   * before it; cleared when Graph answered that it did nothing, e.g. 429).
   */
  invitationPostedAt: Date | null;
  /** `microsoft` mode: the same, for the last POST that asked Graph to send the email. */
  mailingInvitationPostedAt: Date | null;
  /** The existing user that POST re-invited; null when the lookup had found nobody. */
  mailingInvitationUserId: string | null;
  /** Guestlist's invitation emails sent; each `invite` / `resend_invitation` audit entry wants one. */
  invitationEmailsSent: number;
  /** An admin's answer to an uncertain directory match: a user id, or INVITE_AS_NEW_GUEST. */
  confirmedMatch: string | null;
  /** The users an uncertain lookup found, shown to the admin who confirms. */
  matchCandidates: DirectoryMatch[] | null;
  /** Why the last email to the requester could not be sent; null once one goes out. */
  mailError: string | null;
}

export interface ListRequestsQuery {
  status?: Status;
  /** Any of these states (the console's "waiting for you"); with `status`, both apply. */
  statuses?: readonly Status[];
  /** The start of the address, of its domain, of the full name or of the last name; any case. */
  search?: string;
  limit: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

/** An audit entry with the address of its request, for the trail across all requests. */
export interface AuditTrailEntry extends AuditEntry {
  email: string;
}

export interface AuditTrailQuery {
  /** Part of the actor string, any case. */
  actor?: string;
  /** The exact action (`approve`, `reject`, `resend_requested` …). */
  action?: string;
  /** Entries at or after this time. */
  from?: Date;
  /** Entries before this time. */
  to?: Date;
  limit: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
}

/** A live email-verification link; the token itself is only ever in the email. */
export interface VerificationToken {
  /** SHA-256 (hex) of the token. */
  hash: string;
  requestId: string;
  expiresAt: Date;
  createdAt: Date;
}

export interface SandboxMessage {
  id: string;
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string | null;
  links: string[];
  sentAt: Date;
  /** `guestlist` for mail Guestlist sent, `graph` for the emulator's invitation mail. */
  source: 'guestlist' | 'graph';
}

/**
 * Provisioning paused by a tenant-wide directory fault (jobs/directory-pause.ts). One at
 * a time, shared by every process through the database. No secret in any field.
 */
export interface DirectoryPause {
  since: Date;
  /** What is wrong, in one line: the directory error's code and message. */
  reason: string;
  /** What an administrator should do, in one line. */
  fix: string;
  /** The DirectoryError's graphCode, e.g. `AADSTS7000222`, `Authorization_RequestDenied`. */
  code: string;
  /** The Directory method that met the fault (`invite`, `addToGroup`…): its success ends the pause. */
  operation: string;
  /** No job is let through as a probe before this time. */
  nextProbeAt: Date;
}

/**
 * Persistence. Every method is one transaction. A status change is written only by
 * `saveTransition`, together with its audit entry and the jobs it implies (outbox):
 * no Graph call or email happens inside it.
 */
export interface Store {
  /** Inserts a new request with its first audit entry and jobs. */
  insertRequest(request: AccessRequest, audit: AuditEntry, jobs: NewJob[]): Promise<void>;
  getRequest(id: string): Promise<AccessRequest | null>;
  /** The requests for this (normalized) email not in a final state, newest first. */
  listOpenRequestsByEmail(email: string): Promise<AccessRequest[]>;
  /** In the order the entries were written. */
  listAudit(requestId: string): Promise<AuditEntry[]>;
  /**
   * Writes `next` only if the stored status is still `expectedStatus` (the guard that
   * makes two approvers produce one decision). Returns false, writing nothing, when
   * another actor moved the request first.
   */
  saveTransition(input: {
    next: AccessRequest;
    expectedStatus: Status;
    audit: AuditEntry;
    jobs: NewJob[];
    /** Provisioning progress decided together with this move (an admin's confirmed match). */
    progress?: Partial<ProvisioningProgress>;
  }): Promise<boolean>;
  /** How far provisioning has got (defaults for a request that has not started). */
  getProgress(requestId: string): Promise<ProvisioningProgress>;
  /**
   * Records what a provisioning step learned, with the next step's jobs and an optional
   * audit entry, in one transaction — only while the request's status is one of
   * `expectedStatus`; returns false, writing nothing, otherwise (a stale run). A
   * `directoryUser` sets the request's directoryUserId and redeemUrl.
   */
  recordProgress(input: {
    requestId: string;
    expectedStatus: readonly Status[];
    /** Also only while no directory user is recorded (a step that runs before one is). */
    noDirectoryUserYet?: boolean;
    at: Date;
    directoryUser?: { id: string; redeemUrl: string | null };
    progress?: Partial<ProvisioningProgress>;
    audit?: AuditEntry;
    jobs?: NewJob[];
  }): Promise<boolean>;

  /** Throws ConflictError (`duplicate_token_name`) when the name is taken. */
  insertApiToken(token: ApiToken, hash: string): Promise<void>;
  findApiTokenByHash(hash: string): Promise<ApiToken | null>;

  insertVerificationToken(token: VerificationToken): Promise<void>;
  findVerificationToken(hash: string): Promise<VerificationToken | null>;

  insertSandboxMessage(message: SandboxMessage): Promise<void>;
  /** Oldest first. */
  listSandboxMessages(): Promise<SandboxMessage[]>;

  /** The pause in force, or null. */
  getDirectoryPause(): Promise<DirectoryPause | null>;
  /** Starts `pause` unless one is in force; true when this call started it (one process wins). */
  pauseDirectory(pause: DirectoryPause): Promise<boolean>;
  /**
   * Takes the probe slot of the pause in force: true, moving its nextProbeAt to `next`,
   * when nextProbeAt <= now; false when another took it first, or nothing is paused.
   */
  takeDirectoryProbe(now: Date, next: Date): Promise<boolean>;
  /** Ends the pause that started at `since` (not a newer one); true when this call ended it. */
  resumeDirectory(since: Date): Promise<boolean>;

  /** True when the database answers and every migration is applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- queries

/**
 * The read side: lists, filters, counts and search for the API and the console. Kept apart
 * from Store, which is about transactions; reads here may be served by a replica one day.
 */
export interface RequestQueries {
  /** Newest first. A cursor that is not one we issued throws ValidationError. */
  listRequests(query: ListRequestsQuery): Promise<{ items: AccessRequest[]; next: string | null }>;
  /** How many requests are in each state, or in each of `only` (states with none are left out). */
  countByStatus(only?: readonly Status[]): Promise<Partial<Record<Status, number>>>;
  /**
   * The audit trail across all requests, newest first (in the order written). A cursor that
   * is not one we issued throws ValidationError.
   */
  listAuditTrail(query: AuditTrailQuery): Promise<{ items: AuditTrailEntry[]; next: string | null }>;
}

// ---------------------------------------------------------------- sessions

/** A console session (app/sessions.ts). The cookie carries a random id; only its hash is stored. */
export interface Session {
  via: 'entra' | 'local';
  /** The Entra object id (`oid`), or the local admin's user name. */
  subject: string;
  name: string;
  email: string | null;
  /** null: signed in, but holding no Guestlist role (sees only a page saying so). */
  role: Role | null;
  createdAt: Date;
  lastSeenAt: Date;
  /** Idle timeout: moves forward on use, never past expiresAt. */
  idleUntil: Date;
  /** Absolute timeout, fixed at sign-in. */
  expiresAt: Date;
}

export interface SessionStore {
  create(idHash: string, session: Session): Promise<void>;
  /** The session, or null when unknown, idle too long, or past its absolute end. */
  find(idHash: string, now: Date): Promise<Session | null>;
  /** Marks use: moves lastSeenAt and idleUntil (at most once a minute per session). */
  touch(idHash: string, now: Date, idleUntil: Date): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Removes ended sessions; returns how many. */
  deleteEnded(now: Date): Promise<number>;
}

// ---------------------------------------------------------------- jobs

/**
 * The durable queue lives in the same database as the requests (jobs are inserted by
 * Store.insertRequest / saveTransition). This is the worker's side of it.
 */
export interface JobQueue {
  /**
   * Claims the next due job (run_at <= now, unlocked or lease expired) or null, leasing
   * it to `workerId` until now + leaseMs. Taking over an expired lease counts one attempt
   * (the worker that held it died mid-run), so a job that kills its worker still ends.
   * Never returns one of `running` (the jobs this worker's handlers are running), even
   * when its lease has expired. complete/reschedule/extendLease below act only while
   * `workerId` still holds the job (no other worker has claimed it since); otherwise
   * they do nothing.
   */
  claim(workerId: string, now: Date, leaseMs: number, running?: readonly string[]): Promise<Job | null>;
  /** Done: the job is deleted. */
  complete(jobId: string, workerId: string): Promise<void>;
  /** Try again at `runAt` (lock dropped; attempts incremented when `countAttempt`). */
  reschedule(jobId: string, workerId: string, runAt: Date, error: string | null, countAttempt: boolean): Promise<void>;
  /**
   * Moves the lease's end to `lockedUntil`; true while `workerId` still holds the job,
   * false once another worker has claimed it (or it is gone). A lease that ran out but
   * was not taken over is still held: nobody else has run the job.
   */
  extendLease(jobId: string, workerId: string, lockedUntil: Date): Promise<boolean>;
  /** Earliest time any job may be claimed (a leased job: when its lease ends), or null when empty. */
  nextRunAt(): Promise<Date | null>;
  /**
   * Calls `listener` when a job may have become due: right after a commit that added
   * jobs in this process; from other processes through NOTIFY (PostgreSQL) or by
   * watching the file (SQLite, within ~200 ms). A hint only: spurious calls happen.
   */
  onWake(listener: () => void): () => void;
  /** Every job, or those of one request, earliest first (tests, admin views). */
  listJobs(requestId?: string): Promise<Job[]>;
}

// ---------------------------------------------------------------- directory

export interface DirectoryUser {
  id: string;
  /** createdDateTime; null when Graph did not say. */
  createdAt: Date | null;
  userType: 'Guest' | 'Member';
  mail: string | null;
  displayName: string | null;
  /**
   * `PendingAcceptance` | `Accepted`; null for members and for many guests (self-service
   * sign-up, older guests). A B2B member can be `PendingAcceptance` (domain/directory-match.ts).
   */
  externalUserState: 'PendingAcceptance' | 'Accepted' | null;
  accountEnabled: boolean | null;
}

/** Which property of the user held the address (Microsoft's "already invited" query). */
export type MatchedBy = 'userPrincipalName' | 'mail' | 'proxyAddresses' | 'otherMails';

export interface DirectoryMatch {
  user: DirectoryUser;
  matchedBy: MatchedBy[];
}

export interface VerifiedDomains {
  /** Lower case. */
  names: string[];
  /** The `….onmicrosoft.com` domain guest UPNs are made on. */
  initial: string | null;
}

export interface InviteInput {
  email: string;
  displayName: string;
  redirectUrl: string;
  sendInvitationMessage: boolean;
  customMessage?: string | undefined;
  messageLanguage?: string | undefined;
  /**
   * Re-invite exactly this existing user (Graph's `invitedUser.id` with `resetRedemption`),
   * rather than whichever user holds the address: for a match an admin confirmed.
   */
  userId?: string | undefined;
}

export interface Invitation {
  invitationId: string;
  userId: string;
  redeemUrl: string;
  status: string;
}

/**
 * Microsoft Entra ID through Microsoft Graph. Every method throws DirectoryError
 * (domain/directory-error.ts) on failure, already classified transient/permanent.
 */
export interface Directory {
  /**
   * Everyone holding the address in `userPrincipalName` (as a member or as a guest's
   * `#EXT#` UPN), `mail`, `proxyAddresses` or `otherMails`, as Microsoft's "determine if a
   * user was already invited" query does (case-insensitive in Graph).
   */
  findUsersByEmail(email: string): Promise<DirectoryMatch[]>;
  /** The tenant's verified domains; null when they cannot be read (Organization.Read.All missing). */
  verifiedDomains(): Promise<VerifiedDomains | null>;
  getUser(id: string): Promise<DirectoryUser | null>;
  /** One POST /invitations; never retried inside the adapter (one email per call at most). */
  invite(input: InviteInput): Promise<Invitation>;
  /**
   * How long this process holds invitations back after Graph throttled one (ms; 0: not
   * held), so a job can wait before doing anything else for an invitation that would wait.
   */
  invitationsHeldForMs(): number;
  /** Adds the user to the group; "already a member" is success. */
  addToGroup(groupId: string, userId: string): Promise<void>;
}

// ---------------------------------------------------------------- mail, clock, ids

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A new unique, URL-safe id (UUID). */
  next(): string;
}

/** The subset of pino's logger the code uses. Never log a secret: pino redaction covers headers. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
