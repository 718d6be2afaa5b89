// Entra replicates new directory objects asynchronously: a guest created a moment ago may
// be missing from $filter and answer 404 on GET /users/{id} and on members/$ref "for
// seconds, sometimes minutes" (Microsoft identity blog, "Designing for eventual
// consistency for Microsoft Entra", 2026-03; reference/microsoft-graph.md). A 404 for a
// user this request invited or found is therefore transient for a bounded window, then
// permanent, with what Entra answered kept for the admin.
import { DirectoryError } from './directory-error.ts';

/** A "not found" taken as replication lag: retried without counting an attempt. */
export class ReplicationLagError extends DirectoryError {}

/**
 * What a directory error means for a user this request has known since `since`: a 404
 * within `windowMs` becomes a ReplicationLagError to retry after a back-off that grows
 * with the wait; after it, a permanent error that says how long Entra kept answering 404.
 * Other errors pass unchanged.
 */
export function notFoundAsLag(
  error: unknown,
  input: { since: Date | null; now: Date; windowMs: number; what: string },
): unknown {
  if (!(error instanceof DirectoryError) || error.httpStatus !== 404) return error;
  const waitedMs = input.since ? input.now.getTime() - input.since.getTime() : Number.POSITIVE_INFINITY;
  if (waitedMs < input.windowMs) {
    return new ReplicationLagError({
      message: `${input.what}: Entra answered 404 (${error.graphCode}) ${seconds(waitedMs)} after the user was recorded; waiting for replication.`,
      transient: true,
      graphCode: error.graphCode,
      httpStatus: 404,
      requestId: error.requestId,
      retryAfterMs: lagBackoffMs(waitedMs),
      cause: error,
    });
  }
  return new DirectoryError({
    message: `${input.what}: Entra still answered 404 ${error.graphCode} "${error.message}" ${seconds(waitedMs)} after the user was recorded (the window is ${seconds(input.windowMs)}).`,
    transient: false,
    graphCode: error.graphCode,
    httpStatus: 404,
    requestId: error.requestId,
    cause: error,
  });
}

/** 2 s at first, a quarter of the time waited so far after that, at most a minute. */
export function lagBackoffMs(waitedMs: number): number {
  return Math.min(60_000, Math.max(2_000, Math.floor(waitedMs / 4)));
}

function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return 'long';
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
