// `guestlist sandbox clear --yes`: empties a sandbox database (every table dropped; the next
// start migrates a new one) and the sandbox's emulated directory, so the data folder can be
// used with Microsoft Entra. Only a database recorded as the sandbox's (domain/database-owner.ts)
// is cleared: this command can never empty a real deployment's database.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from '../adapters/store/index.ts';
import { takeExclusively } from '../adapters/store/sqlite-in-use.ts';
import type { Config } from '../config.ts';
import { DATABASE_OWNER_KEY } from '../domain/database-owner.ts';
import { RefusedStartError } from '../domain/refused-start.ts';
import { lockSandbox } from '../sandbox-lock.ts';
import { databasePlace } from './database-place.ts';

export async function runSandboxClear(args: string[], config: Readonly<Config>): Promise<number> {
  if (!args.includes('--yes') || args.some((arg) => arg !== '--yes')) {
    process.stderr.write(
      'guestlist sandbox clear deletes every request, token and local admin of the sandbox database: ' +
        'add --yes to do it.\n\nUsage: guestlist sandbox clear --yes\n',
    );
    return 2;
  }
  const where = databasePlace(config.databaseUrl);
  // Never under a running server. The kernel-held in-use lock first (sqlite-in-use.ts): a
  // server in another container on the same volume is not a pid this process can see.
  const sqliteFile = /^sqlite:(?!:memory:)(.+)$/.exec(config.databaseUrl)?.[1];
  const taken = sqliteFile ? takeExclusively(sqliteFile) : null;
  if (taken === 'in-use') {
    throw new RefusedStartError(
      `the database ${where} is in use by a running guestlist: stop it before clearing the sandbox. Nothing was changed.`,
    );
  }
  const release = () => {
    if (taken) taken.release();
  };
  // And the sandbox's own lock (a RefusedStartError, printed by main.ts).
  const unlock = await lockSandbox(config.dataDir).catch((error: unknown) => {
    release();
    throw error;
  });
  const db = await openDatabase(config.databaseUrl).catch(async (error: unknown) => {
    await unlock();
    release();
    throw error;
  });
  try {
    await db.migrate();
    // No owner row (made before it existed): the sandbox's if its outbox holds mail (main.ts firstOwner).
    const owner =
      (await db.serverSecrets.get(DATABASE_OWNER_KEY)) ??
      ((await db.store.listSandboxMessages()).length > 0 ? 'sandbox' : null);
    if (owner !== 'sandbox') {
      const whose = owner
        ? `belongs to Entra tenant ${owner.replace(/^entra:/, '')}`
        : 'has no record of being a sandbox';
      process.stderr.write(
        `The database ${where} ${whose}: sandbox clear clears only a sandbox's. Nothing was changed.\n`,
      );
      return 1;
    }
    const tables = await db.dropAllTables();
    const directory = path.join(config.dataDir, 'emulator', 'directory.json');
    const hadDirectory = existsSync(directory);
    await rm(directory, { force: true });
    process.stdout.write(
      `Cleared the sandbox database ${where} (${tables} tables dropped)` +
        `${hadDirectory ? ` and the emulated directory ${directory}` : ''}. The next start creates a new, empty database.\n`,
    );
    return 0;
  } finally {
    await db.close();
    await unlock();
    release();
  }
}
