// Every API token with its state, for `guestlist token list` and (later) the console.
// The store never returns a hash or a secret, so nothing here can leak one.
import { type TokenState, tokenState } from '../domain/api-token.ts';
import type { ApiToken, Clock, Store } from '../ports.ts';

export type ListedApiToken = ApiToken & { state: TokenState };

/** Oldest first, each with its state as of the clock. */
export async function listApiTokens(deps: { store: Store; clock: Clock }): Promise<ListedApiToken[]> {
  const now = deps.clock.now();
  const tokens = await deps.store.listApiTokens();
  return tokens.map((token) => ({ ...token, state: tokenState(token, now) }));
}
