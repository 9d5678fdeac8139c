import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { NightshiftConfig } from '@nightshift/config';
import type { Redis } from 'ioredis';

import { NotRunningError } from './errors/not-running.error';
import { withRedis } from './redis-client';

/**
 * `withRedis` for commands that only read history (`runs`, `events`). When the embedded Redis of a
 * stopped `nightshift up` is gone but its AOF is on disk, starts a throw-away redis-server on a copy
 * of it for this one command: the copy, never the original, so a later `up` is not racing a second
 * writer on the same files.
 */
export async function withHistoryRedis<T>(config: NightshiftConfig, fn: (redis: Redis) => Promise<T>): Promise<T> {
  try {
    return await withRedis(config, fn);
  } catch (err) {
    const aof = path.join(config.paths.redis, 'appendonlydir');
    const external = process.env['REDIS_URL'] || config.redis.url;
    if (!(err instanceof NotRunningError) || external || !existsSync(aof)) throw err;
    process.stderr.write(
      `nightshift: Nightshift is not running; showing the history saved in ${config.paths.redis} (start it with "nightshift up")\n`,
    );
    return readSavedHistory(aof, fn);
  }
}

async function readSavedHistory<T>(aof: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const { startEmbeddedRedis } = require('@nightshift/service-shell') as typeof import('@nightshift/service-shell');
  const { Redis } = require('ioredis') as typeof import('ioredis');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nightshift-history-'));
  try {
    cpSync(aof, path.join(dir, 'appendonlydir'), { recursive: true });
    // Behind a password of its own, like the Redis it stands in for: the copy holds the same history.
    const server = await startEmbeddedRedis({ dir, password: randomBytes(24).toString('base64url') });
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      return await fn(redis);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
