// The process logger (pino). Secrets never reach it: authorization headers, the configured
// connection URLs and any field that looks like a credential are redacted wherever they
// appear in a logged object, and request URLs are logged without their query string,
// which can carry a secret of its own (`/verify?token=…`, the sandbox's `/sandbox/redeem?ticket=…`).
import { type DestinationStream, pino } from 'pino';

export function createLogger(level: string, destination?: DestinationStream) {
  const options = {
    level,
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
        '*.teamsWebhookUrl',
        'config.catalogue.apps[*].teamsWebhookUrl',
      ],
      censor: '[redacted]',
    },
    serializers: { req: requestWithoutQuery },
  };
  return destination ? pino(options, destination) : pino(options);
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
