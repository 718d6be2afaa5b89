// The rules of an API token's life: how long it may live, and what state it is in.
// Every token expires: a forgotten integration's token should not stay valid for ever,
// so "never" is not an option and a year is the longest.
import { ValidationError } from './errors.ts';

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;
const DAY_MS = 86_400_000;

export type TokenState = 'active' | 'expired' | 'revoked';

/**
 * The expiry of a token created at `now` to live `days` days (a whole number from 1 to
 * MAX_TOKEN_DAYS; DEFAULT_TOKEN_DAYS when undefined). Accepts the text an admin typed.
 */
export function tokenExpiry(now: Date, days: number | string | undefined): Date {
  const value = days === undefined ? DEFAULT_TOKEN_DAYS : typeof days === 'number' ? days : parseDays(days);
  if (!Number.isInteger(value) || value < 1 || value > MAX_TOKEN_DAYS) {
    throw new ValidationError('Invalid token lifetime.', [
      {
        field: 'expiresInDays',
        message: `A token lives 1 to ${MAX_TOKEN_DAYS} days (${DEFAULT_TOKEN_DAYS} unless told); tokens that never expire are not allowed.`,
      },
    ]);
  }
  return new Date(now.getTime() + value * DAY_MS);
}

/** Only plain digits count: "30d", "1e2" or " 7" are refused rather than guessed at. */
function parseDays(text: string): number {
  return /^[0-9]{1,6}$/.test(text) ? Number(text) : Number.NaN;
}

/** Revoked wins over expired: it is what an admin did, and it is final. */
export function tokenState(token: { expiresAt: Date; revokedAt: Date | null }, now: Date): TokenState {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}
