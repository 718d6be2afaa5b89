// PATCH /users/{id} → 204 No Content (user-update.md). Only the writable properties
// Guestlist may touch are accepted; read-only ones such as externalUserState are refused
// rather than silently ignored, so a client bug shows up in tests.
import { isReplicated } from '../replication.ts';
import { type EmulatedUser, findUser } from '../state.ts';
import { indexUser, unindexUser } from '../user-index.ts';
import { badRequest, resourceNotFound } from './errors.ts';
import type { GraphContext, GraphOperation, GraphReply } from './types.ts';

type Check = (value: unknown) => boolean;
const isString: Check = (value) => typeof value === 'string';
const isNullableString: Check = (value) => value === null || typeof value === 'string';

const WRITABLE: Record<string, Check> = {
  accountEnabled: (value) => typeof value === 'boolean',
  displayName: isString,
  givenName: isNullableString,
  surname: isNullableString,
  mail: isNullableString,
  otherMails: (value) => Array.isArray(value) && value.every(isString),
  userType: (value) => value === 'Guest' || value === 'Member',
};

export function updateUser(op: GraphOperation, params: Record<string, string>, ctx: GraphContext): GraphReply {
  const id = params.id ?? '';
  const user = findUser(ctx.state, id);
  // Not replicated yet: the write lands on a replica that does not know the user.
  if (!user || !isReplicated(ctx.state, user.id)) throw resourceNotFound(id);
  if (typeof op.body !== 'object' || op.body === null || Array.isArray(op.body)) {
    throw badRequest('Empty Payload. JSON content expected.');
  }
  const changes = op.body as Record<string, unknown>;
  for (const [name, value] of Object.entries(changes)) {
    const check = WRITABLE[name];
    if (!check) throw badRequest(`Property '${name}' is read-only or not supported by the emulator.`);
    if (!check(value)) throw badRequest(`Invalid value specified for property '${name}' of resource 'User'.`);
  }
  unindexUser(ctx.state.index, user, false);
  Object.assign(user as unknown as Record<string, unknown>, structuredClone(changes) as Partial<EmulatedUser>);
  indexUser(ctx.state.index, user);
  return { status: 204 };
}
