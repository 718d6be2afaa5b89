// The access request lifecycle: one state machine, one function that moves it.
// Nothing else in the code base computes a new `status` (ARCHITECTURE.md, "The flow").
// Callers persist the returned request with a conditional update on the *previous*
// status, so two actors racing on the same request produce one decision.
import type { Answers } from './apps.ts';
import { InvalidTransitionError } from './errors.ts';

export const STATUSES = [
  'pending_verification',
  'pending_approval',
  'approved',
  'provisioning',
  'needs_confirmation',
  'invited',
  'active',
  'rejected',
  'failed',
  'expired',
  'revoked',
  'withdrawn',
] as const;
export type Status = (typeof STATUSES)[number];

/** States from which nothing moves on by itself; a new request may be filed. */
export const FINAL_STATUSES: readonly Status[] = ['rejected', 'expired', 'revoked', 'withdrawn'];

/**
 * Open: still the address's request, so another one for the address is a duplicate. The
 * one meaning everywhere (the store's open-request query, verification, submission).
 * `failed` is open: an admin can retry it, and the organization has been told.
 */
export function isOpen(status: Status): boolean {
  return !FINAL_STATUSES.includes(status);
}

export interface AccessRequest {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** Why the requester needs access, in their words (optional; shown to approvers). */
  justification: string | null;
  /** The app asked for (domain/apps.ts); DEFAULT_APP_ID for requests made before the catalogue. */
  appId: string;
  /** The answers to the app's questions, by question id ({} when it asked none). */
  answers: Answers;
  /** When the access ends: set when the request becomes active; null for access without end. */
  accessExpiresAt: Date | null;
  status: Status;
  /** Entra object id of the guest (or existing user), once known. */
  directoryUserId: string | null;
  /** The last redeem URL Graph gave us; only meaningful while `invited`. */
  redeemUrl: string | null;
  /** Why the request is `failed` / `rejected`, shown to admins. */
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type LifecycleEvent =
  | { type: 'verify' }
  | { type: 'approve'; comment?: string }
  | { type: 'reject'; reason: string }
  | { type: 'start_provisioning' }
  | { type: 'ask_confirmation'; reason: string }
  | { type: 'confirm_match' }
  | { type: 'invite'; directoryUserId: string; redeemUrl: string | null }
  | { type: 'activate'; directoryUserId?: string }
  | { type: 'fail'; reason: string }
  | { type: 'retry' }
  | { type: 'expire'; reason?: string }
  | { type: 'revoke'; reason?: string }
  | { type: 'withdraw' };
export type EventType = LifecycleEvent['type'];

/** Which states each event may leave from, and where it goes. The whole machine. */
export const TRANSITIONS: { readonly [E in EventType]: { from: readonly Status[]; to: Status } } = {
  verify: { from: ['pending_verification'], to: 'pending_approval' },
  approve: { from: ['pending_approval'], to: 'approved' },
  reject: { from: ['pending_approval'], to: 'rejected' },
  start_provisioning: { from: ['approved'], to: 'provisioning' },
  // The lookup was not conclusive (domain/directory-match.ts): an admin says who it is.
  ask_confirmation: { from: ['provisioning'], to: 'needs_confirmation' },
  confirm_match: { from: ['needs_confirmation'], to: 'approved' },
  invite: { from: ['provisioning'], to: 'invited' },
  activate: { from: ['provisioning', 'invited'], to: 'active' },
  fail: { from: ['approved', 'provisioning'], to: 'failed' },
  retry: { from: ['failed'], to: 'approved' },
  expire: { from: ['pending_verification', 'pending_approval', 'invited', 'active'], to: 'expired' },
  revoke: { from: ['approved', 'needs_confirmation', 'invited', 'active', 'failed'], to: 'revoked' },
  withdraw: { from: ['pending_verification', 'pending_approval'], to: 'withdrawn' },
};

export function canTransition(status: Status, event: EventType): boolean {
  return TRANSITIONS[event].from.includes(status);
}

/** Returns the request after `event`, or throws InvalidTransitionError. Pure. */
export function transition(request: AccessRequest, event: LifecycleEvent, now: Date): AccessRequest {
  const rule = TRANSITIONS[event.type];
  if (!rule.from.includes(request.status)) {
    throw new InvalidTransitionError(request.status, event.type);
  }
  const next: AccessRequest = { ...request, status: rule.to, updatedAt: now };
  switch (event.type) {
    case 'reject':
    case 'fail':
    case 'ask_confirmation':
      next.reason = event.reason;
      break;
    case 'expire':
    case 'revoke':
      next.reason = event.reason ?? null;
      break;
    case 'retry':
    case 'approve':
    case 'confirm_match':
      next.reason = null;
      break;
    case 'invite':
      next.directoryUserId = event.directoryUserId;
      next.redeemUrl = event.redeemUrl;
      break;
    case 'activate':
      if (event.directoryUserId) next.directoryUserId = event.directoryUserId;
      break;
  }
  return next;
}
