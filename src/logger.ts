// The process logger (pino). Secrets never reach it: authorization headers, the configured
// connection URLs and any field that looks like a credential are redacted wherever they
// appear in a logged object, and request URLs are logged without their query string,
// which can carry a secret of its own (`/verify?token=…`, the sandbox's `/sandbox/redeem?ticket=…`).
//
// Every line written while an HTTP request is answered or a job runs carries its ids
// (reqId; jobId, jobKind, requestId) through pino's mixin, read from telemetry/log-context.ts.
// JSON by default (one object a line, what Container Apps and App Insights ingest); readable
// in a terminal through pino-pretty, loaded only then.
import { createRequire } from 'node:module';
import { type DestinationStream, pino } from 'pino';
import { logContextFields } from './telemetry/log-context.ts';

export type LogFormat = 'json' | 'pretty';

export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json') {
  const options = {
    level,
    mixin: logContextFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.clientSecret',
        '*.client_secret',
        '*.secret',
        '*.token',
        '*.password',
        'config.entra.credential',
        'config.cookieSecret',
        '*.cookieSecret',
        // Connection URLs may carry a password (postgres://user:pw@…, smtps://user:pw@…).
        'config.databaseUrl',
        'config.mail.smtpUrl',
        // A Teams Workflows URL carries its own signature: whoever has it may post.
        'config.notifications.teamsWebhookUrl',
        '*.webhookUrl',
        '*.teamsWebhookUrl',
        'config.catalogue.apps[*].teamsWebhookUrl',
        // The scraper's bearer token, and the App Insights ingestion key in its connection string.
        'config.metrics.token',
        'config.telemetry.connectionString',
      ],
      censor: '[redacted]',
    },
    serializers: { req: requestWithoutQuery },
  };
  const target = destination ?? (format === 'pretty' ? prettyStream() : undefined);
  return target ? pino(options, target) : pino(options);
}

/** pino-pretty as a synchronous stream on stdout (no worker thread): lines appear in order, at once. */
function prettyStream(): DestinationStream {
  // Loaded only for a terminal: JSON deployments never pay for it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => DestinationStream;
  return pretty({ sync: true, colorize: process.stdout.isTTY === true, ignore: 'pid,hostname' });
}
export type AppLogger = ReturnType<typeof createLogger>;

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
}

/** Fastify's request fields, the query string replaced by "?…". */
function requestWithoutQuery(req: LoggedRequest) {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  return {
    method: req.method,
    url: query === -1 ? url : `${url.slice(0, query)}?…`,
    host: req.host,
    remoteAddress: req.ip,
  };
}
