// Password hashing for break-glass local admins: argon2id with OWASP's minimum parameters
// (19 MiB, 2 passes, 1 lane), through @node-rs/argon2 (prebuilt binaries, no install
// script). The PHC string keeps salt and parameters, so raising them later still verifies
// old hashes.
import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../ports.ts';

/** Algorithm.Argon2id: a const enum, which this project's TypeScript settings cannot read. */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password, OPTIONS),
  async verify(stored, password) {
    try {
      return await verify(stored, password);
    } catch {
      return false; // a malformed hash verifies nothing
    }
  },
};
