// The doctor's check of the provisioning pause (jobs/directory-pause.ts): when a
// tenant-wide fault has paused provisioning, say why and what to do, from the database
// every Guestlist process shares. The other checks usually show the same fault live;
// this line says that requests are waiting on it, and since when.
import type { DirectoryPause } from '../ports.ts';
import type { Context } from './doctor.ts';
import { type Line, skipped } from './doctor-lines.ts';

interface PauseReader {
  getDirectoryPause?: () => Promise<DirectoryPause | null>;
}

export async function checkProvisioningPause({ deps }: Context): Promise<Line[]> {
  const open = deps.openDatabase ?? (await import('../adapters/store/index.ts')).openDatabase;
  let pause: DirectoryPause | null;
  try {
    const db = await open(deps.config.databaseUrl);
    try {
      const store = db.store as PauseReader;
      if (!store.getDirectoryPause) return [skipped('Provisioning pause', 'this database does not record one.')];
      pause = await store.getDirectoryPause();
    } finally {
      await db.close();
    }
  } catch {
    // The database check above has said what is wrong with it.
    return [skipped('Provisioning pause', 'the database could not be read.')];
  }
  if (!pause) return [{ mark: '✓', text: 'Provisioning is running (not paused).' }];
  return [
    {
      mark: '✗',
      text: `Provisioning is paused since ${pause.since.toISOString()}: ${pause.reason}`,
      fix: `${pause.fix} Provisioning resumes by itself within about two minutes of the fix.`,
    },
  ];
}
