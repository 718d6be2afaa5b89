// The requester's private status page, opened from the link in their emails: where the
// request stands, in a view that holds nothing meant for admins only (the rejection reason
// only when the approver shared it; the redeem link only while the invitation is open).
import { AppError } from '../domain/errors.ts';
import { type AccessRequest, canTransition, type Status } from '../domain/lifecycle.ts';
import type { Clock, Store } from '../ports.ts';
import type { Catalogue } from './app-catalogue.ts';
import type { InvitationBranding } from './invitation-email.ts';
import { hashToken } from './secret-tokens.ts';

export class InvalidStatusLinkError extends AppError {
  constructor() {
    super(
      'status_link_invalid',
      'This link to a request is not valid or has expired. The newest email about your request has a working one.',
      { status: 404 },
    );
  }
}

/**
 * Where the request stands, in the requester's terms: `verification` (waiting for the
 * address to be confirmed), `approval` (waiting for a decision), `approved` (being set up),
 * `invited` (look for the invitation email), `active`, `rejected`, `failed` (the
 * organization has been told), `expired`, `withdrawn`, `revoked`.
 */
export type RequesterStage =
  | 'verification'
  | 'approval'
  | 'approved'
  | 'invited'
  | 'active'
  | 'rejected'
  | 'failed'
  | 'expired'
  | 'withdrawn'
  | 'revoked';

const STAGES: Record<Status, RequesterStage> = {
  pending_verification: 'verification',
  pending_approval: 'approval',
  approved: 'approved',
  provisioning: 'approved',
  needs_confirmation: 'approved',
  invited: 'invited',
  active: 'active',
  rejected: 'rejected',
  failed: 'failed',
  expired: 'expired',
  revoked: 'revoked',
  withdrawn: 'withdrawn',
};

export interface RequestStatusView {
  id: string;
  status: Status;
  stage: RequesterStage;
  firstName: string;
  lastName: string;
  email: string;
  /** The request's app (its catalogue name; the configured name without a catalogue). */
  appName: string;
  /** Where the request's app is opened (its redirect URL); null without a catalogue. */
  appUrl: string | null;
  organizationName: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The rejection reason, only when the approver chose to share it. */
  sharedReason: string | null;
  /** The invitation's redeem link, only while `invited`. */
  redeemUrl: string | null;
  /** True while the requester may still withdraw (withdrawByRequester). */
  canWithdraw: boolean;
}

export interface RequestStatusDeps {
  store: Store;
  clock: Clock;
  branding: InvitationBranding;
  /** Names the request's own app; without it, the configured default name. */
  catalogue?: Pick<Catalogue, 'get'> | undefined;
}

export async function readRequestStatus(deps: RequestStatusDeps, input: { token: string }): Promise<RequestStatusView> {
  const request = await requestForStatusLink(deps, input.token);
  const shared = request.status === 'rejected' && (await deps.store.isReasonShared(request.id));
  const app = deps.catalogue ? await deps.catalogue.get(request.appId) : null;
  const branding = app ? { ...deps.branding, appName: app.name } : deps.branding;
  return statusView(request, branding, shared, app?.redirectUrl ?? null);
}

/** The request a status link opens, or InvalidStatusLinkError (unknown, garbage, expired). */
export async function requestForStatusLink(
  deps: { store: Store; clock: Clock },
  token: string,
): Promise<AccessRequest> {
  const found =
    typeof token === 'string' && token.length > 0 ? await deps.store.findStatusToken(hashToken(token)) : null;
  if (!found || found.expiresAt.getTime() <= deps.clock.now().getTime()) throw new InvalidStatusLinkError();
  const request = await deps.store.getRequest(found.requestId);
  if (!request) throw new InvalidStatusLinkError();
  return request;
}

export function statusView(
  request: AccessRequest,
  branding: InvitationBranding,
  reasonShared: boolean,
  appUrl: string | null = null,
): RequestStatusView {
  return {
    id: request.id,
    status: request.status,
    stage: STAGES[request.status],
    firstName: request.firstName,
    lastName: request.lastName,
    email: request.email,
    appName: branding.appName,
    appUrl,
    organizationName: branding.organizationName,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    sharedReason: request.status === 'rejected' && reasonShared ? request.reason : null,
    redeemUrl: request.status === 'invited' ? request.redeemUrl : null,
    canWithdraw: canTransition(request.status, 'withdraw'),
  };
}
