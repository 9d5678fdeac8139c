import type { NightshiftConfig } from '@nightshift/config';
import { resolveRedisUrl } from '@nightshift/config';

import { connectRedis } from '../redis-client';
import { type CheckResult, fail, pass, skip } from './doctor-check';

/** Most a host's clock may differ from Redis': leases, pauses and heartbeats compare times across hosts. */
const MAX_SKEW_MS = 2000;

/** Redis answers (when one is known) and this host's clock agrees with it. */
export async function checkRedis(
  config: NightshiftConfig,
  env: NodeJS.ProcessEnv,
  now: () => number = Date.now,
): Promise<CheckResult[]> {
  const url = resolveRedisUrl(config, env);
  if (!url)
    return [skip('redis', 'none running yet: `nightshift up` starts one'), skip('clock', 'no Redis to compare with')];
  let redis;
  try {
    redis = await connectRedis(config);
  } catch (err) {
    const external = Boolean(config.redis.url || env['REDIS_URL']);
    return [
      fail(
        'redis',
        (err as Error).message,
        external ? 'start that Redis or fix redis.url / REDIS_URL' : 'start it with `nightshift up`',
      ),
      skip('clock', 'no Redis to compare with'),
    ];
  }
  try {
    const before = now();
    const [sec = 0, usec = 0] = await redis.time();
    const local = (before + now()) / 2;
    const skew = Number(sec) * 1000 + Number(usec) / 1000 - local;
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    return [
      pass('redis', `Redis ${version} answers`),
      Math.abs(skew) <= MAX_SKEW_MS
        ? pass('clock', `${Math.round(skew)} ms from Redis' clock`)
        : fail(
            'clock',
            `this host's clock is ${(skew / 1000).toFixed(1)} s off Redis' clock (more than ${MAX_SKEW_MS / 1000} s)`,
            'sync the clock (chrony or systemd-timesyncd); claims, pauses and heartbeats compare times across hosts',
          ),
    ];
  } finally {
    redis.disconnect();
  }
}
