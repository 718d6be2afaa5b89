// Prometheus metrics through prom-client, one registry per process (not prom-client's
// global one, so two apps in one test process never share counters). What they say:
//   - counters and the histogram move where things happen: the Graph adapter's one fetch
//     handler and its throttle gate (through the GraphMetrics port), the directory's
//     invite and the mailer (directory and mailer decorators, request-events.ts), each
//     committed lifecycle move (request-events.ts);
//   - gauges about the database (requests per state, the queue per job kind) are read on
//     each scrape, by two grouped queries, rather than kept up to date by every process:
//     several web and worker processes share one database, and each reports it whole.
// No label ever holds an id, an address or a name: Graph paths are templated
// (graph-endpoint.ts), and job kinds, states and events are fixed sets.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { STATUSES, type Status } from '../domain/lifecycle.ts';
import type { Clock, DirectoryPause, GraphMetrics, QueueStats } from '../ports.ts';

export interface MetricsSources {
  /** Requests per state (RequestQueries.countByStatus). */
  countByStatus(): Promise<Partial<Record<Status, number>>>;
  queueStats: QueueStats;
  /** The provisioning pause in force (Store.getDirectoryPause). */
  directoryPause(): Promise<DirectoryPause | null>;
  clock: Clock;
}

export interface Metrics extends GraphMetrics {
  /** A Graph invitation created (`sent`) or refused (`failed`). */
  invitation(outcome: 'sent' | 'failed'): void;
  /** An email handed to the mail server or refused, by the job that sent it. */
  email(job: string, outcome: 'sent' | 'failed'): void;
  /** A committed lifecycle move (request-events.ts names them). */
  requestEvent(event: string): void;
  /** From the move into `approved` to `invited`. */
  approveToInvited(seconds: number): void;
  /** The text exposition of every metric, for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'guestlist_requests',
    help: 'Access requests in each lifecycle state (read from the database on each scrape).',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await sources.countByStatus();
      // Every state, zeros included, so a state that empties drops to 0 instead of vanishing.
      for (const status of STATUSES) this.set({ status }, counts[status] ?? 0);
    },
  });
  new Gauge({
    name: 'guestlist_provisioning_paused',
    help: '1 while a tenant-wide directory fault pauses provisioning (jobs/directory-pause.ts), else 0.',
    registers: [registry],
    async collect() {
      this.set((await sources.directoryPause()) ? 1 : 0);
    },
  });
  let queue: Awaited<ReturnType<QueueStats['jobsByKind']>> | null = null;
  let queueRead: Promise<void> | null = null;
  /** One query per scrape for the two queue gauges. */
  const readQueue = () => {
    queueRead ??= sources.queueStats
      .jobsByKind(sources.clock.now())
      .then((rows) => {
        queue = rows;
      })
      .finally(() => {
        queueRead = null;
      });
    return queueRead;
  };
  new Gauge({
    name: 'guestlist_jobs',
    help: 'Jobs not yet done, by kind and state: due (waiting for a worker), running (leased), scheduled (later).',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      await readQueue();
      this.reset(); // a kind with no job left disappears rather than keep its last count
      for (const row of queue ?? []) {
        this.set({ kind: row.kind, state: 'due' }, row.due);
        this.set({ kind: row.kind, state: 'running' }, row.running);
        this.set({ kind: row.kind, state: 'scheduled' }, row.scheduled);
      }
    },
  });
  new Gauge({
    name: 'guestlist_jobs_oldest_due_age_seconds',
    help: 'How long the oldest due job of each kind has waited for a worker (0: none waiting).',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      await readQueue();
      this.reset();
      const now = sources.clock.now().getTime();
      for (const row of queue ?? []) {
        this.set({ kind: row.kind }, row.oldestDueAt ? Math.max(0, (now - row.oldestDueAt.getTime()) / 1000) : 0);
      }
    },
  });

  const graphCalls = new Counter({
    name: 'guestlist_graph_requests_total',
    help: 'Microsoft Graph calls by method, templated path and HTTP status (network/timeout: no answer).',
    labelNames: ['method', 'endpoint', 'status'],
    registers: [registry],
  });
  const graphSeconds = new Histogram({
    name: 'guestlist_graph_request_duration_seconds',
    help: 'How long Microsoft Graph took to answer, by method and templated path.',
    labelNames: ['method', 'endpoint'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const throttleWaits = new Counter({
    name: 'guestlist_graph_throttle_waits_total',
    help: 'Invitations held back locally because Graph throttles (throttle-gate.ts), each a job retried later.',
    registers: [registry],
  });
  const throttleWaitSeconds = new Counter({
    name: 'guestlist_graph_throttle_wait_seconds_total',
    help: 'The waits those held invitations were told to observe, summed.',
    registers: [registry],
  });
  const invitations = new Counter({
    name: 'guestlist_invitations_total',
    help: 'Graph invitations (POST /invitations) created (sent) or refused (failed).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const emails = new Counter({
    name: 'guestlist_emails_total',
    help: 'Emails Guestlist sent or failed to send, by the job that sent them (send_invitation, send_verification, notify_requester).',
    labelNames: ['job', 'outcome'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'guestlist_request_events_total',
    help: 'Committed lifecycle moves by event (submitted, verified, approved, invited, redeemed, failed…).',
    labelNames: ['event'],
    registers: [registry],
  });
  const approveToInvited = new Histogram({
    name: 'guestlist_approve_to_invited_seconds',
    help: 'Time from a request entering approved to its invited commit.',
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [registry],
  });

  return {
    graphCall({ method, endpoint, status, seconds }) {
      graphCalls.inc({ method, endpoint, status });
      graphSeconds.observe({ method, endpoint }, seconds);
    },
    throttleWait(ms) {
      throttleWaits.inc();
      throttleWaitSeconds.inc(ms / 1000);
    },
    invitation: (outcome) => invitations.inc({ outcome }),
    email: (job, outcome) => emails.inc({ job, outcome }),
    requestEvent: (event) => events.inc({ event }),
    approveToInvited: (seconds) => approveToInvited.observe(seconds),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
