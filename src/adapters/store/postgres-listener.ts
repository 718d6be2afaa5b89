// A dedicated connection that LISTENs for job wake-ups from every process (NOTIFY is
// sent inside the transaction that inserts jobs, and delivered at its commit). It lives
// outside the pool because a LISTEN lasts as long as its session. If it drops, it
// reconnects with backoff; on every (re)connect it wakes the listeners once, because
// notifications sent while it was away are lost.
import pg from 'pg';
import type { Listeners } from './wake.ts';

export const WAKE_CHANNEL = 'guestlist_jobs';

export interface ListenerLogger {
  warn(obj: object, msg?: string): void;
}

export function startPostgresListener(
  config: pg.ClientConfig,
  listeners: Listeners,
  logger: ListenerLogger | undefined,
): { stop(): Promise<void> } {
  let client: pg.Client | null = null;
  let stopped = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | null = null;

  const connect = async () => {
    timer = null;
    const next = new pg.Client(config);
    client = next;
    next.on('notification', () => listeners.fire());
    next.on('error', (error) => reconnect(next, error));
    next.on('end', () => reconnect(next, new Error('connection ended')));
    try {
      await next.connect();
      await next.query(`listen ${WAKE_CHANNEL}`);
      retryMs = 250;
      listeners.fire();
    } catch (error) {
      reconnect(next, error);
    }
  };

  const reconnect = (failed: pg.Client, error: unknown) => {
    if (stopped || client !== failed) return; // stale client, or already handled
    client = null;
    failed.end().catch(() => {});
    logger?.warn({ err: error, retryMs }, 'job wake-up listener lost its connection; reconnecting');
    timer = setTimeout(connect, retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, 30_000);
  };

  void connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
