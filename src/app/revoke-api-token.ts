// Revokes an API token: from then on every request bearing it is refused (Store.useApiToken).
// Idempotent: revoking a revoked token changes nothing and writes no second audit entry.
import { type Actor, auditActor } from '../domain/actor.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { ApiToken, Clock, Store } from '../ports.ts';

export async function revokeApiToken(
  deps: { store: Store; clock: Clock },
  /** `id`: the token's id, or its name (names are unique; an id that matches wins). */
  input: { id: string; actor: Actor },
): Promise<{ token: ApiToken; revoked: boolean }> {
  const ref = input.id.trim();
  const tokens = await deps.store.listApiTokens();
  const byId = tokens.find((each) => each.id === ref);
  const named = tokens.filter((each) => each.name === ref);
  // Names are unique today (the audit trail names token callers by them), but a name that
  // ever matched several tokens must not pick one at random.
  if (!byId && named.length > 1) {
    throw new ConflictError('ambiguous_token_name', `Several tokens are named ${ref}; revoke one by its id.`);
  }
  const token = byId ?? named[0];
  if (!token) throw new NotFoundError(`The token ${JSON.stringify(ref)}`);
  const now = deps.clock.now();
  const revoked = await deps.store.revokeApiToken(token.id, now, {
    at: now,
    actor: auditActor(input.actor),
    action: 'token.revoke',
    subject: token.id,
    detail: `${token.name} (${token.role})`,
  });
  if (!revoked) return { token, revoked: false };
  return { token: { ...token, revokedAt: now }, revoked: true };
}
