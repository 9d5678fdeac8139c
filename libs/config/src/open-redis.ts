import { readFileSync } from 'node:fs';

import type { Redis, RedisOptions } from 'ioredis';

import { parseRedisUrl } from './redis-target';

/**
 * The one place a Redis URL becomes a client: `redis://` and `rediss://` (TLS; a private CA from
 * REDIS_TLS_CA_FILE, else the system's), ACL user and password, and `redis+sentinel://` (the client asks
 * the sentinels for the current primary and follows a failover). `options` are the caller's client settings.
 */
export function openRedis(url: string, options: RedisOptions = {}): Redis {
  // Loaded on first use: a command that never talks to Redis (`--help`, `init`) does not pay for ioredis.
  const { Redis } = require('ioredis') as typeof import('ioredis');
  const target = parseRedisUrl(url);
  const caFile = process.env['REDIS_TLS_CA_FILE'];
  const tls = target.tls ? { ...(caFile ? { ca: readFileSync(caFile) } : {}) } : undefined;
  if (target.kind === 'single') return new Redis(url, { ...(tls ? { tls } : {}), ...options });
  return new Redis({
    sentinels: target.sentinels,
    name: target.name,
    username: target.username,
    password: target.password,
    db: target.db,
    ...(tls ? { tls, enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
    // After a failover the old primary may still answer as a replica for a moment: ask the sentinels again.
    failoverDetector: true,
    ...options,
  });
}
