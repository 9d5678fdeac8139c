import type { RunRecord } from '@nightshift/contracts';
import { Claims, EventLog, RunStore, type StoredEvent, TicketCounters } from '@nightshift/state';
import type { Redis } from 'ioredis';

/** How far back a ticket's history is looked up (recent runs and events; older ones are in `nightshift runs`/`events`). */
const RECENT_RUNS = 10_000;
const RECENT_EVENTS = 20_000;

export interface TicketDetail {
  key: string;
  /** The run that holds the ticket's claim now, if any. */
  claimedBy: string | null;
  attemptsSpent: number;
  runs: RunRecord[];
  prUrls: string[];
  costUsd: number;
  events: StoredEvent[];
}

/** Everything Nightshift knows about one ticket; null when it has never seen it. */
export async function ticketDetail(redis: Redis, key: string): Promise<TicketDetail | null> {
  const [runs, events, claimedBy, attemptsSpent] = await Promise.all([
    new RunStore(redis).list(RECENT_RUNS).then((all) => all.filter((r) => r.tickets.includes(key))),
    new EventLog(redis).recent(RECENT_EVENTS).then((all) => all.filter((e) => e.ticket === key)),
    new Claims(redis).holder(key),
    new TicketCounters(redis).attemptsSpent(key),
  ]);
  if (runs.length === 0 && events.length === 0 && claimedBy === null && attemptsSpent === 0) return null;
  return {
    key,
    claimedBy,
    attemptsSpent,
    runs,
    prUrls: [...new Set(runs.flatMap((r) => (r.prUrl ? [r.prUrl] : [])))],
    costUsd: runs.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
    events,
  };
}
