// The private link to a request's status page (`/status?token=…`), where the requester
// sees where the request stands and can withdraw it. Only the SHA-256 of each token is
// stored, so an email cannot repeat an earlier link: every requester email carries a fresh
// one, and each works for STATUS_LINK_LIFETIME_MS after that email — long enough to look
// back at a request after it was decided, expired or withdrawn.
import type { Clock, Store } from '../ports.ts';
import { hashToken, newSecretToken } from './secret-tokens.ts';

export const STATUS_LINK_LIFETIME_MS = 90 * 86_400_000;

export async function newStatusLink(
  deps: { store: Store; clock: Clock },
  input: { requestId: string; publicUrl: string },
): Promise<string> {
  const token = newSecretToken('gls');
  const now = deps.clock.now();
  await deps.store.insertStatusToken({
    hash: hashToken(token),
    requestId: input.requestId,
    expiresAt: new Date(now.getTime() + STATUS_LINK_LIFETIME_MS),
    createdAt: now,
  });
  return `${input.publicUrl}/status?token=${encodeURIComponent(token)}`;
}
