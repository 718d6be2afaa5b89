// A built HTTP app over a fresh in-memory SQLite store, with an admin and an approver
// token. Tests drive it with app.inject(); nothing listens on a port.
import { randomUUID } from 'node:crypto';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { createApiToken } from '../../src/app/create-api-token.ts';
import { buildHttpApp, type HttpDeps } from '../../src/http/app.ts';
import type { Store } from '../../src/ports.ts';
import { fixedClock } from './clock.ts';

/** Who creates the test tokens, as the admin audit trail names it. */
const TEST_ACTOR = { kind: 'cli', user: 'test' } as const;

/** The app's dependencies over `db`, as a test wants them unless it says otherwise. */
export function httpDepsFor(db: Database, overrides: Partial<HttpDeps> = {}): HttpDeps {
  return {
    store: db.store,
    queries: db.queries,
    clock: fixedClock(),
    ids: { next: () => randomUUID() },
    isReady: () => db.store.isReady(),
    submissionsPerMinute: 1000,
    sandbox: null,
    ...overrides,
  };
}

export async function testApp(
  options: Partial<Pick<HttpDeps, 'sandbox' | 'submissionsPerMinute' | 'trustProxy' | 'access'>> & {
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
