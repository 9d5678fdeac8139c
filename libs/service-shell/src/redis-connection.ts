import { openRedis, redisUrlPassword } from '@nightshift/config';
import { redactSecrets } from '@nightshift/domain';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection that never gives up: commands wait while it reconnects with capped backoff
 * (BullMQ workers need `maxRetriesPerRequest: null`), and it does not crash the process when Redis is
 * absent at start; `/readyz` reports it instead.
 */
export function createRedis(url: string, logger: Logger, name = 'nightshift'): Redis {
  const redis = openRedis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
  });
  let lastError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastError)
      logger.warn({ err: err.message, redis: safeRedisUrl(url) }, 'redis unreachable; retrying with backoff');
    lastError = err.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info({ redis: safeRedisUrl(url) }, 'redis reachable again');
    lastError = '';
  });
  return redis;
}

/** The Redis URL with any password removed, for logs and readiness answers. */
export function safeRedisUrl(url: string): string {
  const password = redisUrlPassword(url);
  return redactSecrets(url, password ? [password, encodeURIComponent(password)] : []);
}

/** Resolves once Redis answers PING (waiting through reconnects), or rejects after `timeoutMs`. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (redis.status === 'ready' && (await withTimeout(redis.ping(), 1000)) === 'PONG') return;
    } catch {
      // still down; keep waiting until the deadline
    }
    if (Date.now() > deadline) throw new Error(`Redis did not answer within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 200);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
