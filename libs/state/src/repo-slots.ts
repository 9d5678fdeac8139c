import type { Redis } from 'ioredis';

import { KEY } from './keys';

// One sorted set per repo: member = run id, score = lease expiry (ms). Expired holders (a runner that
// died without releasing) are dropped before counting, so a crash frees its slot once the lease runs out.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0`;
// Only a live lease is renewed: one that ran out may already be counted as free by another acquire.
const RENEW = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) > tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

/**
 * A counting semaphore per repo shared by every host (`repos[].maxConcurrent`): at most `max` runs hold
 * a slot of one repo at once. Holders renew a lease while they run and release in `finally`.
 */
export class RepoSlots {
  constructor(private readonly redis: Redis) {}

  /** True when `runId` now holds (or already held) one of the repo's `max` slots. */
  async acquire(repo: string, runId: string, max: number, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    return (
      (await this.redis.eval(
        ACQUIRE,
        1,
        KEY.repoSlots(repo),
        String(now),
        runId,
        String(max),
        String(now + leaseMs),
        String(leaseMs),
      )) === 1
    );
  }

  /** Extends the holder's lease; false when it no longer holds a slot (its lease ran out). */
  async renew(repo: string, runId: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    return (
      (await this.redis.eval(
        RENEW,
        1,
        KEY.repoSlots(repo),
        runId,
        String(now + leaseMs),
        String(leaseMs),
        String(now),
      )) === 1
    );
  }

  async release(repo: string, runId: string): Promise<void> {
    await this.redis.zrem(KEY.repoSlots(repo), runId);
  }

  /** Run ids holding a live slot of the repo. */
  async holders(repo: string): Promise<string[]> {
    return this.redis.zrangebyscore(KEY.repoSlots(repo), String(Date.now()), '+inf');
  }
}
