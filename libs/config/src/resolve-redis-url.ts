import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { NightshiftConfig } from './load-config';

/** File where `nightshift up` records the URL of the Redis it started, so other commands find it. */
export function embeddedRedisUrlFile(config: NightshiftConfig): string {
  return path.join(config.paths.redis, 'redis.url');
}

/** REDIS_URL, else `redis.url` from config, else the Redis that `nightshift up` started; null when none is known. */
export function resolveRedisUrl(config: NightshiftConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env['REDIS_URL']) return env['REDIS_URL'];
  if (config.redis.url) return config.redis.url;
  try {
    return readFileSync(embeddedRedisUrlFile(config), 'utf8').trim() || null;
  } catch {
    return null;
  }
}
