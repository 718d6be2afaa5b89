// Guestlist's web app with "Sign in with Microsoft" against the in-process emulator, the way
// sandbox mode wires it (startSandbox → createOpenIdProvider), driven by app.inject() for
// Guestlist and real HTTPS requests for the emulator: every hop of the code flow is a step
// the test can look at.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { argon2Hasher } from '../../src/adapters/identity/argon2.ts';
import { createOpenIdProvider } from '../../src/adapters/identity/openid.ts';
import { type Database, openDatabase } from '../../src/adapters/store/index.ts';
import { buildHttpApp, type HttpDeps } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox.ts';
import { hop, parsePage } from '../emulator/sign-in-helpers.ts';
import { httpDepsFor } from './app.ts';
import { fixedClock } from './clock.ts';
import { type WebClient, webClient } from './web.ts';

export const STAFF = {
  admin: 'Adele Vance',
  approver: 'Alex Wilber',
  nobody: 'Megan Bowen',
} as const;

export interface SignInHarness {
  app: FastifyInstance;
  db: Database;
  sandbox: Sandbox;
  clock: ReturnType<typeof fixedClock>;
  browser(): WebClient;
  /** From "Sign in with Microsoft" to just before the callback: the emulator's redirect back to Guestlist. */
  toCallback(browser: WebClient, name: string, next?: string): Promise<URL>;
  /** The whole flow; the callback's answer. */
  signIn(browser: WebClient, name: string, next?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function signInHarness(
  options: { publicUrl?: string; overrides?: Partial<HttpDeps> } = {},
): Promise<SignInHarness> {
  const publicUrl = options.publicUrl ?? 'http://localhost:3000';
  const dir = await mkdtemp(path.join(tmpdir(), 'gl-signin-'));
  const sandbox = await startSandbox({ dataDir: dir, publicUrl, groupIds: [], replicationLagMs: 0 });
  const db = await openDatabase('sqlite::memory:');
  await db.migrate();
  const clock = fixedClock();
  const identity = createOpenIdProvider(
    {
      issuer: sandbox.signIn.issuer,
      clientId: sandbox.signIn.clientId,
      credential: { kind: 'secret', secret: sandbox.signIn.clientSecret },
      redirectUri: sandbox.signIn.redirectUri,
      ca: sandbox.signIn.ca,
    },
    createLogger('silent'),
  );
  const app = await buildHttpApp(
    httpDepsFor(db, {
      clock,
      identity,
      publicUrl,
      localAdmins: db.localAdmins,
      passwordHasher: argon2Hasher,
      ...options.overrides,
    }),
  );
  const toCallback = async (browser: WebClient, name: string, next?: string) => {
    const start = await browser.get(
      `/auth/signin/microsoft${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`,
    );
    if (start.statusCode !== 303) throw new Error(`start answered ${start.statusCode}: ${start.body}`);
    const page = await hop(sandbox.emulator, String(start.headers.location));
    if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${page.location ?? page.text}`);
    const form = parsePage(page.text);
    const picked =
      name === 'cancel'
        ? await hop(sandbox.emulator, form.action, { flow: form.flow, cancel: '1' })
        : await hop(sandbox.emulator, form.action, {
            flow: form.flow,
            account: [...form.accounts].find(([label]) => label.startsWith(name))?.[1] ?? 'nobody',
          });
    if (picked.status !== 302 || !picked.location) throw new Error(`pick answered ${picked.status}: ${picked.text}`);
    return new URL(picked.location);
  };
  return {
    app,
    db,
    sandbox,
    clock,
    browser: () => webClient(app),
    toCallback,
    async signIn(browser, name, next) {
      const callback = await toCallback(browser, name, next);
      return browser.get(`${callback.pathname}${callback.search}`);
    },
    async close() {
      await app.close();
      await db.close();
      await sandbox.emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
