// API bearer tokens: shown once, stored only as a hash (secret-tokens.ts).
import { ConflictError, ValidationError } from '../domain/errors.ts';
import { isRole, ROLES } from '../domain/roles.ts';
import type { ApiToken, Clock, Ids, Store } from '../ports.ts';
import { hashToken, newSecretToken } from './secret-tokens.ts';

export async function createApiToken(
  deps: { store: Store; clock: Clock; ids: Ids },
  input: { name: string; role: string },
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
  const token = newSecretToken('gl');
  const record: ApiToken = {
    id: deps.ids.next(),
    name,
    role: input.role,
    createdAt: deps.clock.now(),
  };
  try {
    await deps.store.insertApiToken(record, hashToken(token));
  } catch (error) {
    if (/unique|duplicate/i.test(String(error)))
      throw new ConflictError('duplicate_token_name', `A token named ${name} already exists.`);
    throw error;
  }
  return { token, record };
}
