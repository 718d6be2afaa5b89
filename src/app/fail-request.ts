// The job runner gave up on provisioning (a permanent directory error, or the last
// retry failed): the request becomes `failed`, keeping Graph's code and request-id.
import { WORKER } from '../domain/actor.ts';
import { DirectoryError } from '../domain/directory-error.ts';
import { canTransition } from '../domain/lifecycle.ts';
import { type ChangeStatusDeps, changeStatus } from './change-status.ts';

export async function failRequest(deps: ChangeStatusDeps, input: { id: string; error: unknown }): Promise<void> {
  const request = await deps.store.getRequest(input.id);
  if (!request || !canTransition(request.status, 'fail')) return;
  await changeStatus(deps, { request, event: { type: 'fail', reason: describeFailure(input.error) }, actor: WORKER });
}

/** An admin-facing reason. Graph messages hold no secrets; other errors stay generic. */
export function describeFailure(error: unknown): string {
  if (error instanceof DirectoryError) return error.describe();
  if (error instanceof Error && 'expose' in error && error.expose) return error.message;
  return 'Provisioning failed with an internal error; see the server log.';
}
