// Domain values → the JSON shapes declared in schemas.ts.
import type { Static } from 'typebox';
import type { AccessRequest } from '../../domain/lifecycle.ts';
import type { AuditEntry, ProvisioningProgress, SandboxMessage } from '../../ports.ts';
import type { AccessRequestView, AuditEntryView, ProvisioningView, SandboxMessageView } from './schemas.ts';

/** An app's slug by its id (app-catalogue.ts's appSlugs). */
export type SlugOf = (appId: string) => string;

export function requestView(request: AccessRequest, slugOf: SlugOf): Static<typeof AccessRequestView> {
  return {
    id: request.id,
    email: request.email,
    firstName: request.firstName,
    lastName: request.lastName,
    justification: request.justification,
    app: slugOf(request.appId),
    answers: { ...request.answers },
    accessExpiresAt: request.accessExpiresAt?.toISOString() ?? null,
    status: request.status,
    directoryUserId: request.directoryUserId,
    redeemUrl: request.redeemUrl,
    reason: request.reason,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

export function auditView(entry: AuditEntry): Static<typeof AuditEntryView> {
  return {
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    fromStatus: entry.fromStatus,
    toStatus: entry.toStatus,
    reason: entry.reason,
  };
}

export function messageView(message: Omit<SandboxMessage, 'html'>): Static<typeof SandboxMessageView> {
  return {
    id: message.id,
    source: message.source,
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    links: message.links,
    sentAt: message.sentAt.toISOString(),
  };
}

export function provisioningView(progress: ProvisioningProgress): Static<typeof ProvisioningView> {
  return {
    grantedGroupIds: progress.grantedGroupIds,
    invitationEmailsSent: progress.invitationEmailsSent,
    matchCandidates:
      progress.matchCandidates?.map(({ user, matchedBy }) => ({
        userId: user.id,
        displayName: user.displayName,
        mail: user.mail,
        userType: user.userType,
        accountEnabled: user.accountEnabled,
        externalUserState: user.externalUserState,
        matchedBy,
      })) ?? null,
    mailError: progress.mailError,
  };
}
