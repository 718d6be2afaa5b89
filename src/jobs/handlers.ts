// What each kind of job does: the use case it runs, and what giving up means for it.
// A kind that calls the directory says `needsDirectory: true`: while a tenant-wide fault
// pauses provisioning, its jobs wait instead of running (directory-pause.ts).
import type { Catalogue } from '../app/app-catalogue.ts';
import { checkRedemption } from '../app/check-redemption.ts';
import { expireUnverified } from '../app/expire-unverified.ts';
import { failRequest } from '../app/fail-request.ts';
import { grantAccess } from '../app/grant-access.ts';
import type { InvitationBranding } from '../app/invitation-email.ts';
import { notifyRequester } from '../app/notify-requester.ts';
import { type ProvisioningSettings, provisionGuest } from '../app/provision-guest.ts';
import { recordMailFailure } from '../app/record-mail-failure.ts';
import { remindExpiry } from '../app/remind-expiry.ts';
import { recordRemovalFailure, removeAccess } from '../app/remove-access.ts';
import { resendInvitationJob } from '../app/resend-invitation.ts';
import { sendInvitation } from '../app/send-invitation.ts';
import { sendVerification, type VerificationSettings } from '../app/send-verification.ts';
import type { Clock, Directory, Ids, JobKind, Logger, Mailer, Store } from '../ports.ts';
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
}

export function jobHandlers(deps: JobDeps): Record<JobKind, JobHandler> {
  const provisionDeps = { ...deps, settings: deps.provisioning };
  // The directory refused for good, or every attempt failed: `failed`, reason kept.
  const failProvisioning = (job: { requestId: string }, error: unknown) =>
    failRequest(deps, { id: job.requestId, error });
  return holdWhilePaused(deps.directoryPause, {
    provision: {
      needsDirectory: true,
      directoryOperations: ['findUsersByEmail', 'verifiedDomains', 'getUser', 'invite'],
      run: (job, held) => provisionGuest(provisionDeps, job.requestId, held),
      giveUp: failProvisioning,
    },
    grant_access: {
      needsDirectory: true,
      directoryOperations: ['addToGroup'],
      run: (job, held) => grantAccess(provisionDeps, job.requestId, held),
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
      run: (job, held) => resendInvitationJob(provisionDeps, job.requestId, held),
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
      run: (job, held) => removeAccess(provisionDeps, job.requestId, job.payload, held),
      giveUp: (job, error) => recordRemovalFailure(provisionDeps, job.requestId, error),
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
