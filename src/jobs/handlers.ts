// What each kind of job does: the use case it runs, and what giving up means for it.
// A kind that calls the directory says `needsDirectory: true`: while a tenant-wide fault
// pauses provisioning, its jobs wait instead of running (directory-pause.ts).
import { endAccess } from '../app/access-end.ts';
import { type Catalogue, createCatalogue, defaultApp } from '../app/app-catalogue.ts';
import { settingsForRequest } from '../app/app-settings.ts';
import { applyPolicyIfPending, policyFromCatalogue } from '../app/apply-policy.ts';
import { checkRedemption } from '../app/check-redemption.ts';
import { deliverWebhook } from '../app/deliver-webhook.ts';
import { expireUnverified } from '../app/expire-unverified.ts';
import { failRequest } from '../app/fail-request.ts';
import { grantAccess } from '../app/grant-access.ts';
import type { InvitationBranding } from '../app/invitation-email.ts';
import { notifyApprovers } from '../app/notify-approvers.ts';
import { notifyRequester } from '../app/notify-requester.ts';
import { postToTeams, recordTeamsFailure } from '../app/post-to-teams.ts';
import { type ProvisioningSettings, provisionGuest } from '../app/provision-guest.ts';
import { recordMailFailure } from '../app/record-mail-failure.ts';
import { remindExpiry } from '../app/remind-expiry.ts';
import { recordRemovalFailure, removeAccess } from '../app/remove-access.ts';
import { resendInvitationJob } from '../app/resend-invitation.ts';
import { sendInvitation } from '../app/send-invitation.ts';
import { sendVerification, type VerificationSettings } from '../app/send-verification.ts';
import { stageTimeout } from '../app/stage-timeout.ts';
import type {
  ApproverGroups,
  Clock,
  Directory,
  Ids,
  JobKind,
  Logger,
  Mailer,
  OutboundHttp,
  Store,
  TeamsChannels,
} from '../ports.ts';
import type { DirectoryPauseGate } from './directory-pause.ts';
import type { JobHandler } from './worker.ts';

export interface JobDeps {
  store: Store;
  /** Each request's app (app/app-catalogue.ts); the default app alone, from `provisioning`, unless given. */
  catalogue?: Catalogue;
  clock: Clock;
  ids: Ids;
  directory: Directory;
  mailer: Mailer;
  logger: Logger;
  provisioning: ProvisioningSettings;
  branding: InvitationBranding;
  redemptionCheck: { firstMs: number; maxMs: number; expiryMs: number };
  verification: VerificationSettings;
  /** Days before access ends that the requester is reminded (GUESTLIST_EXPIRY_REMINDER_DAYS); 0: never. */
  expiryReminderDays: number;
  /** Holds back the kinds that need the directory while provisioning is paused. */
  directoryPause: DirectoryPauseGate;
  /** Webhook deliveries and Teams posts. */
  http: OutboundHttp;
  /** Which Teams channel hears of a request waiting for approval. */
  teams: TeamsChannels;
  /** Approvers' emails: how long their links work (7 days unless set) and the groups stages name. */
  approvals?: { linkValidForMs: number; approverGroups: ApproverGroups | null };
}

const APPROVAL_LINK_DEFAULT_MS = 7 * 86_400_000;

export function jobHandlers(deps: JobDeps): Record<JobKind, JobHandler> {
  const catalogue =
    deps.catalogue ??
    createCatalogue({
      store: deps.store,
      defaultApp: defaultApp({
        name: deps.branding.appName,
        redirectUrl: deps.provisioning.redirectUrl,
        groupIds: deps.provisioning.groupIds,
      }),
    });
  // Each request is provisioned with its app's redirect URL, groups, app role and duration.
  const provisionDepsFor = async (requestId: string) => ({
    ...deps,
    settings: await settingsForRequest({ ...deps, catalogue }, requestId),
  });
  // The directory refused for good, or every attempt failed: `failed`, reason kept.
  const failProvisioning = (job: { requestId: string }, error: unknown) =>
    failRequest(deps, { id: job.requestId, error });
  const approverDeps = {
    ...deps,
    approverGroups: deps.approvals?.approverGroups ?? null,
    publicUrl: deps.verification.publicUrl,
    linkValidForMs: deps.approvals?.linkValidForMs ?? APPROVAL_LINK_DEFAULT_MS,
  };
  // The request still waits for its approvers in the console; only the email is missing.
  const approverMailGaveUp = async (job: { requestId: string }, error: unknown) =>
    deps.logger.error({ err: error, requestId: job.requestId }, 'could not email the approvers');
  return holdWhilePaused(deps.directoryPause, {
    provision: {
      needsDirectory: true,
      directoryOperations: ['findUsersByEmail', 'verifiedDomains', 'getUser', 'invite'],
      run: async (job, held) => provisionGuest(await provisionDepsFor(job.requestId), job.requestId, held),
      giveUp: failProvisioning,
    },
    grant_access: {
      needsDirectory: true,
      directoryOperations: ['addToGroup', 'assignAppRole'],
      run: async (job, held) => grantAccess(await provisionDepsFor(job.requestId), job.requestId, held),
      giveUp: failProvisioning,
    },
    send_invitation: {
      run: (job, held) =>
        sendInvitation(
          { ...deps, customMessage: deps.provisioning.customMessage, branding: deps.branding },
          job.requestId,
          held,
        ),
      // The person is invited in Entra; only the email is missing. Say so on the request.
      giveUp: (job, error) => recordMailFailure(deps, { id: job.requestId, what: 'The invitation email', error }),
    },
    resend_invitation: {
      needsDirectory: true,
      directoryOperations: ['getUser', 'invite'],
      run: async (job, held) => resendInvitationJob(await provisionDepsFor(job.requestId), job.requestId, held),
      // The request stays invited with its earlier link; the history says the resend failed.
      giveUp: (job, error) => recordMailFailure(deps, { id: job.requestId, what: 'The resent invitation', error }),
    },
    check_redemption: {
      needsDirectory: true,
      directoryOperations: ['getUser'],
      run: async (job) => {
        const again = await checkRedemption(
          {
            ...deps,
            schedule: deps.redemptionCheck,
            expiryMs: deps.redemptionCheck.expiryMs,
            notFoundWindowMs: deps.provisioning.notFoundWindowMs,
            access: (await settingsForRequest({ ...deps, catalogue }, job.requestId)).access,
          },
          job.requestId,
        );
        return again ? { again } : undefined;
      },
      // checkRedemption turns directory errors into "look again later"; only a bug gets here.
      giveUp: async (job, error) =>
        deps.logger.error({ err: error, requestId: job.requestId }, 'redemption check gave up'),
    },
    // After a revoke or an expiry: the group memberships this request granted, and the
    // guest it invited when the revoke asked. The request is final: giving up only says so.
    revoke_access: {
      needsDirectory: true,
      directoryOperations: ['removeFromGroup', 'getUser', 'deleteUser'],
      run: async (job, held) => removeAccess(await provisionDepsFor(job.requestId), job.requestId, job.payload, held),
      giveUp: async (job, error) => recordRemovalFailure(await provisionDepsFor(job.requestId), job.requestId, error),
    },
    // Access granted for a time (the app's duration) ends: expired, and its groups removed.
    // The policy's guarantee after verification (apply-policy.ts policyJob): nothing once decided or staged.
    apply_policy: {
      run: (job) =>
        applyPolicyIfPending(
          { ...deps, policyFor: policyFromCatalogue(catalogue), directory: deps.directory },
          job.requestId,
        ),
      giveUp: async (job, error) =>
        deps.logger.error({ err: error, requestId: job.requestId }, 'could not apply the approval policy'),
    },
    expire_access: {
      run: async (job) => {
        const access = async (appId: string) => (await catalogue.get(appId))?.access ?? { kind: 'never' as const };
        const again = await endAccess({ ...deps, access }, job.requestId);
        return again ? { again } : undefined;
      },
      giveUp: async (job, error) =>
        deps.logger.error({ err: error, requestId: job.requestId }, 'could not end access at its end date'),
    },
    send_verification: {
      // Waiting for the address's next slot is not a failure: `again`, no attempt counted.
      run: async (job, held) => {
        const again = await sendVerification({ ...deps, settings: deps.verification }, job.requestId, held);
        return again ? { again, note: 'Waiting for the next verification email to this address.' } : undefined;
      },
      // The request stays pending_verification; the requester can ask again. Admins see why.
      giveUp: async (job, error) => {
        deps.logger.error({ err: error, requestId: job.requestId }, 'could not send the verification email');
        await recordMailFailure(deps, { id: job.requestId, what: 'The verification email', error });
      },
    },
    expire_verification: {
      run: async (job) => {
        const again = await expireUnverified({ ...deps, validForMs: deps.verification.validForMs }, job.requestId);
        return again ? { again } : undefined;
      },
      giveUp: async (job, error) =>
        deps.logger.error({ err: error, requestId: job.requestId }, 'could not expire an unconfirmed request'),
    },
    notify_requester: {
      run: (job, held) =>
        notifyRequester(
          { ...deps, publicUrl: deps.verification.publicUrl, appUrl: deps.provisioning.redirectUrl },
          job.requestId,
          held,
        ),
      // The request's state is right; only the email to the requester is missing. Admins see why.
      giveUp: (job, error) =>
        recordMailFailure(deps, { id: job.requestId, what: 'The email telling the requester', error }),
    },
    // Never in the way of the decision: the request waits in the console either way.
    post_to_teams: {
      run: (job, held) => postToTeams({ ...deps, publicUrl: deps.verification.publicUrl }, job.requestId, held),
      giveUp: (job, error) => recordTeamsFailure(deps, job.requestId, error),
    },
    // Its own schedule of attempts, kept on the delivery row (deliver-webhook.ts); a thrown
    // error here is a bug or the database, retried by the worker's rules.
    deliver_webhook: {
      run: (job, held) => deliverWebhook(deps, job.payload?.deliveryId, held),
      giveUp: async (job, error) =>
        deps.logger.error({ err: error, jobId: job.id, requestId: job.requestId }, 'webhook delivery gave up'),
    },
    notify_approvers: {
      run: (job, held) =>
        notifyApprovers(approverDeps, { requestId: job.requestId, payload: job.payload, kind: 'stage' }, held),
      giveUp: approverMailGaveUp,
    },
    remind_approvers: {
      run: (job, held) =>
        notifyApprovers(approverDeps, { requestId: job.requestId, payload: job.payload, kind: 'reminder' }, held),
      giveUp: approverMailGaveUp,
    },
    stage_timeout: {
      run: (job) => stageTimeout(deps, { requestId: job.requestId, payload: job.payload }),
      giveUp: async (job, error) =>
        deps.logger.error({ err: error, requestId: job.requestId }, 'could not time out an approval stage'),
    },
    // Waits (`again`) until a few days before access ends, then mails the requester once per end date.
    remind_expiry: {
      run: async (job, held) => {
        const again = await remindExpiry(
          { ...deps, publicUrl: deps.verification.publicUrl, reminderDays: deps.expiryReminderDays },
          job.requestId,
          held,
        );
        return again ? { again, note: 'Waiting to remind the requester before their access ends.' } : undefined;
      },
      giveUp: (job, error) =>
        recordMailFailure(deps, { id: job.requestId, what: 'The reminder that access ends', error }),
    },
  });
}

/** Every handler marked `needsDirectory`, wrapped by the pause's hold; the others as they are. */
export function holdWhilePaused<K extends string>(
  pause: DirectoryPauseGate,
  handlers: Record<K, JobHandler>,
): Record<K, JobHandler> {
  const entries = Object.entries<JobHandler>(handlers).map(([kind, handler]) => [
    kind,
    handler.needsDirectory ? pause.hold(handler) : handler,
  ]);
  return Object.fromEntries(entries) as Record<K, JobHandler>;
}
