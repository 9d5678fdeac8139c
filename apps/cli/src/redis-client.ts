import type { NightshiftConfig } from '@nightshift/config';
import { openRedis, redisUrlPassword, resolveRedisUrl } from '@nightshift/config';
import type { Redis } from 'ioredis';

import { NotRunningError } from './errors/not-running.error';

/**
 * A short-lived connection for a CLI command. Fails at once, with one line naming the Redis it tried,
 * when nothing answers: no retries, no offline queue, no client stack traces.
 */
export async function connectRedis(config: NightshiftConfig): Promise<Redis> {
  const url = resolveRedisUrl(config);
  if (!url)
    throw new NotRunningError(
      `no Redis known: no REDIS_URL, no redis.url in ${config.file}, and no Redis started by "nightshift up"`,
    );
  const redis = openRedis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // the failed connect() below reports it, once
  try {
    await redis.connect();
  } catch {
    redis.disconnect();
    const { redactSecrets } = require('@nightshift/domain') as typeof import('@nightshift/domain');
    const password = redisUrlPassword(url);
    throw new NotRunningError(`no Redis at ${redactSecrets(url, password ? [password] : undefined)}`);
  }
  return redis;
}

/** Runs `fn` with a connection and always disconnects. */
export async function withRedis<T>(config: NightshiftConfig, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = await connectRedis(config);
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}
