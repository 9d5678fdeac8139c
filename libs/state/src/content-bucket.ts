import type { Redis } from 'ioredis';

import { KEY } from './keys';

/** A limit of `max` per `windowMs` (GitHub's 80 content creations a minute, 500 an hour). */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/** One token bucket per limit, in one Redis hash: level `l<i>` and last refill `t<i>` (Redis's own clock, shared by every host). */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1])
local wait = 0
local levels = {}
for i = 1, n do
  local cap = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local level = tonumber(redis.call('HGET', KEYS[1], 'l' .. i) or cap)
  local at = tonumber(redis.call('HGET', KEYS[1], 't' .. i) or now)
  level = math.min(cap, level + math.max(0, now - at) * rate)
  levels[i] = level
  if level < 1 then wait = math.max(wait, math.ceil((1 - level) / rate)) end
end
if wait > 0 then return wait end
for i = 1, n do
  redis.call('HSET', KEYS[1], 'l' .. i, tostring(levels[i] - 1), 't' .. i, now)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2 * n + 2])
return 0`;

/** Of each limit, this share is paced (the rest absorbs writes that bypass the bucket and clock skew). */
const PACED_SHARE = 0.9;
/** Of the paced share, this much may go at once; the rest refills evenly over the window. */
const BURST_SHARE = 0.1;

/**
 * The bucket a limit becomes: capacity B and refill rate r with B + r × window ≤ 90 % of max, so no
 * window of that length, however aligned, ever holds more than 90 % of max. 80/min → a burst of 7,
 * then 65 a minute; 500/h → a burst of 45, then 405 an hour (the hour's bucket sets the pace of a long night).
 */
export function bucketFor(limit: WindowLimit): { capacity: number; perMs: number } {
  const paced = Math.max(1, Math.floor(limit.max * PACED_SHARE));
  const capacity = Math.max(1, Math.floor(paced * BURST_SHARE));
  return { capacity, perMs: Math.max(paced - capacity, 1) / limit.windowMs };
}

/**
 * A token bucket per limit in Redis, shared by every host and process using the same credential, so
 * together they stay under each limit (GitHub's content creations: 80 a minute, 500 an hour). `take`
 * waits until every bucket holds a token, then spends one of each, atomically (a Lua script).
 */
export class ContentBucket {
  private readonly args: string[];

  constructor(
    private readonly redis: Redis,
    /** Whose bucket: the credential's environment variable name (never the secret itself). */
    private readonly name: string,
    limits: WindowLimit[],
  ) {
    if (limits.length === 0) throw new TypeError(`ContentBucket ${name}: give at least one limit.`);
    const buckets = limits.map(bucketFor);
    const ttl = Math.max(...limits.map((l) => l.windowMs)) * 2;
    this.args = [String(buckets.length), ...buckets.flatMap((b) => [String(b.capacity), String(b.perMs)]), String(ttl)];
  }

  /** Milliseconds to wait before a token can be had (0: one was taken now). */
  async tryTake(): Promise<number> {
    return Number(await this.redis.eval(TAKE, 1, KEY.contentBucket(this.name), ...this.args));
  }

  /** Waits (without holding anything) until a token is free in every bucket, and takes it. Returns the milliseconds waited. */
  async take(): Promise<number> {
    const started = Date.now();
    for (;;) {
      const wait = await this.tryTake();
      if (wait === 0) return Date.now() - started;
      // Spread the waiters of many processes, so they do not all ask again at the same instant.
      await new Promise((r) => setTimeout(r, wait + Math.floor(Math.random() * Math.min(250, wait))));
    }
  }
}
