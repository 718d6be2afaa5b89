// Break-glass local admins: for when Microsoft Entra is down, or before single sign-on is
// set up. Created at the server (`guestlist admin create`, never over the web), password
// hashed with argon2id, always the admin role. Sign-in failures say nothing of which part
// was wrong, take as long for an unknown user name (a dummy hash is checked), and after
// LOCKOUT_FAILURES in a row the account refuses every password for LOCKOUT_MS. The per-
// address rate limit is the route's (http/web/auth/).
import { ValidationError } from '../domain/errors.ts';
import { normalizeName } from '../domain/person.ts';
import type { Clock, LocalAdmin, LocalAdminStore, Logger, PasswordHasher } from '../ports.ts';
import type { SignedInPerson } from './sessions.ts';

export const MIN_PASSWORD_LENGTH = 15;
/** argon2 takes any length; a bound keeps a megabyte "password" from being hashed. */
export const MAX_PASSWORD_LENGTH = 256;
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MS = 15 * 60_000;
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface LocalAdminDeps {
  localAdmins: LocalAdminStore;
  hasher: PasswordHasher;
  clock: Clock;
}

/** The user name as stored (lower case), or a ValidationError. */
export function parseUsername(input: string): string {
  const username = input.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new ValidationError(
      'The user name may hold only letters, digits, ".", "_" and "-" (at most 64), and must start with a letter or digit.',
      [],
    );
  }
  return username;
}

export function checkNewPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`, []);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError(`The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`, []);
  }
}

export async function createLocalAdmin(
  deps: LocalAdminDeps,
  input: { username: string; displayName?: string | undefined; password: string },
): Promise<LocalAdmin> {
  const username = parseUsername(input.username);
  const name = normalizeName(input.displayName ?? username);
  if (!name.ok) throw new ValidationError(`The display name ${name.reason}.`, []);
  checkNewPassword(input.password);
  const admin: LocalAdmin = {
    username,
    displayName: name.name,
    passwordHash: await deps.hasher.hash(input.password),
    createdAt: deps.clock.now(),
    failedCount: 0,
    lockedUntil: null,
  };
  await deps.localAdmins.create(admin);
  return admin;
}

export type LocalSignInResult =
  | { ok: true; person: SignedInPerson }
  | { ok: false; reason: 'unknown_user' | 'wrong_password' | 'locked' };

/** A hash of nothing anyone types, checked when the user name is unknown (same work, same time). */
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();
function dummyHash(hasher: PasswordHasher): Promise<string> {
  let found = dummyHashes.get(hasher);
  if (!found) {
    found = hasher.hash(`no such local admin ${Math.random()}`);
    dummyHashes.set(hasher, found);
  }
  return found;
}

/**
 * Sign-ins for one user name, one at a time in this process: the lock is read, the password
 * checked and the failure counted before the next attempt reads the lock. Otherwise a burst
 * of guesses all read an unlocked account and are all checked (argon2 takes its time), and
 * the lockout bounds nothing.
 */
const inFlight = new WeakMap<LocalAdminStore, Map<string, Promise<unknown>>>();
function oneAtATime<T>(store: LocalAdminStore, key: string, run: () => Promise<T>): Promise<T> {
  let queue = inFlight.get(store);
  if (!queue) {
    queue = new Map();
    inFlight.set(store, queue);
  }
  const result = (queue.get(key) ?? Promise.resolve()).then(run, run);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  queue.set(key, tail);
  void tail.then(() => {
    if (queue.get(key) === tail) queue.delete(key);
  });
  return result;
}

/** Checks a local admin's password; logs the outcome (never the password). */
export function signInLocal(
  deps: LocalAdminDeps & { logger: Logger },
  input: { username: string; password: string },
): Promise<LocalSignInResult> {
  const username = input.username.trim().toLowerCase();
  return oneAtATime(deps.localAdmins, username, () => checkLocal(deps, username, input.password));
}

async function checkLocal(
  deps: LocalAdminDeps & { logger: Logger },
  username: string,
  typed: string,
): Promise<LocalSignInResult> {
  const password = typed.length <= MAX_PASSWORD_LENGTH ? typed : '';
  const found = USERNAME.test(username) ? await deps.localAdmins.find(username) : null;
  const matches = await deps.hasher.verify(found?.passwordHash ?? (await dummyHash(deps.hasher)), password);
  // The lock as it is now, after the slow check (another process may have locked it meanwhile).
  const admin = found ? await deps.localAdmins.find(username) : null;
  const now = deps.clock.now();
  const log = { username: admin ? username : undefined, via: 'local' };
  if (!admin) {
    deps.logger.warn(log, 'local sign-in failed: no such local admin');
    return { ok: false, reason: 'unknown_user' };
  }
  if (admin.lockedUntil && admin.lockedUntil.getTime() > now.getTime()) {
    deps.logger.warn(
      { ...log, lockedUntil: admin.lockedUntil.toISOString() },
      'local sign-in refused: the account is locked',
    );
    return { ok: false, reason: 'locked' };
  }
  if (!matches || password === '') {
    const after = await deps.localAdmins.recordFailure(
      username,
      LOCKOUT_FAILURES,
      new Date(now.getTime() + LOCKOUT_MS),
    );
    const lockedNow = after?.lockedUntil && after.lockedUntil.getTime() > now.getTime();
    deps.logger.warn(
      lockedNow ? { ...log, lockedUntil: after.lockedUntil?.toISOString() } : log,
      lockedNow
        ? `local sign-in failed: wrong password; the account is locked for ${LOCKOUT_MS / 60_000} minutes after ${LOCKOUT_FAILURES} failures`
        : 'local sign-in failed: wrong password',
    );
    return { ok: false, reason: 'wrong_password' };
  }
  await deps.localAdmins.recordSuccess(username);
  deps.logger.info(log, 'local admin signed in');
  return {
    ok: true,
    person: { via: 'local', subject: admin.username, name: admin.displayName, email: null, role: 'admin' },
  };
}
