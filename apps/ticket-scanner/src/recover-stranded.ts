import type { Logger } from 'pino';
import type { Tracker } from '@nightshift/tracker';
import { KEY, type Claims, type EventLog } from '@nightshift/state';
import type { Redis } from 'ioredis';

export interface RecoverDeps {
  tracker: Tracker;
  claims: Claims;
  redis: Redis;
  events: EventLog;
  logger: Logger;
  inProgress: string;
  /** Where a stranded ticket goes back to (the first queue state). */
  queueState: string;
}

/**
 * Tickets Nightshift put In Progress whose claim is gone (no run renews it: the session job was lost,
 * e.g. BullMQ failed it as "stalled more than allowable limit" after repeated runner kills) go back
 * to the queue, so no ticket is stranded. Tickets Nightshift never launched are a human's: left alone.
 */
export async function recoverStranded(deps: RecoverDeps): Promise<string[]> {
  const recovered: string[] = [];
  for (const ticket of await deps.tracker.listByStates([deps.inProgress])) {
    if ((await deps.claims.holder(ticket.key)) !== null) continue;
    if ((await deps.redis.exists(KEY.launches(ticket.key))) === 0) continue;
    await deps.tracker.moveTo(ticket.key, deps.queueState);
    await deps.events.append({ type: 'ticket.moved', ticket: ticket.key, detail: { from: deps.inProgress, to: deps.queueState, reason: 'stranded: no run holds its claim' } });
    deps.logger.warn({ ticket: ticket.key }, 'ticket In Progress with no live claim; back to the queue');
    recovered.push(ticket.key);
  }
  return recovered;
}
