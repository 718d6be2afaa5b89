// The CLI's settings: the environment and ./.env, read through config.ts when a command runs
// (never for --help, so help works whatever the settings say).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError, dataDirOf, loadConfig } from '../config.ts';

function dotenv(): string {
  const envFile = path.resolve('.env');
  return existsSync(envFile) ? readFileSync(envFile, 'utf8') : '';
}

/** Reads the environment and ./.env once; a bad setting ends the process with its name. */
export function readConfig(): Readonly<Config> {
  try {
    return loadConfig(process.env, dotenv(), process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** GUESTLIST_DATA_DIR alone: the emulator needs no other setting (and .env may hold half of Entra's). */
export function readDataDir(): string {
  return dataDirOf(process.env, dotenv(), process.cwd());
}
