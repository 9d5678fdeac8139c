import type { Logger } from 'pino';

interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * BullMQ queues, workers and queue-event listeners emit 'error' while Redis is away; unhandled,
 * Node would crash the service. Log each distinct error once in a row instead: the connection retries.
 */
export function logErrors<T extends ErrorEmitter>(emitter: T, logger: Logger, what: string): T {
  let last = '';
  emitter.on('error', (err: Error) => {
    if (err.message !== last) logger.warn({ err: err.message, what }, 'queue connection error; retrying');
    last = err.message;
  });
  return emitter;
}
