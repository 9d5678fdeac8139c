import type { Redis } from 'ioredis';

import { KEY } from './keys';

const RECORD_INFRA_ERROR = `
if redis.call('HGET', KEYS[1], 'fingerprint') ~= ARGV[1] then
  redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'count', 1)
  return 1
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)`;

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

  /** A human gave the ticket its attempts back (`nightshift retry --reset-attempts`). */
  async resetAttempts(ticket: string): Promise<void> {
    await this.redis.del(KEY.attempts(ticket));
  }

  async coolDown(ticket: string, ms: number, reason: string): Promise<void> {
    if (ms > 0) await this.redis.set(KEY.cooldown(ticket), reason, 'PX', Math.round(ms));
  }

  /** The reason the ticket is cooling down, or null when it may be picked up. */
  coolingDown(ticket: string): Promise<string | null> {
    return this.redis.get(KEY.cooldown(ticket));
  }

  /** Ends a cool-down early: a human asked for the ticket to be tried now. */
  async endCoolDown(ticket: string): Promise<void> {
    await this.redis.del(KEY.cooldown(ticket));
  }

  /**
   * Counts one more infrastructure failure in a row for the ticket and returns the streak. A
   * different `fingerprint` (config or ticket text changed since) starts a new streak at 1.
   */
  async recordInfraError(ticket: string, fingerprint: string): Promise<number> {
    const streak = await this.redis.eval(RECORD_INFRA_ERROR, 1, KEY.infraStreak(ticket), fingerprint);
    return Number(streak);
  }

  /** The current run of consecutive infrastructure failures, or null when the last outcome was something else. */
  async infraStreak(ticket: string): Promise<{ count: number; fingerprint: string } | null> {
    const { count, fingerprint } = await this.redis.hgetall(KEY.infraStreak(ticket));
    return count && fingerprint ? { count: Number(count), fingerprint } : null;
  }

  /** Ends the streak: the ticket reached the agent and came back with anything but an infrastructure failure. */
  async clearInfraErrors(ticket: string): Promise<void> {
    await this.redis.del(KEY.infraStreak(ticket));
  }

  /** Makes `once(marker)` true again (the thing it guarded may be said anew). */
  async forgetOnce(marker: string): Promise<void> {
    await this.redis.del(KEY.once(marker));
  }

  /** True the first time it is called for `marker` (e.g. "comment posted"), false ever after. */
  async once(marker: string): Promise<boolean> {
    return (await this.redis.set(KEY.once(marker), '1', 'NX')) === 'OK';
  }
}
