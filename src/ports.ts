// The interfaces the use cases need. Each is small; each has an in-memory or fake
// implementation for tests beside the real ones in adapters/ (see test/fakes/).
import type { ApprovalPlan, ApprovalState } from './domain/approval-stages.ts';
import type { App, AppDefinition } from './domain/apps.ts';
import type { AccessRequest, EventType, Status } from './domain/lifecycle.ts';
import type { Role } from './domain/roles.ts';
import type { WebhookEvent, WebhookEventType } from './domain/webhook-events.ts';

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
 * email) → `check_redemption`. `resend_invitation` is an admin's resend; `revoke_access`
 * removes what provisioning granted after a revoke or expiry. The requester's
 * side: `send_verification` (the link, one email per address per slot),
 * `expire_verification` (an unconfirmed request ends with its links) and
 * `notify_requester` (an email when the request is decided or ends), `remind_expiry` (an
 * email a few days before access ends). Notifications:
 * `post_to_teams` (the card of a request that waits for approval) and `deliver_webhook`
 * (one event to one registered webhook; the delivery row says which).
 */
export type JobKind =
  | 'provision'
  | 'grant_access'
  | 'send_invitation'
  | 'resend_invitation'
  | 'check_redemption'
  | 'send_verification'
  | 'revoke_access'
  | 'expire_verification'
  | 'notify_requester'
  | 'expire_access'
  | 'post_to_teams'
  | 'deliver_webhook'
  /** A stage began or was escalated: email its approvers their Approve / Reject links. */
  | 'notify_approvers'
  /** The stage's one reminder to its approvers (payload: stage, round). */
  | 'remind_approvers'
  /** The stage's timeout: escalate to its alternates, or reject (payload: stage, round). */
  | 'stage_timeout'
  | 'remind_expiry'
  /** The policy's guarantee after verification: applies it if the inline call never did (apply-policy.ts). */
  | 'apply_policy';

/** What a job was asked to do beyond its kind and request (stored as JSON with the job). */
export interface JobPayload {
  /** `revoke_access`: delete the guest account too, if this request's invitation created it. */
  deleteGuest?: boolean;
  /** `deliver_webhook`: the webhook_deliveries row to send. */
  deliveryId?: string;
  /** Approval jobs: the stage and round they were queued for; they do nothing once the request moved on. */
  stage?: number;
  round?: number;
}

export interface NewJob {
  kind: JobKind;
  /** The access request this job works on. */
  requestId: string;
  runAt: Date;
  payload?: JobPayload | undefined;
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
  /** The groups granted for this request and not removed since (revoke_access removes them). */
  grantedGroupIds: string[];
  /**
   * The user this request's invitation created (the lookup before it found nobody); null
   * when the request found or re-invited someone who already existed. Only this user may
   * be deleted when access is revoked.
   */
  createdUserId: string | null;
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
  /** Only requests for this app (its id). */
  appId?: string;
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

/** An API token as stored and listed: never its secret nor its hash. */
export interface ApiToken {
  /** Stable public id: lists and revocation refer to the token by it. */
  id: string;
  /** Unique: the audit trail names token callers by it (`token:<name>`). */
  name: string;
  role: Role;
  createdAt: Date;
  /** Every token expires (domain/api-token.ts). Refused from this instant on. */
  expiresAt: Date;
  /** Updated at most once a minute (Store.useApiToken); null until first used. */
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The actor that created it, as the audit trail names it (`cli:<user>`). */
  createdBy: string;
}

/**
 * An admin action that is not about one access request (`token.create`, `token.revoke`…),
 * kept append-only in admin_audit. Never a secret in any field.
 */
export interface AdminAuditEntry {
  at: Date;
  /** As auditActor() names it. */
  actor: string;
  /** `<thing>.<verb>`, e.g. `token.revoke`. */
  action: string;
  /** What it was done to, e.g. the token's id. */
  subject: string;
  /** A short human-readable detail (the token's name and role, say), or null. */
  detail: string | null;
}

/** A registered webhook as listed: never its secret. */
export interface Webhook {
  id: string;
  url: string;
  /** What it is for, as the admin wrote it (may be empty). */
  description: string;
  events: WebhookEventType[];
  createdAt: Date;
  /** As auditActor() names the admin who registered it. */
  createdBy: string;
}

/** pending: attempts left; delivered: a 2xx came back; failed: every attempt failed; cancelled: the webhook was deleted. */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One event for one webhook, and how sending it went (the console's delivery log). */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  requestId: string;
  eventId: string;
  eventType: WebhookEventType;
  /** The JSON body, exactly as signed and sent on every attempt. */
  body: string;
  state: DeliveryState;
  attempts: number;
  /** The HTTP status of the last answer; null when none came (timeout, refused connection). */
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
}

/** The outcome of one delivery attempt, as recordDeliveryAttempt writes it. */
export interface DeliveryAttempt {
  at: Date;
  status: number | null;
  error: string | null;
  state: Exclude<DeliveryState, 'cancelled'>;
  /** When the next attempt is due (state pending); null otherwise. */
  nextAttemptAt: Date | null;
}

/** A live email-verification link; the token itself is only ever in the email. */
export interface VerificationToken {
  /** SHA-256 (hex) of the token. */
  hash: string;
  requestId: string;
  expiresAt: Date;
  createdAt: Date;
}

/** A private link to a request's status page; the token itself is only ever in an email. */
export interface StatusToken {
  /** SHA-256 (hex) of the token. */
  hash: string;
  requestId: string;
  expiresAt: Date;
  createdAt: Date;
}

/** An approver's Approve / Reject link; the token itself is only ever in the email. */
export interface ApprovalLink {
  /** SHA-256 (hex) of the token. */
  hash: string;
  requestId: string;
  stage: number;
  round: number;
  /** The approver it was sent to; the decision is theirs. */
  approverEmail: string;
  expiresAt: Date;
  createdAt: Date;
  usedAt: Date | null;
}

/** Someone who signed in to the console with Entra (the staff directory, migrations/0014). */
export interface StaffMember {
  oid: string;
  name: string;
  email: string | null;
  role: Role | null;
  lastSignInAt: Date;
}

/** One email to an approver about one stage round (claimed before it is sent). */
export interface ApproverNotice {
  requestId: string;
  stage: number;
  round: number;
  kind: 'stage' | 'reminder';
  email: string;
}

/** Moves a pending request's approval progress (begin, next stage, escalation) with its audit entry and jobs. */
export interface StageChange {
  requestId: string;
  /** Written only while the request is pending_approval at exactly this stage and round. */
  expected: { stage: number | null; round: number };
  next: { plan?: ApprovalPlan; stage: number; round: number; startedAt: Date };
  audit: AuditEntry;
  jobs: NewJob[];
}

/** The answer to asking for an address's next verification-email slot. */
export type VerificationSlot =
  /** This caller holds the slot from `at`; `previous` is what to restore if nothing is sent. */
  | { taken: true; previous: Date | null }
  /** An email went out less than the interval ago; the slot frees at `freeAt`. */
  | { taken: false; freeAt: Date };

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
  /**
   * Inserts a new request with its first audit entry and jobs, and the webhook events it
   * emits: a delivery row and a `deliver_webhook` job for each live webhook subscribed to
   * the event's type, in the same transaction (outbox).
   */
  insertRequest(request: AccessRequest, audit: AuditEntry, jobs: NewJob[], events?: WebhookEvent[]): Promise<void>;
  getRequest(id: string): Promise<AccessRequest | null>;
  /**
   * The requests for this (normalized) email not in a final state, newest first; with
   * `appId`, only that app's (a person may ask for several apps at once).
   */
  listOpenRequestsByEmail(email: string, appId?: string): Promise<AccessRequest[]>;
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
    /** A rejection whose reason the approver chose to show the requester. */
    shareReason?: boolean;
    /** Webhook events this move emits: fanned out to the subscribed webhooks in the same transaction. */
    events?: WebhookEvent[];
    /** A decision at an approval stage: written only while the request is at this stage and round. */
    expectedStage?: { stage: number | null; round: number };
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

  /**
   * Stores a token by its hash, with its admin audit entry, in one transaction. Throws
   * ConflictError (`duplicate_token_name`) when the name is taken, writing nothing.
   */
  insertApiToken(token: ApiToken, hash: string, audit: AdminAuditEntry): Promise<void>;
  /**
   * The token with this hash if it is live at `now` (not expired, not revoked), else null;
   * records the use in lastUsedAt, writing at most once a minute per token.
   */
  useApiToken(hash: string, now: Date): Promise<ApiToken | null>;
  /** Every token, live or not, oldest first. */
  listApiTokens(): Promise<ApiToken[]>;
  /**
   * Sets revokedAt to `at`, with the audit entry, in one transaction, unless the token is
   * already revoked (or does not exist): then writes nothing and returns false.
   */
  revokeApiToken(id: string, at: Date, audit: AdminAuditEntry): Promise<boolean>;
  appendAdminAudit(entry: AdminAuditEntry): Promise<void>;
  /** Newest first, at most `limit`. */
  listAdminAudit(limit: number): Promise<AdminAuditEntry[]>;

  /** Registers a webhook with its signing secret and its admin audit entry, in one transaction. */
  insertWebhook(webhook: Webhook, secret: string, audit: AdminAuditEntry): Promise<void>;
  /** The live webhooks, oldest first. */
  listWebhooks(): Promise<Webhook[]>;
  getWebhook(id: string): Promise<Webhook | null>;
  /**
   * Deletes the webhook (its secret is erased; its pending deliveries are cancelled), with
   * the audit entry, in one transaction; false, writing nothing, when there is no such live webhook.
   */
  deleteWebhook(id: string, at: Date, audit: AdminAuditEntry): Promise<boolean>;
  /** A delivery with where and how to send it; null when it or its webhook no longer exists. */
  getDeliveryToSend(id: string): Promise<{ delivery: WebhookDelivery; url: string; secret: string } | null>;
  /** Records one attempt; only while the delivery is pending (a cancelled one stays cancelled). */
  recordDeliveryAttempt(id: string, attempt: DeliveryAttempt): Promise<void>;
  /** A webhook's deliveries, newest first, at most `limit`. */
  listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]>;
  /** A request's approval progress, or null when the request does not exist. */
  getApprovalState(requestId: string): Promise<ApprovalState | null>;
  /** Conditional on status and stage (invariant 4): false when someone moved it first. */
  saveStageChange(change: StageChange): Promise<boolean>;
  insertApprovalLink(link: ApprovalLink): Promise<void>;
  findApprovalLink(hash: string): Promise<ApprovalLink | null>;
  /** Marks a link used; false when it was used already. */
  useApprovalLink(hash: string, at: Date): Promise<boolean>;
  /** Claims one approver email before it is sent: false when it was claimed already. */
  claimApproverNotice(notice: ApproverNotice, at: Date): Promise<boolean>;
  /** Gives back a claim whose email could not be sent, so a retry sends it. */
  releaseApproverNotice(notice: ApproverNotice): Promise<void>;
  /** Records an Entra sign-in in the staff directory (one row per person, the latest wins). */
  recordStaffSignIn(member: StaffMember): Promise<void>;
  /** The staff who signed in holding `role`, by name. */
  listStaff(role: Role): Promise<StaffMember[]>;
  /** The stored apps (from the file and the console), by name. The default app is not stored (app/app-catalogue.ts). */
  listApps(): Promise<App[]>;
  getApp(id: string): Promise<App | null>;
  getAppBySlug(slug: string): Promise<App | null>;
  /**
   * Stores a new app with its admin audit entry, in one transaction. Throws ConflictError
   * (`duplicate_app_slug`) when the slug is taken, writing nothing.
   */
  insertApp(app: App, audit: AdminAuditEntry | null): Promise<void>;
  /**
   * Replaces the definition, `open` and `updatedAt` of the app with this id (never its
   * source or createdAt), with the audit entry; false, writing nothing, when there is no
   * such app. ConflictError (`duplicate_app_slug`) when the new slug is taken.
   */
  updateApp(app: App, audit: AdminAuditEntry | null): Promise<boolean>;
  /**
   * Start-up: the configuration file's apps, upserted by slug with source `file` (each
   * creation or change audited as the `config-file` actor); file apps no longer declared
   * are closed, not deleted. One transaction. Throws ConflictError
   * (`app_slug_taken_by_console`) when a console app has one of the slugs. Returns the
   * file's apps as stored, in the file's order.
   */
  syncFileApps(apps: readonly AppDefinition[], at: Date): Promise<App[]>;

  insertVerificationToken(token: VerificationToken): Promise<void>;
  findVerificationToken(hash: string): Promise<VerificationToken | null>;

  /** Expiry of the request's latest verification link, or null when none was made. */
  latestVerificationExpiry(requestId: string): Promise<Date | null>;

  /**
   * Takes the address's verification-email slot at `now` when the last email went out at
   * least `intervalMs` before (one caller wins, across processes), else says when it frees.
   */
  takeVerificationSlot(email: string, now: Date, intervalMs: number): Promise<VerificationSlot>;
  /** Gives back a slot taken at `takenAt` whose email could not be sent (if nobody took it since). */
  releaseVerificationSlot(email: string, takenAt: Date, previous: Date | null): Promise<void>;
  /** The address's `pending_verification` requests no verification email was sent for, oldest first. */
  listUnmailedVerifications(email: string, limit: number): Promise<AccessRequest[]>;
  /** Records one verification email sent to `email`, carrying links for `requestIds`. */
  recordVerificationEmail(input: { email: string; requestIds: string[]; sentAt: Date }): Promise<void>;
  /** How many verification emails carried a link for the request. */
  countVerificationEmails(requestId: string): Promise<number>;

  insertStatusToken(token: StatusToken): Promise<void>;
  findStatusToken(hash: string): Promise<StatusToken | null>;
  /** Whether the request's rejection reason was shared with the requester. */
  isReasonShared(requestId: string): Promise<boolean>;
  /** The events (`approve`, `reject`, …) the requester has been emailed about. */
  listRequesterNotices(requestId: string): Promise<string[]>;
  /**
   * Claims the requester's email about `event` before it is sent: false when it was already
   * claimed (sent, or being sent by another run), so two runs never both send it.
   */
  recordRequesterNotice(requestId: string, event: string, at: Date): Promise<boolean>;
  /** Gives back a claim whose email could not be sent, so a retry sends it. */
  releaseRequesterNotice(requestId: string, event: string): Promise<void>;

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
  /** Ends every session of one person (a deleted local admin); returns how many. */
  deleteFor(via: Session['via'], subject: string): Promise<number>;
}

// ---------------------------------------------------------------- sign-in

/** A break-glass local admin (`guestlist admin create`); signs in with a password, always as admin. */
export interface LocalAdmin {
  username: string;
  displayName: string;
  /** The argon2id PHC string ($argon2id$v=19$…); never leaves the server. */
  passwordHash: string;
  createdAt: Date;
  /** Failed sign-ins since the last success or lockout. */
  failedCount: number;
  /** Sign-in refused until then (after too many failures); null when not locked. */
  lockedUntil: Date | null;
}

export interface LocalAdminStore {
  /** Throws ConflictError (`duplicate_local_admin`) when the user name is taken. */
  create(admin: LocalAdmin): Promise<void>;
  find(username: string): Promise<LocalAdmin | null>;
  /** By user name. */
  list(): Promise<LocalAdmin[]>;
  count(): Promise<number>;
  /** Returns whether there was one. */
  delete(username: string): Promise<boolean>;
  /**
   * Counts one failed sign-in (atomically); once `limit` are counted, locks the account
   * until `lockUntil` and starts counting again. Returns the account after the change.
   */
  recordFailure(username: string, limit: number, lockUntil: Date): Promise<LocalAdmin | null>;
  /** Clears the failures and any lock. */
  recordSuccess(username: string): Promise<void>;
}

/** Secrets Guestlist makes for itself and keeps in the database (shared by every process). */
export interface ServerSecretStore {
  /** The secret stored under `name`; stores `candidate` first when there is none (the first process wins). */
  getOrCreate(name: string, candidate: string): Promise<string>;
  /** The value stored under `name`, or null. */
  get(name: string): Promise<string | null>;
}

/** Personal data erasure (README, "Personal data and retention"; adapters/store/erasure.ts). */
export interface PersonalDataStore {
  /** Not yet erased requests that ended without access (domain/personal-data.ts) and last changed before `endedBefore`. */
  listEndedWithoutAccess(endedBefore: Date, limit: number): Promise<AccessRequest[]>;
  /** Every not yet erased request of this (normalized) address, oldest first. */
  listByEmail(email: string): Promise<AccessRequest[]>;
  /**
   * In one transaction, for each request still in the status given: its personal columns
   * replaced, its audit entries' free text replaced by '[erased]', its links, verification
   * records and sandbox mail deleted, an audit entry `personal_data_erased` added (and, when
   * given, one admin audit entry). Returns the ids erased (a request that moved meanwhile is skipped).
   */
  erase(
    requests: ReadonlyArray<{ id: string; status: Status }>,
    erasure: { at: Date; actor: string; why: string; adminAudit?: AdminAuditEntry },
  ): Promise<string[]>;
}

/** Hashes and checks passwords (argon2id). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** What Guestlist learned of a person from a verified ID token. */
export interface IdentityClaims {
  /** `oid`: the person's object id in the tenant (stable across apps, unlike `sub`). */
  objectId: string;
  name: string;
  email: string | null;
  /** The `roles` claim: app role values assigned to the person (or a group they are in). */
  roles: string[];
}

/** What the browser keeps between the redirect to the identity provider and the callback. */
export interface SignInAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Staff sign-in with OpenID Connect (authorization code + PKCE): Entra ID, or the emulator. */
export interface IdentityProvider {
  /** A fresh attempt and the authorize URL to send the browser to. Throws IdentityProviderUnavailableError. */
  begin(): Promise<{ attempt: SignInAttempt; url: URL }>;
  /**
   * Redeems the code in `callback` (the query the browser came back with to the redirect
   * URI) with the attempt's PKCE verifier, checks state, nonce and the ID token; the
   * person's claims. Throws SignInFailedError (the provider said no, or the answer did
   * not check out) or IdentityProviderUnavailableError.
   */
  complete(callback: URLSearchParams, attempt: SignInAttempt): Promise<IdentityClaims>;
  /** Where to send the browser to sign out of Microsoft too, or null when unknown (no discovery, no logout endpoint). */
  signOutUrl(): Promise<URL | null>;
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

/** The queue's shape per job kind, for metrics (adapters/store/queue-stats.ts). */
export interface QueueStats {
  jobsByKind(now: Date): Promise<
    Array<{
      kind: string;
      /** Due and waiting for a worker. */
      due: number;
      /** Leased by a worker now. */
      running: number;
      /** Waiting for their time (retries, follow-ups, expiries). */
      scheduled: number;
      /** When the oldest due job became due; null when none is. */
      oldestDueAt: Date | null;
    }>
  >;
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
  /**
   * Assigns the app role on the resource service principal to the user
   * (`POST /servicePrincipals/{id}/appRoleAssignedTo`); an existing assignment is success.
   */
  assignAppRole(input: { servicePrincipalId: string; appRoleId: string; userId: string }): Promise<void>;
  /**
   * Removes the user from the group (`DELETE /groups/{id}/members/{id}/$ref`). `absent`:
   * Graph answered 404 (not a member, already removed, or a membership or user too new to
   * have replicated yet): the caller decides whether that can be lag (app/remove-access.ts).
   */
  removeFromGroup(groupId: string, userId: string): Promise<'removed' | 'absent'>;
  /** Deletes the user (`DELETE /users/{id}`; restorable for 30 days). `absent`: Graph answered 404. */
  deleteUser(userId: string): Promise<'deleted' | 'absent'>;
}

/** A member of an Entra group, as the approvers of a stage that names the group. */
export interface GroupMember {
  id: string;
  mail: string | null;
  userPrincipalName: string | null;
}

/**
 * The members of the groups that approval stages name: `GET /groups/{id}/transitiveMembers`
 * (members of nested groups too; users only). Throws DirectoryError.
 */
export interface ApproverGroups {
  members(groupId: string): Promise<GroupMember[]>;
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

// ---------------------------------------------------------------- outbound calls

/** What a server answered; its body is never read (nothing it says is shown or logged). */
export interface OutboundAnswer {
  status: number;
  /** The Retry-After header, as sent. */
  retryAfter: string | null;
}

/**
 * POSTs to webhooks and Teams (adapters/outbound/). Resolves with whatever status came back;
 * rejects with an OutboundHttpError (domain/outbound.ts) on a timeout or a network failure.
 * Redirects are not followed: a receiver that moved must be registered again.
 */
export interface OutboundHttp {
  postJson(url: string, body: string): Promise<OutboundAnswer>;
  /** The same, signed as Standard Webhooks says (webhook-id, webhook-timestamp, webhook-signature). */
  postSigned(input: {
    url: string;
    secret: string;
    messageId: string;
    timestamp: Date;
    body: string;
  }): Promise<OutboundAnswer>;
}

/** Where a waiting request is posted in Teams, with what the card shows of its app. */
export interface TeamsTarget {
  webhookUrl: string;
  appName: string;
  answers: ReadonlyArray<{ label: string; value: string }>;
}

/**
 * Which Teams channel, if any, hears of a request that waits for approval. Before the app
 * catalogue: one channel for every request (GUESTLIST_TEAMS_WEBHOOK_URL); with it, the
 * request's app's teamsWebhookUrl and its questions (main.ts builds it).
 */
export interface TeamsChannels {
  targetFor(request: AccessRequest): Promise<TeamsTarget | null>;
}

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A new unique, URL-safe id (UUID). */
  next(): string;
}

/**
 * What the Graph adapter reports for metrics (telemetry/metrics.ts): each call by its
 * templated path (no ids, no addresses) and outcome, and each invitation the throttle gate
 * held back. Optional for the adapter: without it nothing is counted.
 */
export interface GraphMetrics {
  /** `status`: the HTTP status, or `network` / `timeout` when no answer came. */
  graphCall(call: { method: string; endpoint: string; status: string; seconds: number }): void;
  throttleWait(ms: number): void;
}

/** The subset of pino's logger the code uses. Never log a secret: pino redaction covers headers. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
