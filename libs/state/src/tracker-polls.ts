import type { Redis } from 'ioredis';

import { KEY } from './keys';

/** Polling slowed below its configured interval: the reason, the interval kept, and since when (ISO). */
export interface PollSlowdown {
  reason: 'poll-share' | 'budget-low' | 'budget-spent';
  intervalSec: number;
  since: string;
}

/**
 * When each tracker last answered a poll, so a dashboard can tell "no work" (polls succeed, nothing
 * queued) from "polling failed" (the timestamp stops moving).
 */
export class TrackerPolls {
  constructor(private readonly redis: Redis) {}

  async recordSuccess(tracker: string, at = new Date()): Promise<void> {
    await this.redis.hset(KEY.trackerLastSuccess, tracker, String(at.getTime()));
  }

  /** Records that polling is slowed (why, and the interval it keeps), or clears it (null). */
  async recordPace(tracker: string, pace: PollSlowdown | null): Promise<void> {
    if (pace) await this.redis.hset(KEY.trackerPollPace, tracker, JSON.stringify(pace));
    else await this.redis.hdel(KEY.trackerPollPace, tracker);
  }

  /** tracker kind → how its polling is slowed, for the trackers whose polling is. */
  async slowdowns(): Promise<Record<string, PollSlowdown>> {
    const raw = await this.redis.hgetall(KEY.trackerPollPace);
    return Object.fromEntries(
      Object.entries(raw).map(([tracker, json]) => [tracker, JSON.parse(json) as PollSlowdown]),
    );
  }

  /** tracker kind → epoch ms of its last successful poll. */
  async lastSuccess(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(KEY.trackerLastSuccess);
    return Object.fromEntries(Object.entries(raw).map(([tracker, ms]) => [tracker, Number(ms)]));
  }
}
