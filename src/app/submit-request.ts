// A person (or an admin on their behalf) asks for access.
import { type Actor, auditActor } from '../domain/actor.ts';
import { type App, DEFAULT_APP_ID } from '../domain/apps.ts';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import { parseSubmission } from '../domain/justification.ts';
import { type AccessRequest, transition } from '../domain/lifecycle.ts';
import type { Clock, Ids, Store } from '../ports.ts';
import { applyPolicy, defaultPolicyResolver, type PolicyDeps, policyJob } from './apply-policy.ts';
import { notificationsOf } from './notifications.ts';
import { withdrawUnverified } from './withdraw-unverified.ts';

export interface SubmitRequestInput {
  email: string;
  firstName: string;
  lastName: string;
  /** "Why do you need access?": optional, blank is none. */
  justification?: string | null | undefined;
  /** The app asked for (the catalogue's, app-catalogue.ts); the default app when not given. */
  app?: App | undefined;
  /** The answers to the app's questions, as sent: checked here (domain/answers.ts). */
  answers?: Readonly<Record<string, unknown>> | undefined;
  /** Who submits: the requester (the public form/API) or an admin's token. */
  actor: Actor;
  /** True when an admin vouches for the address, so no email verification is needed. */
  verified: boolean;
}

export async function submitRequest(deps: PolicyDeps, input: SubmitRequestInput): Promise<AccessRequest> {
  const { app } = input;
  // A closed app takes no new requests, whoever files them; its open requests go on.
  if (app && !app.open) {
    throw new ValidationError('The app is not taking requests.', [
      { field: '/app', message: `${app.name} is not taking requests at the moment.` },
    ]);
  }
  // The app's policy may require a reason: refused here with the other fields, at the form
  // and the API alike, so the requester can add it; the justification_required rule guards
  // every other path (domain/policy/justification-required.ts).
  const policy = app?.policy ?? (await (deps.policyFor ?? defaultPolicyResolver)({ email: input.email }));
  const { person, justification, answers } = parseSubmission(input, app, {
    requireJustification: policy.requireJustification,
  });
  const now = deps.clock.now();
  const appId = app?.id ?? DEFAULT_APP_ID;
  if (input.verified) {
    // Admins get the truth about duplicates. Anonymous callers never do: their submission
    // reads nothing about the address, and their answer (the route's 202 with the new
    // request's id and `pending_verification`) is the same whatever exists for it.
    // One open request per address and app: asking for another app is not a duplicate.
    const open = await deps.store.listOpenRequestsByEmail(person.email, appId);
    const underway = open.find((request) => request.status !== 'pending_verification');
    if (underway) {
      throw new ConflictError(
        'duplicate_request',
        `An open request for this address and app already exists: ${underway.id}.`,
      );
    }
  }

  const submitted: AccessRequest = {
    id: deps.ids.next(),
    ...person,
    justification,
    appId,
    answers,
    accessExpiresAt: null,
    status: 'pending_verification',
    directoryUserId: null,
    redeemUrl: null,
    reason: null,
    createdAt: now,
    updatedAt: now,
  };
  const request = input.verified ? transition(submitted, { type: 'verify' }, now) : submitted;
  // A verified request waits for approval at once: its Teams card and `request.submitted`.
  const notifications = notificationsOf({ event: 'submit', from: null, next: request, at: now }, deps.ids);
  // Durable before the caller hears 202 (invariant 1): the insert commits first.
  await deps.store.insertRequest(
    request,
    {
      id: deps.ids.next(),
      requestId: request.id,
      actor: auditActor(input.actor),
      action: 'submit',
      fromStatus: null,
      toStatus: request.status,
      reason: input.verified ? 'Submitted with a verified address.' : null,
      at: now,
    },
    // An unverified request waits for its owner to confirm the address: mail the link after
    // commit (outbox), never inside the transaction. Always queued: the job, not the
    // submission, applies the one-email-per-15-minutes rule (send-verification.ts), so
    // submissions cannot use up an owner's emails. The expiry job ends it if unconfirmed.
    input.verified
      ? [...notifications.jobs, policyJob(request.id, now)]
      : [
          { kind: 'send_verification', requestId: request.id, runAt: now },
          { kind: 'expire_verification', requestId: request.id, runAt: now },
        ],
    notifications.events,
  );
  if (input.verified) {
    // Unconfirmed requests for this address (names typed by anyone) give way to the admin's.
    await withdrawUnverified(deps, { email: request.email, appId, keep: request.id, actor: input.actor });
    // Vouched for, so verified: the policy decides now, as after a confirmation link.
    return applyPolicy(deps, request);
  }
  return request;
}
