// The options `guestlist emulator` takes: one list, read by the command table (commands.ts,
// for --help and the strict check) and by the command itself (emulator-command.ts), which
// the table loads only when the emulator is asked for.
import type { ParseArgsOptionsConfig } from 'node:util';

export const EMULATOR_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  tenant: { type: 'string' },
  throttle: { type: 'string' },
  'no-throttle': { type: 'boolean' },
  'fault-rate': { type: 'string' },
  'public-url': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;
