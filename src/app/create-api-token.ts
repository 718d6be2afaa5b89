// API bearer tokens: shown once, stored only as a SHA-256 hash. The token is 256 random
// bits, so a fast hash is enough (no password-style stretching needed).
import { createHash, randomBytes } from 'node:crypto';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import type { ApiToken, Clock, Ids, Store } from '../ports.ts';

export const TOKEN_ROLES = ['admin', 'approver'] as const;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

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
  if (!(TOKEN_ROLES as readonly string[]).includes(input.role)) {
    throw new ValidationError('Invalid role.', [{ field: 'role', message: 'The role is admin or approver.' }]);
  }
  const token = `gl_${randomBytes(32).toString('base64url')}`;
  const record: ApiToken = {
    id: deps.ids.next(),
    name,
    role: input.role as ApiToken['role'],
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
