import type { EventLog } from '@nightshift/state';

/** Target state → ticket moves seen so far. */
export type TicketMoveCounts = Map<string, number>;

/**
 * Counts `ticket.moved` events by target state, reading the event stream incrementally from where
 * the last read stopped. A fresh counter (exporter restart) recounts the retained stream.
 */
export class TicketMoveCounter {
  private lastId = '-';
  private readonly counts: TicketMoveCounts = new Map();
  private reading?: Promise<TicketMoveCounts>;

  constructor(private readonly events: EventLog) {}

  read(): Promise<TicketMoveCounts> {
    this.reading ??= this.catchUp().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async catchUp(): Promise<TicketMoveCounts> {
    for (;;) {
      const batch = await this.events.read(this.lastId, 5000);
      for (const event of batch) {
        this.lastId = event.id;
        const to = event.detail?.['to'];
        if (event.type === 'ticket.moved' && typeof to === 'string')
          this.counts.set(to, (this.counts.get(to) ?? 0) + 1);
      }
      if (batch.length < 5000) return new Map(this.counts);
    }
  }
}
