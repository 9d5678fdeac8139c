import { EVENTS_STREAM, type NightshiftEvent } from '@nightshift/contracts';
import type { Redis } from 'ioredis';

import { KEY } from './keys';

/** The events that record a move Nightshift made, with the state it moved the ticket to in `detail.to`. */
const MOVES = new Set(['ticket.moved', 'ticket.requeued']);

export interface StoredEvent extends NightshiftEvent {
  id: string;
}

/** The append-only stream of transitions, capped around `maxLen` entries. */
export class EventLog {
  constructor(
    private readonly redis: Redis,
    private readonly maxLen = 200_000,
  ) {}

  /**
   * Appends one event. A move Nightshift made (`ticket.moved`, `ticket.requeued`) also records, in the same
   * transaction, where Nightshift put the ticket: a ticket found elsewhere later was moved by a human.
   */
  async append(event: Omit<NightshiftEvent, 'at'> & { at?: string }): Promise<string> {
    const full: NightshiftEvent = { ...event, at: event.at ?? new Date().toISOString() };
    const to = MOVES.has(full.type) ? full.detail?.['to'] : undefined;
    const tx = this.redis.multi();
    if (typeof to === 'string' && full.ticket) tx.set(KEY.placedBy(full.ticket), to);
    tx.xadd(EVENTS_STREAM, 'MAXLEN', '~', String(this.maxLen), '*', 'event', JSON.stringify(full));
    const results = await tx.exec();
    const [err, id] = results?.[results.length - 1] ?? [new Error('event append: transaction aborted'), null];
    if (err) throw err;
    return (id as string | null) ?? '';
  }

  /**
   * The state Nightshift last moved `ticket` to, or null when no move of it was recorded. Compared with the
   * ticket's state now, it tells a human's move from Nightshift's own (the stranded sweep, the infra retry).
   */
  async placedByNightshift(ticket: string): Promise<string | null> {
    return this.redis.get(KEY.placedBy(ticket));
  }

  /** Events after `afterId` (exclusive; '-' for the start), oldest first. */
  async read(afterId = '-', count = 10_000): Promise<StoredEvent[]> {
    const start = afterId === '-' ? '-' : `(${afterId}`;
    const entries = await this.redis.xrange(EVENTS_STREAM, start, '+', 'COUNT', count);
    return entries.map(([id, fields]) => ({ id, ...(JSON.parse(fields[1] ?? '{}') as NightshiftEvent) }));
  }

  /** The most recent `count` events, oldest first. */
  async recent(count: number): Promise<StoredEvent[]> {
    const entries = await this.redis.xrevrange(EVENTS_STREAM, '+', '-', 'COUNT', count);
    return entries.reverse().map(([id, fields]) => ({ id, ...(JSON.parse(fields[1] ?? '{}') as NightshiftEvent) }));
  }

  /** Blocks up to `blockMs` for events after `afterId` ('$' = only new ones). Needs a dedicated connection. */
  async follow(afterId: string, blockMs: number): Promise<StoredEvent[]> {
    const res = (await this.redis.xread('BLOCK', blockMs, 'STREAMS', EVENTS_STREAM, afterId)) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    const entries = res?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => ({ id, ...(JSON.parse(fields[1] ?? '{}') as NightshiftEvent) }));
  }
}
