// A data-subject request: `guestlist erase --email ADDRESS` erases the person from every
// request of that address that has ended (rejected, withdrawn, expired, revoked). While one
// is still open or gives access it refuses, naming them: ending a request (revoking the
// guest's access, maybe deleting the account) is an admin's decision, taken first with
// `request revoke`. Audited on each request (`personal_data_erased`) and in the admin audit
// (`personal_data.erase`), neither of which names the person.
import { type Actor, auditActor } from '../domain/actor.ts';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import { normalizeEmail } from '../domain/person.ts';
import { hasEnded } from '../domain/personal-data.ts';
import type { Clock, PersonalDataStore } from '../ports.ts';

export interface ErasedPerson {
  /** The requests erased, with the status each had. */
  erased: Array<{ id: string; status: string }>;
}

export async function erasePerson(
  deps: { personalData: PersonalDataStore; clock: Clock },
  input: { email: string; actor: Actor },
): Promise<ErasedPerson> {
  const email = normalizeEmail(input.email);
  if (!email.ok) {
    throw new ValidationError(`"${input.email}" is not an email address: ${email.reason}`, [
      { field: '/email', message: email.reason },
    ]);
  }
  const requests = await deps.personalData.listByEmail(email.email);
  const open = requests.filter((request) => !hasEnded(request.status));
  if (open.length > 0) {
    throw new ConflictError(
      'requests_still_open',
      `Nothing was erased: ${open.map((r) => `${r.id} is ${r.status}`).join(', ')}. ` +
        'Erasing never ends a request: revoke access first (guestlist request revoke ID [--delete-guest]), ' +
        'or wait for a pending request to be decided or to expire, then erase again.',
    );
  }
  const at = deps.clock.now();
  const actor = auditActor(input.actor);
  const ids = await deps.personalData.erase(requests, {
    at,
    actor,
    why: 'data-subject request',
    adminAudit: { at, actor, action: 'personal_data.erase', subject: '', detail: `${requests.length} request(s)` },
  });
  return { erased: requests.filter((r) => ids.includes(r.id)).map((r) => ({ id: r.id, status: r.status })) };
}
