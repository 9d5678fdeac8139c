import type { Redis } from 'ioredis';

import { KEY } from './keys';

/**
 * Tickets the router left in the queue state for want of a free slot, by capability: with back-pressure that is
 * where work waits (no session job exists yet), so the idle-swarm page reads it beside the session queues. Each
 * router answer for a ticket replaces the last; a ticket no longer offered drops out after the window.
 */
export class DispatchWaiting {
  constructor(private readonly redis: Redis) {}

  async mark(ticket: string, capability: string, now = Date.now()): Promise<void> {
    await this.redis.hset(KEY.dispatchWaiting, ticket, `${capability}|${now}`);
  }

  async clear(...tickets: string[]): Promise<void> {
    if (tickets.length > 0) await this.redis.hdel(KEY.dispatchWaiting, ...tickets);
  }

  /** Capability → tickets marked waiting within `windowMs` (older marks are dropped: nothing offers them now). */
  async counts(windowMs: number, now = Date.now()): Promise<Record<string, number>> {
    const all = await this.redis.hgetall(KEY.dispatchWaiting);
    const counts: Record<string, number> = {};
    const stale: string[] = [];
    for (const [ticket, value] of Object.entries(all)) {
      const cut = value.lastIndexOf('|');
      const capability = value.slice(0, cut);
      if (now - Number(value.slice(cut + 1)) > windowMs) stale.push(ticket);
      else counts[capability] = (counts[capability] ?? 0) + 1;
    }
    if (stale.length > 0) await this.redis.hdel(KEY.dispatchWaiting, ...stale);
    return counts;
  }
}
