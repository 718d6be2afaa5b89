// One sandbox per data folder. Two `serve` processes on one folder would each run an
// emulator over the same saved directory (each overwriting the other's guests) and share
// one SQLite file behind each other's back. The first takes `emulator/guestlist.lock`
// (created exclusively, holding its pid); a second is refused with the holder's pid. A lock
// left by a process that is gone (killed, crashed) is taken over.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RefusedStartError } from './domain/refused-start.ts';

export async function lockSandbox(dataDir: string): Promise<() => Promise<void>> {
  const folder = path.join(dataDir, 'emulator');
  const file = path.join(folder, 'guestlist.lock');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
      throw new RefusedStartError(
        `the database is locked: the sandbox in ${dataDir} is held by another guestlist (pid ${holder}); ` +
          'stop it, or set GUESTLIST_DATA_DIR to another folder.',
      );
    }
    await rm(file, { force: true }); // left by a process that is gone
  }
  throw new RefusedStartError(
    `could not take the sandbox lock ${file}: another guestlist is starting there; try again.`,
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
