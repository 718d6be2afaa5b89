#!/usr/bin/env node
// Entry point. Guestlist runs its TypeScript directly on Node.js's type stripping
// (default since 22.18 / 23.6). On 22.12–22.17 it re-runs itself with the flags.
import { spawnSync } from 'node:child_process';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`Guestlist needs Node.js 22.12 or newer (24 LTS recommended); this is ${process.version}.\n`);
  process.exit(1);
}
if (!process.features.typescript) {
  // node:sqlite needs its flag before 22.13 as well.
  const sqlite = major === 22 && minor < 13 ? ['--experimental-sqlite'] : [];
  const args = [
    '--experimental-strip-types',
    ...sqlite,
    '--disable-warning=ExperimentalWarning',
    ...process.argv.slice(1),
  ];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
