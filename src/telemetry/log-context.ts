// What a log line is about, beyond its own fields: the HTTP request (reqId) or the job
// (jobId, its kind and access request) whose work is under way when the line is written.
// An AsyncLocalStorage, so that the business-event lines written after a commit
// (request-events.ts) and the pause lines (jobs/directory-pause.ts) carry it without every
// use case passing ids down. It is the one module-level object of this kind: it holds no
// state outside a run (each HTTP request and each job run gets its own), so tests need no
// reset, and a line written outside any run simply carries nothing extra.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  /** Fastify's id of the HTTP request being answered. */
  reqId?: string;
  /** The job being run by the worker, its kind and its access request. */
  jobId?: string;
  jobKind?: string;
  requestId?: string;
  /** The error a job gave up with (the `failed` line reads Graph's code and request-id from it). */
  gaveUpWith?: unknown;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` added to the current one. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** The fields every log line gets (pino's mixin, logger.ts): ids only, never the error. */
export function logContextFields(): Record<string, string> {
  const context = storage.getStore();
  if (!context) return {};
  const fields: Record<string, string> = {};
  if (context.reqId) fields.reqId = context.reqId;
  if (context.jobId) fields.jobId = context.jobId;
  if (context.jobKind) fields.jobKind = context.jobKind;
  if (context.requestId) fields.requestId = context.requestId;
  return fields;
}
