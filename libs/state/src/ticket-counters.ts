import type { Redis } from 'ioredis';
import { KEY } from './keys';

/** Per-ticket counters: attempts spent (only task failures spend one), launches, and retry cool-downs. */
export class TicketCounters {
  constructor(private readonly redis: Redis) {}

  async attemptsSpent(ticket: string): Promise<number> {
    return Number((await this.redis.get(KEY.attempts(ticket))) ?? 0);
  }

  /** Spends one attempt; returns the new total. */
  spendAttempt(ticket: string): Promise<number> {
    return this.redis.incr(KEY.attempts(ticket));
  }

  /** A new launch number for the ticket: run ids are `<ticket>.<launch>`, unique and readable. */
  nextLaunch(ticket: string): Promise<number> {
    return this.redis.incr(KEY.launches(ticket));
  }

  async coolDown(ticket: string, ms: number, reason: string): Promise<void> {
    if (ms > 0) await this.redis.set(KEY.cooldown(ticket), reason, 'PX', Math.round(ms));
  }

  /** The reason the ticket is cooling down, or null when it may be picked up. */
  coolingDown(ticket: string): Promise<string | null> {
    return this.redis.get(KEY.cooldown(ticket));
  }

  /** True the first time it is called for `marker` (e.g. "comment posted"), false ever after. */
  async once(marker: string): Promise<boolean> {
    return (await this.redis.set(KEY.once(marker), '1', 'NX')) === 'OK';
  }
}
