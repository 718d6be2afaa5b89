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
    // Set by habit on Azure; say plainly that nothing is sent rather than let someone wait for data.
    logger.warn(
      {},
      'APPLICATIONINSIGHTS_CONNECTION_STRING is set, but Guestlist does not send telemetry to Azure Monitor yet: ' +
        'its logs reach Log Analytics from stdout, its metrics through /metrics (README.md, "Logs and metrics")',
    );
  }
  const runtime = await startGuestlist(config, { ...parts, logger });
  announce(runtime, parts, logger);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down: draining jobs and requests');
      resolve();
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  await runtime.stop();
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
