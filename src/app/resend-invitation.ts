// An admin resends the invitation of an `invited` request: a new redeem URL and one new
// email, each recorded in the history. The API call only records the ask with its job
// (outbox); the job (resendInvitationJob) talks to Graph after the commit.
//
// Idempotence: each `resend_requested` entry is answered by one `resend_invitation` entry,
// written with the new redeem URL (and, in `guestlist` mode, the email job) in one
// transaction; a job that finds as many answers as asks does nothing.
import { type Actor, auditActor, WORKER } from '../domain/actor.ts';
import { DirectoryError } from '../domain/directory-error.ts';
import { redemptionState } from '../domain/directory-match.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { AccessRequest } from '../domain/lifecycle.ts';
import type { AuditEntry } from '../ports.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';
import { inviteInput, type ProvisionDeps } from './provision-guest.ts';

export async function resendInvitation(
  deps: ChangeStatusDeps,
  input: { id: string; actor: Actor },
): Promise<AccessRequest> {
  const request = await deps.store.getRequest(input.id);
  if (!request) throw new NotFoundError('The access request');
  const now = deps.clock.now();
  const recorded =
    request.status === 'invited' &&
    (await deps.store.recordProgress({
      requestId: request.id,
      expectedStatus: ['invited'],
      at: now,
      audit: entry(deps, request, input.actor, 'resend_requested', now, 'An admin asked to resend the invitation.'),
      jobs: [{ kind: 'resend_invitation', requestId: request.id, runAt: now }],
    }));
  if (!recorded) {
    throw new ConflictError(
      'not_invited',
      `Only an invited request can have its invitation resent; this one is ${request.status}.`,
    );
  }
  return (await deps.store.getRequest(request.id)) ?? request;
}

export async function resendInvitationJob(deps: ProvisionDeps, requestId: string, held?: AbortSignal): Promise<void> {
  const request = await deps.store.getRequest(requestId);
  if (request?.status !== 'invited' || !request.directoryUserId) return;
  const audit = await deps.store.listAudit(requestId);
  const asked = audit.filter((e) => e.action === 'resend_requested').length;
  const answered = audit.filter((e) => e.action === 'resend_invitation').length;
  if (answered >= asked) return;
  // The resend re-invites by id with resetRedemption, which would make a guest who has
  // redeemed meanwhile (before the redemption check noticed) redeem all over again.
  const current = await deps.directory.getUser(request.directoryUserId).catch(() => null);
  if (current && redemptionState(current) !== 'pending') {
    await changeStatus(deps, {
      request,
      event: { type: 'activate' },
      actor: WORKER,
      note: 'Invitation redeemed before the resend: nothing resent.',
    });
    return;
  }
  held?.throwIfAborted();
  const microsoft = deps.settings.invitationEmail === 'microsoft';
  let note = microsoft ? 'Invitation resent; Microsoft emails it.' : 'Invitation resent with a new redeem URL.';
  let redeemUrl: string | null = request.redeemUrl;
  const unknown = (why: string) =>
    `${why}; the email may or may not have been sent. Resend again if the person did not receive it.`;
  if (microsoft) {
    // A mailing POST is made once per ask: its start is recorded first, so a run that
    // follows a crash (or a failed record) after it does not ask Microsoft to mail again.
    // (The mark is cleared when an answer is recorded, so one left means an unknown outcome.)
    const progress = await deps.store.getProgress(requestId);
    if (progress.mailingInvitationPostedAt) {
      await answer(
        deps,
        request,
        redeemUrl,
        unknown('An earlier run asked Microsoft to resend and did not record the outcome'),
        false,
      );
      return;
    }
    const at = deps.clock.now();
    await deps.store.recordProgress({
      requestId,
      expectedStatus: ['invited'],
      at,
      progress: { mailingInvitationPostedAt: at },
    });
  }
  try {
    // By address when the guest holds it as `mail` (no resetRedemption, which would undo a
    // redemption we have not seen yet); by id only when the address leads elsewhere (a
    // guest an admin confirmed, found by proxyAddresses or UPN), and they are pending.
    const byId = current && current.mail?.toLowerCase() !== request.email.toLowerCase() ? current.id : undefined;
    const invitation = await deps.directory.invite(inviteInput(deps, request, true, byId));
    if (invitation.userId !== request.directoryUserId) {
      throw new DirectoryError({
        message: `Microsoft Graph's invitation for this address returned user ${invitation.userId}, not this request's guest ${request.directoryUserId}; the resend was not recorded.`,
        transient: false,
        graphCode: 'unexpected_user',
      });
    }
    redeemUrl = invitation.redeemUrl;
  } catch (error) {
    // `microsoft` mode: repeating a call whose outcome is unknown could mail twice, so a
    // resend is tried once; the admin can resend again. A 429 or a refusal (a tenant-wide
    // fault that pauses provisioning, say) took no effect: the mark goes, and it is retried.
    const noEffect = error instanceof DirectoryError && (error.httpStatus === 429 || !error.transient);
    if (microsoft && noEffect) {
      await deps.store.recordProgress({
        requestId,
        expectedStatus: ['invited'],
        at: deps.clock.now(),
        progress: { mailingInvitationPostedAt: null },
      });
    }
    const unknownOutcome = error instanceof DirectoryError && !noEffect;
    if (!microsoft || !unknownOutcome) throw error;
    note = unknown(`Microsoft Graph did not answer (${error.describe()})`);
  }
  await answer(deps, request, redeemUrl, note, !microsoft);
}

/** The resend's answer: the new redeem URL and its audit entry, with the email job in `guestlist` mode. */
async function answer(
  deps: ProvisionDeps,
  request: AccessRequest,
  redeemUrl: string | null,
  note: string,
  mail: boolean,
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.recordProgress({
    requestId: request.id,
    expectedStatus: ['invited'],
    at: now,
    directoryUser: { id: request.directoryUserId!, redeemUrl },
    progress: { mailingInvitationPostedAt: null },
    audit: entry(deps, request, WORKER, 'resend_invitation', now, note),
    jobs: mail ? [{ kind: 'send_invitation', requestId: request.id, runAt: now }] : [],
  });
}

function entry(
  deps: ChangeStatusDeps,
  request: AccessRequest,
  actor: Actor,
  action: string,
  at: Date,
  reason: string,
): AuditEntry {
  return {
    id: deps.ids.next(),
    requestId: request.id,
    actor: auditActor(actor),
    action,
    fromStatus: request.status,
    toStatus: request.status,
    reason,
    at,
  };
}
