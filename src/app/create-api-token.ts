// API bearer tokens: shown once, stored only as a hash (secret-tokens.ts). Every token
// expires (domain/api-token.ts); its creation is written to the admin audit trail in the
// same transaction as the token.
import { type Actor, auditActor } from '../domain/actor.ts';
import { tokenExpiry } from '../domain/api-token.ts';
import { ValidationError } from '../domain/errors.ts';
import { isRole, ROLES } from '../domain/roles.ts';
import type { ApiToken, Clock, Ids, Store } from '../ports.ts';
import { hashToken, newSecretToken } from './secret-tokens.ts';

export async function createApiToken(
  deps: { store: Store; clock: Clock; ids: Ids },
  input: {
    name: string;
    role: string;
    /** 1 to 365 (domain/api-token.ts); 90 when left out. Text as an admin typed it is accepted. */
    expiresInDays?: number | string;
    actor: Actor;
  },
): Promise<{ token: string; record: ApiToken }> {
  const name = input.name.trim();
  if (!/^[\w.@-]{1,64}$/.test(name)) {
    throw new ValidationError('Invalid token name.', [
      { field: 'name', message: 'Use 1–64 letters, digits, . _ - or @.' },
    ]);
  }
  if (!isRole(input.role)) {
    throw new ValidationError('Invalid role.', [{ field: 'role', message: `The role is ${ROLES.join(' or ')}.` }]);
  }
  const now = deps.clock.now();
  const expiresAt = tokenExpiry(now, input.expiresInDays);
  const token = newSecretToken('gl');
  const actor = auditActor(input.actor);
  const record: ApiToken = {
    id: deps.ids.next(),
    name,
    role: input.role,
    createdAt: now,
    expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    createdBy: actor,
  };
  // The store turns a taken name into ConflictError (duplicate_token_name).
  await deps.store.insertApiToken(record, hashToken(token), {
    at: now,
    actor,
    action: 'token.create',
    subject: record.id,
    detail: `${name} (${record.role}), expires ${expiresAt.toISOString()}`,
  });
  return { token, record };
}
