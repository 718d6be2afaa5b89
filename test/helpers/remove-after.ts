// Removing a test's temporary folder once the test ends.
import { rm } from 'node:fs/promises';
import type { TestContext } from 'node:test';

/**
 * Removes `dir` after the test, and never fails: node:test runs `after` hooks in the order
 * they were registered and stops at the first that throws. A folder registered early and
 * still being written by a process a later hook stops (ENOTEMPTY) would otherwise skip
 * that hook, and the orphan would hold the test file open (it once held CI for 89 minutes).
 */
export function removeAfter(t: TestContext, dir: string): void {
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined));
}
