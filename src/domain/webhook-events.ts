// The events Guestlist sends to registered webhooks: which lifecycle moves emit which event,
// and what an event says. One table, read by app/change-status.ts (and submit-request.ts for
// a request that starts verified), so no use case can forget to emit one.
//
// What an event carries is what an integrator needs to act on the request and nothing more:
// the request's id, state and app, the person's address and name, and the directory user once known.
// Never the justification, the answers, a rejection reason (written for staff), the redeem
// URL (it signs a guest in) or any secret.
import type { AccessRequest, EventType, Status } from './lifecycle.ts';

export const WEBHOOK_EVENT_TYPES = [
  'request.submitted',
  'request.approved',
  'request.rejected',
  'guest.invited',
  'guest.redeemed',
  'request.failed',
  'access.expired',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** What each event means, for the console's form and the README. */
export const WEBHOOK_EVENT_LABELS: Readonly<Record<WebhookEventType, string>> = {
  'request.submitted': 'A request with a confirmed address waits for a decision',
  'request.approved': 'A request was approved',
  'request.rejected': 'A request was rejected',
  'guest.invited': 'The guest was invited in Entra ID',
  'guest.redeemed': 'The guest holds the access (redeemed, or already had an account)',
  'request.failed': 'Provisioning failed and needs an admin',
  'access.expired': 'A request or its access expired',
};

/**
 * The webhook event a lifecycle move emits, or null. `submitted` is the arrival in
 * pending_approval (a confirmed address), not the unconfirmed submission: anyone can type
 * anyone's address into the form, and integrators should hear only of real requests. For
 * the same reason an unconfirmed request that expires emits nothing.
 */
export function webhookEventFor(event: EventType | 'submit', from: Status | null, to: Status): WebhookEventType | null {
  switch (event) {
    case 'verify':
      return 'request.submitted';
    case 'submit':
      return to === 'pending_approval' ? 'request.submitted' : null;
    case 'approve':
      return 'request.approved';
    case 'reject':
      return 'request.rejected';
    case 'invite':
      return 'guest.invited';
    case 'activate':
      return 'guest.redeemed';
    case 'fail':
      return 'request.failed';
    case 'expire':
      return from === 'pending_verification' ? null : 'access.expired';
    default:
      return null;
  }
}

/** The request as an event shows it. */
export interface WebhookRequestView {
  id: string;
  status: Status;
  /** The state it left with this event. */
  previousStatus: Status | null;
  /** The app asked for (`default` for the app configured by environment variables). */
  appId: string;
  email: string;
  firstName: string;
  lastName: string;
  /** The Entra object id of the guest, once provisioning found or invited them. */
  directoryUserId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The JSON body of a delivery, exactly as signed. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  data: { request: WebhookRequestView };
}

export function webhookEvent(input: {
  id: string;
  type: WebhookEventType;
  request: AccessRequest;
  previousStatus: Status | null;
  at: Date;
}): WebhookEvent {
  const { request } = input;
  return {
    id: input.id,
    type: input.type,
    occurredAt: input.at.toISOString(),
    data: {
      request: {
        id: request.id,
        status: request.status,
        previousStatus: input.previousStatus,
        appId: request.appId,
        email: request.email,
        firstName: request.firstName,
        lastName: request.lastName,
        directoryUserId: request.directoryUserId,
        createdAt: request.createdAt.toISOString(),
        updatedAt: request.updatedAt.toISOString(),
      },
    },
  };
}

/**
 * When each attempt after the first is made, counted from the previous one (the Standard
 * Webhooks schedule: 8 attempts over about a day). The receiver may be down for hours, and
 * an integrator learns of an event late rather than never.
 */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;
