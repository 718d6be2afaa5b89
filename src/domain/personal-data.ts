// Which requests may lose their person (README, "Personal data and retention").
// Erased automatically after the retention period: requests that ended without access —
// rejected, withdrawn, or expired before any directory user was recorded (verification or
// approval never came). A request that gave access (a guest exists for it) keeps its person
// until an admin erases it on a data-subject request (`guestlist erase --email`), which takes
// every request that has ended, and refuses while one is still open or gives access: ending
// it first (`request revoke`) is a decision with consequences in the directory, not a
// side effect of erasing.
import type { Status } from './lifecycle.ts';

/** Erased after GUESTLIST_RETENTION_DAYS. */
export function endedWithoutAccess(request: { status: Status; directoryUserId: string | null }): boolean {
  if (request.status === 'rejected' || request.status === 'withdrawn') return true;
  return request.status === 'expired' && request.directoryUserId === null;
}

const ENDED: ReadonlySet<Status> = new Set<Status>(['rejected', 'withdrawn', 'expired', 'revoked']);

/** May be erased on a data-subject request: nothing more happens to it. */
export function hasEnded(status: Status): boolean {
  return ENDED.has(status);
}

/** The audit trail's stand-in for free text that was erased (the migration 0017 trigger allows only it). */
export const ERASED_TEXT = '[erased]';
