// Console sessions: who signed in, until when. The cookie holds a random secret; the
// database holds its hash and the person (ports.ts, Session). A new session is made at
// every sign-in (never an old id reused: rotation defeats session fixation), and ends on
// sign-out, after `idleMs` without use, or `maxMs` after sign-in, whichever comes first.
import type { Role } from '../domain/roles.ts';
import type { Clock, Session, SessionStore } from '../ports.ts';
import { hashToken, newSecretToken } from './secret-tokens.ts';

export interface SessionSettings {
  idleMs: number;
  maxMs: number;
}

export interface SessionDeps {
  sessions: SessionStore;
  clock: Clock;
  settings: SessionSettings;
}

export interface SignedInPerson {
  via: Session['via'];
  subject: string;
  name: string;
  email: string | null;
  role: Role | null;
}

/** Starts a session for `person`; returns the secret for the cookie (never stored). */
export async function startSession(deps: SessionDeps, person: SignedInPerson): Promise<string> {
  const secret = newSecretToken('gls');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.settings.maxMs);
  await deps.sessions.create(hashToken(secret), {
    ...person,
    createdAt: now,
    lastSeenAt: now,
    idleUntil: earlier(new Date(now.getTime() + deps.settings.idleMs), expiresAt),
    expiresAt,
  });
  return secret;
}

/** The session a cookie's secret opens, or null; marks it used (which defers its idle end). */
export async function resumeSession(deps: SessionDeps, secret: string): Promise<Session | null> {
  const idHash = hashToken(secret);
  const now = deps.clock.now();
  const session = await deps.sessions.find(idHash, now);
  if (!session) return null;
  await deps.sessions.touch(idHash, now, earlier(new Date(now.getTime() + deps.settings.idleMs), session.expiresAt));
  return session;
}

export async function endSession(deps: Pick<SessionDeps, 'sessions'>, secret: string): Promise<void> {
  await deps.sessions.delete(hashToken(secret));
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}
