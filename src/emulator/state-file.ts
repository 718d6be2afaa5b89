// The emulator's state file (EmulatorOptions.stateFile): read once at start, rewritten
// after changes. Writes go to a temp file that is flushed and renamed over the old one,
// so a crash mid-write leaves the previous complete file, never a torn one. Bursts are
// coalesced: the first change arms a timer and one write then carries every change made
// meanwhile, so a run of invitations costs a few writes a second, not one per call.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkSnapshot, type Snapshot } from './snapshot.ts';

export const SAVE_INTERVAL_MS = 200;

/**
 * The saved snapshot, or null when there is no file yet. Anything else (unreadable, not
 * JSON, the wrong shape, another tenant) throws an error naming the file. Failing is
 * deliberate: starting empty would look like a working sandbox while every guest is
 * gone; Guestlist's redemption check would then revoke each invited request, and the
 * first save would overwrite what an admin could still have repaired. Better to stop and
 * say which file to fix or move away.
 */
export async function readStateFile(file: string, tenantId: string): Promise<Snapshot | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unusable(file, (error as Error).message, error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw unusable(file, `it is not valid JSON (${(error as Error).message})`, error);
  }
  const problem = checkSnapshot(data, tenantId);
  if (problem) throw unusable(file, problem);
  return data as Snapshot;
}

function unusable(file: string, reason: string, cause?: unknown): Error {
  return new Error(
    `Cannot load the emulator state file ${file}: ${reason}. Fix the file, or move it away to start with an empty directory.`,
    { cause },
  );
}

export interface StateWriter {
  /** Notes that the state changed; a write follows within `intervalMs`. */
  changed(): void;
  /** Writes now if anything changed since the last write; rejects if that write fails. */
  flush(): Promise<void>;
}

export function stateWriter(file: string, serialize: () => string, intervalMs = SAVE_INTERVAL_MS): StateWriter {
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  // Writes run one after another, never two at once on the same temp file.
  let queue: Promise<void> = Promise.resolve();
  let warned = false;

  const save = async () => {
    if (!dirty) return;
    // Serialized synchronously here, so every change made before this point is in the
    // text, and any change made while it is written sets `dirty` again.
    dirty = false;
    try {
      await writeAtomically(file, serialize());
      warned = false;
    } catch (error) {
      dirty = true; // retried with the next change, or by flush()
      throw error;
    }
  };
  const enqueue = () => {
    const next = queue.then(save);
    queue = next.catch(() => {});
    return next;
  };

  return {
    changed() {
      dirty = true;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        enqueue().catch((error: unknown) => {
          // A timer has no caller to tell; warn once per run of failures, not per change.
          if (warned) return;
          warned = true;
          process.emitWarning(`Could not save the emulator state to ${file}: ${(error as Error).message}`);
        });
      }, intervalMs);
      // The server keeps the process alive while it runs; the timer alone should not.
      timer.unref();
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      return enqueue();
    },
  };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  // 0600: the file holds guests' names and addresses.
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
