// Bearer-style secrets (API tokens, email verification links): 256 random bits, shown
// once, stored only as a SHA-256 hash. At that entropy a fast hash is enough; there is
// nothing to brute-force the way a password can be.
import { createHash, randomBytes } from 'node:crypto';

export function newSecretToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
