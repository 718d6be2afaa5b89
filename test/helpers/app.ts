// A built HTTP app over a fresh in-memory SQLite store, with an admin and an approver
// token. Tests drive it with app.inject(); nothing listens on a port.
import { randomUUID } from 'node:crypto';
import { argon2Hasher } from '../../src/adapters/identity/argon2.ts';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { createApiToken } from '../../src/app/create-api-token.ts';
import { startSession } from '../../src/app/sessions.ts';
import type { Role } from '../../src/domain/roles.ts';
import { buildHttpApp, type HttpDeps } from '../../src/http/app.ts';
import { sessionCookieName } from '../../src/http/auth.ts';
import type { Store } from '../../src/ports.ts';
import { fixedClock } from './clock.ts';
import type { WebClient } from './web.ts';

const TEST_SESSIONS = { idleMs: 60 * 60_000, maxMs: 12 * 3_600_000 };

export const TEST_BRANDING: HttpDeps['branding'] = {
  organizationName: 'Contoso',
  appName: 'Contoso Portal',
  logoUrl: null,
  accentColor: null,
  introText: null,
  privacyUrl: null,
};

/** Who creates the test tokens, as the admin audit trail names it. */
const TEST_ACTOR = { kind: 'cli', user: 'test' } as const;

/** The app's dependencies over `db`, as a test wants them unless it says otherwise. */
export function httpDepsFor(db: Database, overrides: Partial<HttpDeps> = {}): HttpDeps {
  return {
    store: db.store,
    queries: db.queries,
    sessions: db.sessions,
    clock: fixedClock(),
    ids: { next: () => randomUUID() },
    isReady: () => db.store.isReady(),
    submissionsPerMinute: 1000,
    verificationMs: 24 * 3_600_000,
    sandbox: null,
    publicUrl: 'http://localhost:3000',
    branding: TEST_BRANDING,
    sessionSettings: TEST_SESSIONS,
    identity: null,
    localAdmins: db.localAdmins,
    passwordHasher: argon2Hasher,
    ...overrides,
  };
}

export async function testApp(
  options: Partial<
    Pick<HttpDeps, 'sandbox' | 'submissionsPerMinute' | 'trustProxy' | 'access' | 'branding' | 'logger' | 'policy'>
  > & {
    /** Wraps the store the app uses (to delay or fail a call); `db.store` stays the real one. */
    wrapStore?: (store: Store) => Store;
  } = {},
) {
  const db: Database = await openDatabase('sqlite::memory:');
  await db.migrate();
  const clock = fixedClock();
  const ids = { next: () => randomUUID() };
  const app = await buildHttpApp(
    httpDepsFor(db, {
      store: options.wrapStore ? options.wrapStore(db.store) : db.store,
      clock,
      ids,
      submissionsPerMinute: options.submissionsPerMinute ?? 1000,
      sandbox: options.sandbox ?? null,
      trustProxy: options.trustProxy ?? false,
      ...(options.access ? { access: options.access } : {}),
      ...(options.branding ? { branding: options.branding } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
    }),
  );
  const deps = { store: db.store, clock, ids };
  const admin = (await createApiToken(deps, { name: 'alice-admin', role: 'admin', actor: TEST_ACTOR })).token;
  const approver = (await createApiToken(deps, { name: 'bob-approver', role: 'approver', actor: TEST_ACTOR })).token;
  return {
    app,
    db,
    clock,
    ids,
    admin: { authorization: `Bearer ${admin}` },
    approver: { authorization: `Bearer ${approver}` },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
export type TestApp = Awaited<ReturnType<typeof testApp>>;

/**
 * Signs `browser` in as a person with `role` (null: no Guestlist role) by starting a
 * session the way the sign-in callback does, without going through an identity provider.
 */
export async function signIn(
  t: Pick<TestApp, 'db' | 'clock'>,
  browser: WebClient,
  role: Role | null,
  person: { name?: string; subject?: string } = {},
): Promise<void> {
  const secret = await startSession(
    { sessions: t.db.sessions, clock: t.clock, settings: TEST_SESSIONS },
    {
      via: 'entra',
      subject: person.subject ?? randomUUID(),
      name: person.name ?? `${role ?? 'no-role'} person`,
      email: `${role ?? 'nobody'}@contoso.com`,
      role,
    },
  );
  browser.cookies.set(sessionCookieName(false), secret);
}
