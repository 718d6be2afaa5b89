// Guestlist as `npm start` runs it (sandbox mode: server, worker, in-process emulator),
// on a data dir of the test's choosing, plus a small API client.
import { createApiToken } from '../../src/app/create-api-token.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { type Runtime, startGuestlist, systemClock, uuidIds } from '../../src/main.ts';

export async function startSandboxGuestlist(dir: string, env: Record<string, string> = {}): Promise<Runtime> {
  const config = loadConfig({
    DATABASE_URL: `sqlite:${dir}/gl.db`,
    GUESTLIST_DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    GUESTLIST_REDEMPTION_CHECK_MINUTES: '0.005', // 0.3 s, so a test sees the check run
    ...env,
  });
  return startGuestlist(config, { http: true, worker: true, logger: createLogger('silent') });
}

export type Api = (
  method: string,
  url: string,
  body?: object,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/** A client for the running server's API, with a new admin token. */
export async function adminApi(runtime: Runtime, name = 'e2e'): Promise<Api> {
  const { token } = await createApiToken(
    { store: runtime.db.store, clock: systemClock, ids: uuidIds },
    { name, role: 'admin', actor: { kind: 'cli', user: 'test' } },
  );
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return async (method, url, body) => {
    const res = await fetch(`${runtime.url}${url}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

/** Reads until `done` holds or `ms` pass; returns the last value read. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
