// `npm run bench` runs every benchmark; `npm run bench -- latency faults` runs some.
// Figures are printed, never asserted (see bench/README.md).
import { benchFaults } from './faults.ts';
import { benchLatency } from './latency.ts';
import { benchPostgres } from './postgres-drain.ts';
import { benchThroughput } from './throughput.ts';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  latency: () => benchLatency(),
  throughput: () => benchThroughput(),
  faults: () => benchFaults(),
  postgres: () => benchPostgres(),
};

const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : Object.keys(BENCHMARKS)) {
  const run = BENCHMARKS[name];
  if (!run) {
    process.stderr.write(`Unknown benchmark "${name}"; choose from ${Object.keys(BENCHMARKS).join(', ')}.\n`);
    process.exit(2);
  }
  process.stdout.write(`\n== ${name}\n`);
  await run();
}
