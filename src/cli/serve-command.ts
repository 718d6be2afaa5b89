// `guestlist serve` and `guestlist worker`: run until SIGTERM/SIGINT, then drain —
// stop accepting requests, stop claiming jobs, let running jobs finish within the grace
// period — and exit. A handler still running after that must not outlive the process:
// its job goes to another worker when its lease expires, and by then nothing here may
// still be calling Graph on its behalf.
import { parseArgs } from 'node:util';
import { logCertificateExpiry } from '../adapters/directory/credential.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { type Runtime, startGuestlist } from '../main.ts';
import { stopAzureMonitor } from '../telemetry/azure-monitor.ts';
import { databasePlace } from './database-place.ts';

export async function runServe(args: string[], config: Readonly<Config>): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-worker': { type: 'boolean', default: false } } });
  if (values['no-worker'] && config.mode === 'sandbox') {
    process.stderr.write(
      'serve --no-worker needs a shared database and real Entra credentials; sandbox mode runs in one process.\n',
    );
    return 2;
  }
  return run(config, { http: true, worker: !values['no-worker'] });
}

export async function runWorker(config: Readonly<Config>): Promise<number> {
  if (config.mode === 'sandbox') {
    // A second process would start a second emulator over the same saved directory.
    process.stderr.write(
      'guestlist worker needs real Entra credentials; in sandbox mode `guestlist serve` runs the worker.\n',
    );
    return 2;
  }
  return run(config, { http: false, worker: true });
}

async function run(config: Readonly<Config>, parts: { http: boolean; worker: boolean }): Promise<number> {
  // JSON for log collectors; pretty for a person at a terminal (GUESTLIST_LOG_FORMAT decides, else the TTY).
  const format = config.logFormat === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : config.logFormat;
  const logger = createLogger(config.logLevel, undefined, format);
  logCertificateExpiry(config.entra, logger);
  if (config.telemetry.connectionString) {
    // Started by cli/commands.ts before this module loaded (telemetry/azure-monitor.ts). The
    // connection string itself is never logged: it carries the ingestion key.
    logger.info(
      {},
      'telemetry: traces and metrics go to Azure Monitor (APPLICATIONINSIGHTS_CONNECTION_STRING); logs stay on stdout',
    );
  }
  const runtime = await startGuestlist(config, { ...parts, logger });
  // Listen for the signals before saying we are up: whoever reads that may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down: draining jobs and requests');
      resolve();
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  announce(runtime, parts, logger);
  if (runtime.sandbox && runtime.url) process.stderr.write(nextSteps(config, runtime.url));
  await stopped;
  await runtime.stop();
  await stopAzureMonitor(); // the last requests' spans and metrics, flushed (no-op without it)
  logger.info({}, 'stopped');
  process.exit(0);
}

function announce(
  runtime: Runtime,
  parts: { http: boolean; worker: boolean },
  logger: ReturnType<typeof createLogger>,
) {
  const { config } = runtime;
  logger.info(
    {
      mode: config.mode,
      database: runtime.db.kind,
      url: runtime.url,
      ...(runtime.metricsUrl ? { metrics: runtime.metricsUrl } : {}),
      worker: parts.worker,
      graph: runtime.sandbox ? runtime.sandbox.emulator.url : config.entra?.graphUrl,
    },
    config.mode === 'sandbox'
      ? `Guestlist sandbox (emulated Entra) ${runtime.url ? `at ${config.publicUrl}` : 'worker'}`
      : `Guestlist ${runtime.url ? `at ${config.publicUrl}` : 'worker'}`,
  );
}

/** What a newcomer does next, said once at a sandbox start (README, "Try it in a browser"). */
function nextSteps(config: Readonly<Config>, listening: string): string {
  const url = config.port === 0 ? listening : config.publicUrl; // PORT=0: the port the system chose
  return [
    '',
    `Guestlist sandbox is ready: open ${url} and follow "Ask for access".`,
    `  Console: ${url}/auth/signin → "Sign in with Microsoft" → pick Adele Vance (admin) or Alex Wilber`,
    "           (approver) on the emulator's sign-in page, no password; emails are in Sandbox mailbox.",
    `  API token: npm run -s guestlist -- token create me --role admin   (from this folder: same ${databasePlace(config.databaseUrl)})`,
    '  Break-glass admin instead: npm run guestlist -- admin create ops',
    '',
  ].join('\n');
}
