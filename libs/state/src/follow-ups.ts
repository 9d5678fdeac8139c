import type { Redis } from 'ioredis';

import { KEY } from './keys';

/**
 * Why a follow-up was asked for: new review feedback or failed CI on the PR, a human moved the ticket back, or the
 * base branch moved and the PR no longer merges (or its checks fail once rebased).
 */
export type FollowUpTrigger = 'feedback' | 'moved-back' | 'base-moved';

/** Per-ticket follow-up state: rounds started so far, and a follow-up asked for but not yet dispatched. */
export class FollowUps {
  constructor(private readonly redis: Redis) {}

  async rounds(ticket: string): Promise<number> {
    return Number((await this.redis.get(KEY.followUpRounds(ticket))) ?? 0);
  }

  /** Counts one more round; returns its number (1-based). */
  startRound(ticket: string): Promise<number> {
    return this.redis.incr(KEY.followUpRounds(ticket));
  }

  /** The follow-up policy sent the ticket back to the queue for this reason; kept until the router dispatches it. */
  async markPending(ticket: string, trigger: FollowUpTrigger, summary: string): Promise<void> {
    await this.redis.set(KEY.followUpPending(ticket), JSON.stringify({ trigger, summary }), 'EX', 7 * 24 * 3600);
  }

  async pending(ticket: string): Promise<{ trigger: FollowUpTrigger; summary: string } | null> {
    const raw = await this.redis.get(KEY.followUpPending(ticket));
    return raw ? (JSON.parse(raw) as { trigger: FollowUpTrigger; summary: string }) : null;
  }

  async clearPending(ticket: string): Promise<void> {
    await this.redis.del(KEY.followUpPending(ticket));
  }
}
