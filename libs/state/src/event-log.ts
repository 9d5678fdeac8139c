import type { Redis } from 'ioredis';
import { EVENTS_STREAM, type NightshiftEvent } from '@nightshift/contracts';

export interface StoredEvent extends NightshiftEvent {
  id: string;
}

/** The append-only stream of transitions, capped around `maxLen` entries. */
export class EventLog {
  constructor(
    private readonly redis: Redis,
    private readonly maxLen = 200_000,
  ) {}

  async append(event: Omit<NightshiftEvent, 'at'> & { at?: string }): Promise<string> {
    const full: NightshiftEvent = { ...event, at: event.at ?? new Date().toISOString() };
    const id = await this.redis.xadd(EVENTS_STREAM, 'MAXLEN', '~', String(this.maxLen), '*', 'event', JSON.stringify(full));
    return id ?? '';
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
    const res = (await this.redis.xread('BLOCK', blockMs, 'STREAMS', EVENTS_STREAM, afterId)) as
      | Array<[string, Array<[string, string[]]>]>
      | null;
    const entries = res?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => ({ id, ...(JSON.parse(fields[1] ?? '{}') as NightshiftEvent) }));
  }
}
