import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { KEY } from '@nightshift/state';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * Runs `fn` holding the capability's dispatch lock, so two routers never both spend the same free slot. The
 * lease is short and renewed while the round runs: a router killed mid-round delays the others by one lease.
 * Waiting for the lock gives up after `waitMs`, naming it.
 */
export async function withDispatchLock<T>(
  redis: Redis,
  capability: string,
  fn: () => Promise<T>,
  leaseMs = 5_000,
  waitMs = 120_000,
): Promise<T> {
  const key = KEY.dispatchLock(capability);
  const token = randomUUID();
  const giveUpAt = Date.now() + waitMs;
  while ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') {
    if (Date.now() > giveUpAt)
      throw new Error(
        `dispatch lock ${key} was held for over ${waitMs / 1000} s by another router's round; it expires ${leaseMs / 1000} s after that router stops renewing it`,
      );
    await sleep(25);
  }
  const renew = setInterval(
    () => void redis.eval(RENEW, 1, key, token, String(leaseMs)).catch(() => undefined),
    leaseMs / 3,
  );
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, token);
  }
}
