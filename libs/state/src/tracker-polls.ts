import type { Redis } from 'ioredis';
import { KEY } from './keys';

/**
 * When each tracker last answered a poll, so a dashboard can tell "no work" (polls succeed, nothing
 * queued) from "polling failed" (the timestamp stops moving).
 */
export class TrackerPolls {
  constructor(private readonly redis: Redis) {}

  async recordSuccess(tracker: string, at = new Date()): Promise<void> {
    await this.redis.hset(KEY.trackerLastSuccess, tracker, String(at.getTime()));
  }

  /** tracker kind → epoch ms of its last successful poll. */
  async lastSuccess(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(KEY.trackerLastSuccess);
    return Object.fromEntries(Object.entries(raw).map(([tracker, ms]) => [tracker, Number(ms)]));
  }
}
