// A person (or an admin on their behalf) asks for access.
import { ConflictError } from '../domain/errors.ts';
import { type AccessRequest, transition } from '../domain/lifecycle.ts';
import { parsePerson } from '../domain/person.ts';
import type { Clock, Ids, Store } from '../ports.ts';
import { changeStatus } from './change-status.ts';

export interface SubmitRequestInput {
  email: string;
  firstName: string;
  lastName: string;
  /** Who submits: `anonymous` (the public form/API) or `token:<name>`. */
  actor: string;
  /** True when an admin vouches for the address, so no email verification is needed. */
  verified: boolean;
}

export async function submitRequest(
  deps: { store: Store; clock: Clock; ids: Ids },
  input: SubmitRequestInput,
): Promise<AccessRequest> {
  const person = parsePerson(input);
  if (input.verified) {
    // Admins get the truth about duplicates. Anonymous callers never do (see the route):
    // the answer must not reveal whether someone already asked with that address.
    const open = await deps.store.listOpenRequestsByEmail(person.email);
    const underway = open.find((request) => request.status !== 'pending_verification');
    if (underway) {
      throw new ConflictError('duplicate_request', `An open request for this address already exists: ${underway.id}.`);
    }
    const waiting = open[0];
    if (waiting) {
      // The person already asked and has not proven the address yet: the admin's word does.
      return changeStatus(deps, {
        request: waiting,
        event: { type: 'verify' },
        actor: input.actor,
        note: 'Verified by an admin.',
      });
    }
  }
  const now = deps.clock.now();
  const submitted: AccessRequest = {
    id: deps.ids.next(),
    ...person,
    status: 'pending_verification',
    directoryUserId: null,
    redeemUrl: null,
    reason: null,
    createdAt: now,
    updatedAt: now,
  };
  const request = input.verified ? transition(submitted, { type: 'verify' }, now) : submitted;
  // Durable before the caller hears 202 (invariant 1): the insert commits first.
  await deps.store.insertRequest(
    request,
    {
      id: deps.ids.next(),
      requestId: request.id,
      actor: input.actor,
      action: 'submit',
      fromStatus: null,
      toStatus: request.status,
      reason: input.verified ? 'Submitted with a verified address.' : null,
      at: now,
    },
    // An unverified request waits for its owner to confirm the address: mail the link
    // after commit (outbox), never inside the transaction.
    input.verified ? [] : [{ kind: 'send_verification', requestId: request.id, runAt: now }],
  );
  return request;
}
