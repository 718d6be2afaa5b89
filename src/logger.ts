// The process logger (pino). Secrets never reach it: authorization headers and any field
// that looks like a credential are redacted wherever they appear in a logged object.
import { pino } from 'pino';

export function createLogger(level: string) {
  return pino({
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
      ],
      censor: '[redacted]',
    },
  });
}
export type AppLogger = ReturnType<typeof createLogger>;
