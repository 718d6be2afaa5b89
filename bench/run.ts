// `npm run bench` runs every benchmark; `npm run bench -- latency faults` runs some.
// Figures are printed, never asserted (see bench/README.md).
import { loadavg } from 'node:os';
import { benchFaults } from './faults.ts';
import { benchFootprint } from './footprint.ts';
import { benchLatency } from './latency.ts';
import { benchPostgres } from './postgres-drain.ts';
import { benchThroughput } from './throughput.ts';
import { benchQueue, benchWeb } from './web.ts';

// `name:N` runs one with N requests instead of its default (small runs while developing).
const BENCHMARKS: Record<string, (count?: number) => Promise<void>> = {
  latency: (count) => benchLatency(count),
  throughput: (count) => benchThroughput(count),
  // The worker's own capacity, without the invitation throttle (to explain a throughput below it).
  'throughput-unthrottled': (count) => benchThroughput(count, null),
  faults: (count) => benchFaults('guestlist', count),
  'faults-microsoft': (count) => benchFaults('microsoft', count),
  postgres: (count) => benchPostgres(count),
  // `web:S` and `queue:N`: seconds per load run, and requests in the database.
  web: (seconds) => benchWeb(seconds),
  queue: (count) => benchQueue(count),
  // Start-up, RSS at rest after the drain, and log lines per request: sandbox and Entra mode.
  footprint: (count) => benchFootprint(count),
};

const chosen = process.argv.slice(2);
for (const arg of chosen.length > 0 ? chosen : Object.keys(BENCHMARKS)) {
  const [name = '', size] = arg.split(':');
  const count = size === undefined ? undefined : Number(size);
  const run = BENCHMARKS[name];
  if (!run) {
    process.stderr.write(`Unknown benchmark "${name}"; choose from ${Object.keys(BENCHMARKS).join(', ')}.\n`);
    process.exit(2);
  }
  process.stdout.write(
    `\n== ${arg} (${new Date().toISOString()}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})\n`,
  );
  await run(count);
}
