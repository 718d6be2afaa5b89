// Provisioning, step 1 of 3: find the person in Entra ID or invite them, and record who
// they are. The later steps are their own jobs (grant-access.ts, send-invitation.ts), so a
// failed group grant retries the grant, never the invitation. Runs after commit, in the
// worker, and may run more than once (a crash, a timeout, a lost answer): every path is
// safe to repeat, and a user once recorded for this request is never invited again (only
// an admin's resend does that).
//
// Exactly one invitation email per request (invariant 3):
// - `guestlist` mode: Graph is called with sendInvitationMessage: false, so repeating
//   POST /invitations mails nobody; Guestlist mails once, from a job (send-invitation.ts).
// - `microsoft` mode: Graph mails. A retry after an unknown outcome invites with
//   sendInvitationMessage: false and reads the guest's createdDateTime: created after the
//   lost call started means that call created (and so mailed) them; otherwise it asks
//   Graph for the email once more.
//
// The time of each POST is recorded before it. In `microsoft` mode a run that finds such a
// time but no guest (the answer was lost, or the worker died) looks the person up again
// for UNKNOWN_OUTCOME_GRACE_MS first, since Entra may not show a guest created seconds
// ago. In `guestlist` mode it posts again at once: the redeem URL is only in POST's
// answer, so a lost answer costs one silent POST whatever the lookup shows.
import { WORKER } from '../domain/actor.ts';
import { DirectoryError } from '../domain/directory-error.ts';
import { emailDomain, INVITE_AS_NEW_GUEST, judgeMatches, redemptionState } from '../domain/directory-match.ts';
import { ConflictError, InvalidTransitionError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import { displayName } from '../domain/person.ts';
import { lagBackoffMs, notFoundAsLag, ReplicationLagError } from '../domain/replication-lag.ts';
import type { Directory, DirectoryUser, Invitation, Logger, ProvisioningProgress } from '../ports.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import type { ProvisioningSettings } from './provision-settings.ts';

export type { ProvisioningSettings } from './provision-settings.ts';

export interface ProvisionDeps extends ChangeStatusDeps {
  directory: Directory;
  settings: ProvisioningSettings;
  logger: Logger;
}

/**
 * `microsoft` mode: after a mailing POST /invitations whose outcome is unknown, look the
 * person up this long before posting again: most guests replicate within it (no clocks
 * compared then), and it keeps a slow call that created the guest at the end of Graph's
 * 30 s timeout well apart from our next POST.
 */
export const UNKNOWN_OUTCOME_GRACE_MS = 300_000;
/** How long a request waits before trying again while another one for the address provisions. */
export const WAIT_FOR_OTHER_PROVISIONING_MS = 15_000;
/** Clock skew tolerated between this server and Entra when comparing createdDateTime. */
const CREATED_MARGIN_MS = 150_000;

/**
 * @param held aborted by the job runner when this run may no longer hold its job (its
 *   lease could not be renewed): the run must not start another invitation then.
 */
export async function provisionGuest(
  deps: ProvisionDeps,
  requestId: string,
  held?: AbortSignal,
): Promise<{ again: Date; note: string } | undefined> {
  try {
    await provision(deps, requestId, held);
    return undefined;
  } catch (error) {
    // The person has another request (for another app) being provisioned: two runs at
    // once could both find nobody and both invite (invariant 3), so the database lets one
    // request per address be `provisioning` (migrations/0013). This one stays `approved`
    // and its job tries again shortly; no attempt is counted, nothing fails.
    if (error instanceof ConflictError && error.code === 'provisioning_in_progress') {
      return {
        again: new Date(deps.clock.now().getTime() + WAIT_FOR_OTHER_PROVISIONING_MS),
        note: 'Waiting: another request for this address is being provisioned.',
      };
    }
    // Another run moved the request first (an admin revoked it, or a run that outlived
    // its lease finished): this run is stale, and failing the request would be wrong.
    if (error instanceof InvalidTransitionError) {
      deps.logger.warn({ requestId, err: error }, 'provisioning found the request moved on; stopping');
      return;
    }
    throw error;
  }
}

async function provision(deps: ProvisionDeps, requestId: string, held: AbortSignal | undefined): Promise<void> {
  // Graph throttled invitations a moment ago: wait it out before any lookup or write that
  // would only lead to an invitation held back (the same 429, so no attempt is counted).
  const heldForMs = deps.directory.invitationsHeldForMs();
  if (heldForMs > 0) {
    throw new DirectoryError({
      message: `Graph throttled invitations; waiting ${Math.ceil(heldForMs / 1000)} s before looking the person up.`,
      transient: true,
      graphCode: 'TooManyRequests',
      httpStatus: 429,
      retryAfterMs: heldForMs,
    });
  }
  let request = await deps.store.getRequest(requestId);
  if (request?.status === 'approved') {
    request = await changeStatus(deps, { request, event: { type: 'start_provisioning' }, actor: WORKER });
  }
  // Anything else means the job is stale (revoked meanwhile, or an earlier run finished).
  if (request?.status !== 'provisioning') return;
  // The progress first, then the request again: a concurrent run of this job records the
  // user and clears the POST marks in one transaction, so marks read as cleared come with
  // the recorded user, never with a request read before it (which would post again).
  const progress = await deps.store.getProgress(request.id);
  request = await deps.store.getRequest(requestId);
  if (request?.status !== 'provisioning') return;
  if (request.directoryUserId) {
    // Found or invited by an earlier run: never invite again, go (back) to the grants. This
    // is an admin's retry after a later step failed, or this job run twice; a second grant
    // job is harmless (grants are recorded, and the next transition happens once). A row
    // from before provisioning was split into steps has no progress: it was invited, and
    // Microsoft mailed it (the old default), so Guestlist does not mail it again.
    const legacy = progress.directoryUserState === null;
    const state = progress.directoryUserState ?? 'pending';
    await recordUser(deps, request, request.directoryUserId, request.redeemUrl, state, legacy ? 1 : undefined);
    return;
  }

  const found = await findPerson(deps, request, progress);
  if (found === 'asked') return;
  if (found && redemptionState(found) !== 'pending') {
    // A member, or a guest who has redeemed: nothing to invite, only the grants to make.
    await recordUser(deps, request, found.id, null, redemptionState(found));
    return;
  }
  const lostAt = progress.mailingInvitationPostedAt;
  if (deps.settings.invitationEmail === 'microsoft' && !found && lostAt) {
    // An earlier mailing POST may have created the guest, and Entra may not show them yet.
    const waited = deps.clock.now().getTime() - lostAt.getTime();
    if (waited < UNKNOWN_OUTCOME_GRACE_MS) {
      throw new ReplicationLagError({
        message: `An earlier invitation's outcome is unknown and the lookup does not show the guest yet (${Math.round(waited / 1000)} s); looking again before inviting.`,
        transient: true,
        graphCode: 'unknown_outcome',
        retryAfterMs: lagBackoffMs(waited),
      });
    }
  }
  held?.throwIfAborted();
  // A user who does not hold the address as `mail` (found by proxyAddresses or UPN, or
  // confirmed by an admin) is re-invited by id: the address may lead the invitation service
  // elsewhere. By id means resetRedemption, safe here: we only re-invite pending users.
  const confirmed = found && !holdsAsMail(found, request.email) ? found.id : undefined;
  const invitation =
    deps.settings.invitationEmail === 'guestlist'
      ? await post(deps, request, false, confirmed)
      : await inviteAskingMicrosoft(deps, request, progress, found, confirmed, held);
  checkInvitedUser(invitation.userId, found, progress);
  const uncertain = 'uncertain' in invitation && invitation.uncertain === true;
  // Whether this request's invitation created the user (the only user a revoke may delete):
  // the lookup found nobody, or (`microsoft` mode) it finds someone the lookup before the
  // lost mailing POST did not, whom that POST created; or the user found was created (on
  // Entra's clock) after an earlier POST of this request started, whose answer was lost.
  const earlierPost = progress.invitationPostedAt;
  const created =
    !found ||
    (lostAt !== null &&
      deps.settings.invitationEmail === 'microsoft' &&
      progress.mailingInvitationUserId !== found.id) ||
    (earlierPost !== null && found.createdAt !== null && found.createdAt.getTime() >= earlierPost.getTime());
  await recordUser(deps, request, invitation.userId, invitation.redeemUrl, 'pending', undefined, uncertain, created);
}

/**
 * POST /invitations names an address, not a user: Graph answers with whichever user holds
 * it. After an admin's choice (or a single match) that must be the user chosen, and never
 * one the admin declined; otherwise stop, rather than grant someone else.
 */
function checkInvitedUser(userId: string, found: DirectoryUser | null, progress: ProvisioningProgress): void {
  const declined = (progress.matchCandidates ?? []).map((match) => match.user.id).filter((id) => id !== found?.id);
  const wrong = found ? userId !== found.id : declined.includes(userId);
  if (!wrong) return;
  throw new DirectoryError({
    message: found
      ? `Microsoft Graph's invitation for this address returned user ${userId}, not the user ${found.id} this request is for (another user holds the address). Give the address to one user only, or choose that user, then retry.`
      : `Microsoft Graph's invitation for this address returned user ${userId}, whom an admin declined for this request (they hold the address). Remove the address from that user, then retry.`,
    transient: false,
    graphCode: 'unexpected_user',
  });
}

/** The user to provision, null to invite the address, or 'asked' when an admin must say who it is. */
async function findPerson(
  deps: ProvisionDeps,
  request: AccessRequest,
  progress: ProvisioningProgress,
): Promise<DirectoryUser | null | 'asked'> {
  if (progress.confirmedMatch === INVITE_AS_NEW_GUEST) return null;
  if (progress.confirmedMatch) {
    const user = await deps.directory.getUser(progress.confirmedMatch);
    if (user) return user;
    // Forget the choice, so that an admin's retry looks the person up (and asks) again.
    await deps.store.recordProgress({
      requestId: request.id,
      expectedStatus: ['provisioning'],
      at: deps.clock.now(),
      progress: { confirmedMatch: null, matchCandidates: null },
    });
    throw new DirectoryError({
      message: `The directory user an admin confirmed (${progress.confirmedMatch}) no longer exists; retry to look the person up again.`,
      transient: false,
      graphCode: 'Request_ResourceNotFound',
      httpStatus: 404,
    });
  }
  const matches = await deps.directory.findUsersByEmail(request.email);
  const verdict = judgeMatches(matches);
  if (verdict.kind === 'found') return verdict.user;
  if (verdict.kind === 'confirm') {
    const recorded = await deps.store.recordProgress({
      requestId: request.id,
      expectedStatus: ['provisioning'],
      at: deps.clock.now(),
      progress: { matchCandidates: matches },
    });
    if (recorded) {
      await changeStatus(deps, {
        request,
        event: { type: 'ask_confirmation', reason: verdict.reason },
        actor: WORKER,
      });
    }
    return 'asked';
  }
  const domain = emailDomain(request.email);
  if ((await deps.directory.verifiedDomains())?.names.includes(domain)) {
    // Graph refuses to invite an address of the tenant's own domains (invitation-post.md):
    // such a person is a member-to-be, not a guest.
    throw new DirectoryError({
      message: `${request.email} is on ${domain}, a verified domain of this tenant, and no user holds it: people on your own domains are members, never invited as guests. Create the member account, then retry this request.`,
      transient: false,
      graphCode: 'verified_domain',
    });
  }
  return null;
}

/**
 * `microsoft` mode. The first POST asks Graph for the email, recording when it went and
 * whether the lookup had found the person then. A later run gets here only when that
 * POST's outcome is unknown (a success would have recorded the user), after
 * UNKNOWN_OUTCOME_GRACE_MS of lookups:
 *   - the lookup now finds a guest it did not find before the lost call: that call created
 *     — and so mailed — them. No clocks compared.
 *   - still nobody: a silent POST returns the user's id, and their createdDateTime (Entra's
 *     clock) decides: created well before that silent POST (by more than CREATED_MARGIN_MS,
 *     or half the time since the lost call) means the lost call created them. This
 *     tolerates clock skew up to that margin.
 *   - the person existed before the lost call: nothing says whether it mailed them; Graph is
 *     asked again (README: the residual of this mode).
 */
async function inviteAskingMicrosoft(
  deps: ProvisionDeps,
  request: AccessRequest,
  progress: ProvisioningProgress,
  found: DirectoryUser | null,
  userId: string | undefined,
  held: AbortSignal | undefined,
): Promise<{ userId: string; redeemUrl: string | null; uncertain?: boolean }> {
  const lostAt = progress.mailingInvitationPostedAt;
  // The person found now (if any) existed before this POST: recorded with its mark.
  if (!lostAt) return post(deps, request, true, userId, found?.id);
  if (found) {
    const existedBefore = progress.mailingInvitationUserId === found.id;
    if (!existedBefore) return createdByLostCall(deps, request, found.id, null);
    // Nothing tells whether the lost call mailed a guest who already existed. Asking again
    // could mail twice; this mode mails at most once and says so on the request instead.
    return { userId: found.id, redeemUrl: null, uncertain: true };
  }
  // A silent POST made after the lost one (by this run or an earlier one) created the
  // guest if the lost call did not; its time separates the two.
  let silentAt =
    progress.invitationPostedAt && progress.invitationPostedAt > lostAt ? progress.invitationPostedAt : null;
  const before = deps.clock.now();
  const silent = silentAt
    ? await deps.directory.invite(inviteInput(deps, request, false, undefined))
    : await post(deps, request, false, undefined);
  silentAt ??= before;
  const lag = (error: unknown) =>
    notFoundAsLag(error, {
      since: silentAt,
      now: deps.clock.now(),
      windowMs: deps.settings.notFoundWindowMs,
      what: "Reading the guest's createdDateTime to tell whether Microsoft mailed them",
    });
  let user: DirectoryUser | null;
  try {
    user = await deps.directory.getUser(silent.userId);
  } catch (error) {
    throw lag(error);
  }
  if (!user) throw lag(notFound(silent.userId));
  const created = user.createdAt?.getTime() ?? null;
  const margin = Math.min(CREATED_MARGIN_MS, (silentAt.getTime() - lostAt.getTime()) / 2);
  if (created !== null && created < silentAt.getTime() - margin) {
    return createdByLostCall(deps, request, silent.userId, silent.redeemUrl);
  }
  held?.throwIfAborted(); // the silent POST and the read may have taken a while
  // The guest exists now (our silent POST made them): if this POST's answer is lost too,
  // the next run must not take them for the lost call's creation (README: the residual).
  return post(deps, request, true, undefined, silent.userId);
}

function createdByLostCall(deps: ProvisionDeps, request: AccessRequest, userId: string, redeemUrl: string | null) {
  deps.logger.info({ requestId: request.id }, 'the lost invitation created the guest, so Microsoft mailed them');
  return { userId, redeemUrl }; // Microsoft mailed the link: no URL needed
}

function holdsAsMail(user: DirectoryUser, email: string): boolean {
  return user.mail?.toLowerCase() === email.toLowerCase();
}

function notFound(userId: string): DirectoryError {
  return new DirectoryError({
    message: `User ${userId} was not found.`,
    transient: false,
    graphCode: 'Request_ResourceNotFound',
    httpStatus: 404,
  });
}

/**
 * One POST /invitations, its start recorded first (durable before the call, so a retry
 * after a lost answer or a crash knows a call may have acted, and when). An answer that
 * says the call did nothing (429, a refusal) clears the record again.
 */
async function post(
  deps: ProvisionDeps,
  request: AccessRequest,
  mailing: boolean,
  userId: string | undefined,
  /** A user known to exist before this POST (created by our own silent POST), if not `userId`. */
  existing?: string,
): Promise<Invitation> {
  const at = deps.clock.now();
  const before = userId ?? existing ?? null;
  await markPosted(
    deps,
    request,
    mailing
      ? { invitationPostedAt: at, mailingInvitationPostedAt: at, mailingInvitationUserId: before }
      : { invitationPostedAt: at },
  );
  try {
    return await deps.directory.invite(inviteInput(deps, request, mailing, userId));
  } catch (error) {
    const noEffect = error instanceof DirectoryError && (error.httpStatus === 429 || !error.transient);
    if (noEffect) {
      await markPosted(
        deps,
        request,
        mailing ? { invitationPostedAt: null, mailingInvitationPostedAt: null } : { invitationPostedAt: null },
      );
    }
    throw error;
  }
}

async function markPosted(
  deps: ProvisionDeps,
  request: AccessRequest,
  progress: Partial<ProvisioningProgress>,
): Promise<void> {
  const ok = await deps.store.recordProgress({
    requestId: request.id,
    expectedStatus: ['provisioning'],
    // A concurrent run of this job that has recorded the guest (and cleared the marks)
    // wins: this one must not mark, nor post after it.
    noDirectoryUserYet: true,
    at: deps.clock.now(),
    progress,
  });
  if (!ok) throw new InvalidTransitionError('unknown', 'invite'); // moved on meanwhile: stop
}

/** The POST /invitations body for this request; Graph mails only when asked in `microsoft` mode. */
export function inviteInput(
  deps: ProvisionDeps,
  request: AccessRequest,
  sendInvitationMessage: boolean,
  userId: string | undefined,
) {
  const mailedByMicrosoft = sendInvitationMessage && deps.settings.invitationEmail === 'microsoft';
  return {
    userId,
    email: request.email,
    displayName: displayName(request),
    redirectUrl: deps.settings.redirectUrl,
    sendInvitationMessage: mailedByMicrosoft,
    customMessage: mailedByMicrosoft ? deps.settings.customMessage : undefined,
    messageLanguage: mailedByMicrosoft ? deps.settings.messageLanguage : undefined,
  };
}

/** Records the user with the grant step's job, in one transaction (guarded on `provisioning`). */
async function recordUser(
  deps: ProvisionDeps,
  request: AccessRequest,
  userId: string,
  redeemUrl: string | null,
  state: ProvisioningProgress['directoryUserState'],
  /** For a row from before the steps: the emails already sent for it. */
  emailsSent?: number,
  /** `microsoft` mode: whether Microsoft sent the email is unknown; the history says so. */
  emailUncertain = false,
  /** This request's invitation created the user (recorded as createdUserId). */
  created = false,
): Promise<void> {
  const now = deps.clock.now();
  const recorded = await deps.store.recordProgress({
    requestId: request.id,
    expectedStatus: ['provisioning'],
    at: now,
    directoryUser: { id: userId, redeemUrl },
    // The POSTs' outcome is known now: their marks go (a resend relies on that).
    progress: {
      directoryUserState: state,
      directoryUserAt: now,
      invitationPostedAt: null,
      mailingInvitationPostedAt: null,
      ...(emailsSent === undefined ? {} : { invitationEmailsSent: emailsSent }),
      ...(created ? { createdUserId: userId } : {}),
    },
    jobs: [{ kind: 'grant_access', requestId: request.id, runAt: now }],
    ...(emailUncertain
      ? {
          audit: {
            id: deps.ids.next(),
            requestId: request.id,
            actor: 'worker',
            action: 'invitation_email_uncertain',
            fromStatus: request.status,
            toStatus: request.status,
            reason:
              'Microsoft Graph did not answer an invitation that asked it to email this existing guest, so it is not known whether the email went; it is not asked again (that could send two). Resend the invitation if the person did not receive it.',
            at: now,
          },
        }
      : {}),
  });
  if (!recorded) deps.logger.warn({ requestId: request.id }, 'the request moved on before its guest was recorded');
}
