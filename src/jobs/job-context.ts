// Each job run under its log context (telemetry/log-context.ts): every line its use case
// writes, the business events committed by it and a provisioning pause it starts or ends
// carry the job's id, kind and access request. Giving up carries the error too, so the
// `failed` line can say Graph's code and request-id without the use case passing them on.
import type { JobKind } from '../ports.ts';
import { withLogContext } from '../telemetry/log-context.ts';
import type { JobHandler } from './worker.ts';

export function withJobContext<K extends JobKind>(handlers: Record<K, JobHandler>): Record<K, JobHandler> {
  const entries = Object.entries<JobHandler>(handlers).map(([kind, handler]) => {
    const wrapped: JobHandler = {
      ...handler,
      run: (job, held) =>
        withLogContext({ jobId: job.id, jobKind: job.kind, requestId: job.requestId }, () => handler.run(job, held)),
      giveUp: (job, error) =>
        withLogContext({ jobId: job.id, jobKind: job.kind, requestId: job.requestId, gaveUpWith: error }, () =>
          handler.giveUp(job, error),
        ),
    };
    return [kind, wrapped];
  });
  return Object.fromEntries(entries) as Record<K, JobHandler>;
}
