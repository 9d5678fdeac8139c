import { redactSecrets } from '@nightshift/domain';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they sit in a logged object. */
export const REDACTED_KEYS = [
  'token',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'authorization',
  'Authorization',
  'cookie',
  'credentialsPath',
  'credentialPath',
  'webhookUrl',
];

/**
 * JSON logs to stdout (one line per event) with secrets redacted twice over: by key name, and by
 * value for every secret found in the environment, so a token embedded in an error message is caught too.
 */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k}`, `req.headers.${k}`]);
  return pino(
    {
      name: service,
      level,
      base: { service, pid: process.pid },
      redact: { paths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        streamWrite: (line) => redactSecrets(line),
      },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
