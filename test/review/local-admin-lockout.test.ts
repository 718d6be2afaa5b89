// Review: the lockout read the account before the (slow) password check and acted on that
// stale read, so guesses sent at once were all checked against an unlocked account: the
// 5-failure lockout did not bound a burst, and a right guess in it signed in although
// five wrong ones had locked the account meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { createLocalAdmin, LOCKOUT_FAILURES, signInLocal } from '../../src/app/local-admins.ts';
import type { PasswordHasher } from '../../src/ports.ts';
import { fixedClock } from '../helpers/clock.ts';

const PASSWORD = 'correct horse battery staple';
const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;

/** Checks take 20 ms, as argon2 takes its time: sign-ins sent together overlap. */
function slowHasher(): PasswordHasher & { checks: number } {
  return {
    checks: 0,
    hash: async (password) => `fake$${password}`,
    async verify(stored, password) {
      this.checks++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return stored === `fake$${password}`;
    },
  };
}

describe('local admin lockout under a burst of guesses', () => {
  let db: Database;
  before(async () => {
    db = await openDatabase('sqlite::memory:');
    await db.migrate();
  });
  after(() => db.close());

  test('a right guess sent after five wrong ones, all at once, is refused: the account is locked', async () => {
    const hasher = slowHasher();
    const deps = { localAdmins: db.localAdmins, hasher, clock: fixedClock() };
    await createLocalAdmin(deps, { username: 'ops', password: PASSWORD });
    const guesses = [...Array.from({ length: 10 }, (_, i) => `wrong guess number ${i}`), PASSWORD];
    const results = await Promise.all(
      guesses.map((password) => signInLocal({ ...deps, logger: silent }, { username: 'ops', password })),
    );
    assert.equal(results.filter((r) => r.ok).length, 0, 'the right password came after five failures: refused');
    const last = results.at(-1);
    assert.equal(last?.ok === false ? last.reason : 'signed in', 'locked');
    assert.ok((await db.localAdmins.find('ops'))?.lockedUntil, 'locked');
    assert.ok(
      results.filter((r) => !r.ok && r.reason === 'wrong_password').length <= LOCKOUT_FAILURES,
      `at most ${LOCKOUT_FAILURES} guesses judged on an unlocked account`,
    );
  });
});
