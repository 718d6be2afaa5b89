// Traces and metrics to Azure Monitor (Application Insights), only when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set: that is how Azure operators watch a service.
//
// Why it is shaped like this:
// - The distro (@azure/monitor-opentelemetry) is ~125 packages and tens of MB of modules: it is
//   imported dynamically here, and this module is the only one that names it, so a start
//   without the variable never loads it (cli/commands.ts calls startAzureMonitor).
// - Its instrumentations patch modules as they are loaded (require hooks): it must start before
//   Fastify, pg and node:http are imported — so before serve-command.ts and main.ts are.
// - Nothing beyond what telemetry needs: statsbeat (the SDK's telemetry about itself, sent to
//   Microsoft's endpoints) and Live Metrics (a second, polling connection) are off. Nothing
//   here waits for the network: a start offline is as fast as online, and the exporter's
//   failures are retried (and kept on disk) in the background.
// - Metrics are exported every 60 s, the distro's default (OTEL_METRIC_EXPORT_INTERVAL
//   overrides it); spans in batches every 5 s (OTEL_BSP_SCHEDULE_DELAY).
// - A query string never leaves: Guestlist's links carry their secret there (/status?token=…,
//   /approval?token=…, the sign-in callback's code). The exporter builds a request's URL from
//   url.path alone and does not send url.query (checked by test/telemetry/azure-monitor.test.ts).
// - Operations are named by their Fastify route (namedByRoute below), never by a path with ids.
// - stopAzureMonitor flushes what is pending at shutdown, within a bound: an unreachable
//   endpoint must not hold a draining process past its grace period.

let shutdown: (() => Promise<void>) | null = null;

/** Starts exporting to the connection string's ingestion endpoint. Call once, before Fastify is imported. */
export async function startAzureMonitor(connectionString: string): Promise<void> {
  if (shutdown) return;
  // Read by the exporter when it is constructed; an operator's own value wins.
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED ??= 'true'; // the optional statsbeat metrics
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= 'true'; // all of statsbeat (the exporter's own name for it)
  process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED ??= 'true'; // customer SDK stats, the same kind
  process.env.OTEL_SERVICE_NAME ??= 'guestlist'; // the cloud role name Application Insights groups by
  const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    enableLiveMetrics: false,
    // Guestlist logs to stdout as JSON (Log Analytics reads it); no console or logger capture.
    instrumentationOptions: {
      http,
      postgreSql: { enabled: true },
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
  });
  shutdown = shutdownAzureMonitor;
}

/** Flushes and stops the exporter, waiting at most `withinMs`; nothing to do if it never started. */
export async function stopAzureMonitor(withinMs = 5000): Promise<void> {
  const stop = shutdown;
  if (!stop) return;
  shutdown = null;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, withinMs);
    timer.unref();
  });
  try {
    await Promise.race([stop().catch(() => {}), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The HTTP instrumentation's options (its hooks are beyond the distro's type). */
const http = { enabled: true, applyCustomAttributesOnSpan: namedByRoute };

/** Set by http/request-log.ts on the raw request: the Fastify route that answered it. */
const ROUTE_ON_RAW = Symbol.for('guestlist.route');

/**
 * An incoming request's span, named `GET /api/v1/requests/:id` rather than `GET`: Application
 * Insights groups operations by it. Requests no route answers (404s) keep the bare method.
 */
function namedByRoute(span: SpanLike, request: object): void {
  const route = (request as Record<symbol, unknown>)[ROUTE_ON_RAW];
  if (typeof route !== 'string') return; // an outgoing request, or an unmatched path
  const method = (request as { method?: string }).method ?? 'GET';
  span.setAttribute('http.route', route);
  span.updateName(`${method} ${route}`);
}

/** What the hook uses of an OpenTelemetry span. */
interface SpanLike {
  setAttribute(name: string, value: string): unknown;
  updateName(name: string): unknown;
}
