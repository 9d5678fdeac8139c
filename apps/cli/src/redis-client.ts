import { Redis } from 'ioredis';
import type { NightshiftConfig } from '@nightshift/config';
import { resolveRedisUrl } from '@nightshift/service-shell';

/** A short-lived connection for a CLI command; fails fast when Redis is not there. */
export function connectRedis(config: NightshiftConfig): Redis {
  const url = resolveRedisUrl(config);
  if (!url) throw new Error(`no Redis known: start Nightshift with \`nightshift up\`, or set REDIS_URL or redis.url in ${config.file}`);
  return new Redis(url, { maxRetriesPerRequest: 2, retryStrategy: (n) => (n > 3 ? null : 200) });
}

/** Runs `fn` with a connection and always disconnects. */
export async function withRedis<T>(config: NightshiftConfig, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = connectRedis(config);
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}
