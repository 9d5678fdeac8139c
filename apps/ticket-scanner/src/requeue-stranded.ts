import type { NightshiftConfig } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';
import { commentThenMove, stateFor } from '@nightshift/domain';
import { type Claims, type EventLog, KEY, type SessionRegistry, type TicketCounters } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface StrandedDeps {
  config: NightshiftConfig;
  tracker: Tracker;
  redis: Redis;
  claims: Claims;
  sessions: SessionRegistry;
  counters: TicketCounters;
  events: EventLog;
  /** Every session queue: a ticket with a job waiting or running there is not stranded. */
  sessionQueues: Queue[];
  logger: Logger;
}

const PENDING = ['waiting', 'active', 'delayed', 'prioritized'] as const;

/**
 * Tickets Nightshift moved to In Progress that nothing works on any more (no live claim, no registered
 * session, no session job waiting or running: a router died between the move and the enqueue, or a job
 * was lost) go back to the queue after `routing.strandedAfterSec`, with one comment and an event. No
 * attempt is spent. Tickets Nightshift never dispatched, or last moved somewhere else (a ticket it gave up on
 * that a human then took In Progress), are a human's own work and are left alone.
 */
export async function requeueStranded(deps: StrandedDeps, nowMs = Date.now()): Promise<string[]> {
  const states = deps.config.tracker.states;
  const inProgress = await deps.tracker.listByStates([states.inProgress]);
  if (inProgress.length === 0) return [];
  const busy = new Set((await deps.sessions.list()).flatMap((s) => s.tickets));
  for (const queue of deps.sessionQueues) {
    for (const job of await queue.getJobs([...PENDING], 0, 5000))
      for (const t of (job?.data as SessionJob | undefined)?.tickets ?? []) busy.add(t);
  }
  const requeued: string[] = [];
  for (const ticket of inProgress) {
    const mark = KEY.stranded(ticket.key);
    if (!(await ourInProgress(deps, ticket.key)) || busy.has(ticket.key) || (await deps.claims.holder(ticket.key))) {
      await deps.redis.del(mark);
      continue;
    }
    await deps.redis.set(mark, String(nowMs), 'NX');
    const since = Number(await deps.redis.get(mark));
    const strandedMs = nowMs - since;
    if (strandedMs < deps.config.routing.strandedAfterSec * 1000) continue;
    // Several scanners may see it at once: one of them acts.
    if (!(await deps.counters.once(`stranded:${ticket.key}:${since}`))) continue;
    const seconds = Math.round(strandedMs / 1000);
    const note = `Nightshift put this ticket back in the queue: it was In Progress for ${seconds}s with no session working on it (a service stopped between claiming it and starting the session). No attempt was spent.`;
    await commentThenMove(deps.tracker, ticket.key, note, stateFor('back_to_queue', states)!);
    await deps.events.append({
      type: 'ticket.requeued',
      ticket: ticket.key,
      detail: { from: states.inProgress, to: states.queue[0]!, strandedSec: seconds },
    });
    await deps.redis.del(mark);
    deps.logger.warn({ ticket: ticket.key, strandedSec: seconds }, 'stranded ticket back in the queue');
    requeued.push(ticket.key);
  }
  return requeued;
}

/**
 * Whether Nightshift is the one that put the ticket In Progress: it launched it once, and the last move it
 * recorded is to In Progress. No recorded move at all (a router killed between its move and the event) counts
 * as Nightshift's: the launch says it dispatched the ticket and nothing says it let go of it since.
 */
async function ourInProgress(deps: StrandedDeps, ticket: string): Promise<boolean> {
  if ((await deps.redis.exists(KEY.launches(ticket))) !== 1) return false;
  const placed = await deps.events.placedByNightshift(ticket);
  return placed === null || placed === deps.config.tracker.states.inProgress;
}
