// The business-event log: one line per committed lifecycle move, written in ONE place, the
// Store, rather than in every use case. Every status change is committed by
// Store.insertRequest (a submission) or Store.saveTransition (every other move, through
// app/change-status.ts), each with its audit entry; this decorator reads that entry AFTER
// the commit returns, so a line never reports a move that rolled back or lost a race, and
// a use case added tomorrow is logged without a line of its own.
//
// What a line holds (README.md, "Logs and metrics"): the event, the access request's id,
// the states it left and entered, and who moved it — the audit actor up to its first space
// (`entra:<oid>`, `local:<user>`, `token:<name>`, `worker`…), never the display name that
// follows; the context adds the HTTP request's reqId or the job's jobId (log-context.ts).
// No address, name or free-text reason at info: they are personal data, and they stay in
// the audit trail, behind the console's sign-in. A `failed` line adds Graph's error code,
// HTTP status and request-id (what Microsoft support asks for), from the error the job gave
// up with.
import { DirectoryError } from '../domain/directory-error.ts';
import type { AuditEntry, Logger, Store } from '../ports.ts';
import { currentLogContext } from './log-context.ts';
import type { Metrics } from './metrics.ts';
import { noMetrics } from './no-metrics.ts';

/** The audit action → the event's name in logs and metrics. Unknown actions keep their own name. */
const EVENT_NAMES: Readonly<Record<string, string>> = {
  submit: 'submitted',
  verify: 'verified',
  approve: 'approved',
  reject: 'rejected',
  start_provisioning: 'provisioning',
  ask_confirmation: 'needs_confirmation',
  confirm_match: 'match_confirmed',
  invite: 'invited',
  fail: 'failed',
  retry: 'retried',
  expire: 'expired',
  revoke: 'revoked',
  withdraw: 'withdrawn',
};

/** Moves logged at debug: the worker picking a request up is followed at once by its outcome. */
const DEBUG_EVENTS = new Set(['provisioning']);

export function eventName(audit: Pick<AuditEntry, 'action' | 'fromStatus'>): string {
  // `activate` from `invited` is the guest redeeming; from `provisioning`, someone who
  // already had access (a member, a guest who had redeemed) or an activation without one.
  if (audit.action === 'activate') return audit.fromStatus === 'invited' ? 'redeemed' : 'activated';
  return EVENT_NAMES[audit.action] ?? audit.action;
}

/** The audit actor without the display name that follows its id (`entra:<oid> Ada Lovelace` → `entra:<oid>`). */
export function loggedActor(actor: string): string {
  return actor.split(' ')[0] ?? actor;
}

export function observeRequestEvents(store: Store, deps: { logger: Logger; metrics: Metrics }): Store {
  const { logger, metrics } = deps;

  async function report(audit: AuditEntry): Promise<void> {
    try {
      const event = eventName(audit);
      const line: Record<string, unknown> = {
        event,
        requestId: audit.requestId,
        from: audit.fromStatus,
        to: audit.toStatus,
        actor: loggedActor(audit.actor),
      };
      const gaveUpWith = currentLogContext()?.gaveUpWith;
      if (event === 'failed' && gaveUpWith instanceof DirectoryError) {
        line.graphCode = gaveUpWith.graphCode;
        line.httpStatus = gaveUpWith.httpStatus;
        line.graphRequestId = gaveUpWith.requestId;
      }
      if (DEBUG_EVENTS.has(event)) logger.debug(line, `request ${event}`);
      else logger.info(line, `request ${event}`);
      metrics.requestEvent(event);
      // One more read per invitation, only when something scrapes the histogram.
      if (event === 'invited' && metrics !== noMetrics) await timeSinceApproval(audit);
    } catch (error) {
      // The move is committed; reporting it must never turn it into an error.
      logger.warn({ err: error, requestId: audit.requestId }, 'could not report a request event');
    }
  }

  /** The approve→invited latency: from the latest move into `approved` (approval, retry, confirmed match). */
  async function timeSinceApproval(invited: AuditEntry): Promise<void> {
    const trail = await store.listAudit(invited.requestId);
    const approved = trail.filter((entry) => entry.toStatus === 'approved' && entry.at <= invited.at).at(-1);
    if (approved) metrics.approveToInvited((invited.at.getTime() - approved.at.getTime()) / 1000);
  }

  return {
    ...store,
    async insertRequest(request, audit, jobs) {
      await store.insertRequest(request, audit, jobs);
      await report(audit);
    },
    async saveTransition(input) {
      const saved = await store.saveTransition(input);
      if (saved) await report(input.audit);
      return saved;
    },
  };
}
