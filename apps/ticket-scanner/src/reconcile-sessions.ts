import { type EventLog, requestCancelOnce, type SessionRegistry } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface ReconcileDeps {
  tracker: Tracker;
  sessions: SessionRegistry;
  redis: Redis;
  events: EventLog;
  logger: Logger;
  /** States in which a running session's ticket may stay (In Progress). */
  activeStates: string[];
  /** States that end a ticket (Done): its worktree is dropped too. */
  terminalStates: string[];
}

/**
 * Tickets a human moved out of the active states while their session runs (to Done, back to the
 * queue, to Needs Human): ask the runner holding the session to stop it. No attempt is spent; a
 * terminal state also removes the worktree, any other keeps it. Each run is asked once (see
 * requestCancelOnce), not again on every scan while it winds down. Returns the runs asked now.
 */
export async function reconcileSessions(deps: ReconcileDeps): Promise<string[]> {
  const asked: string[] = [];
  const sessions = await deps.sessions.list();
  const states = await currentStates(
    deps.tracker,
    sessions.flatMap((s) => s.tickets),
  );
  for (const session of sessions) {
    for (const key of session.tickets) {
      const state = states.get(key);
      if (state !== undefined && deps.activeStates.includes(state)) continue;
      const reason = state === undefined || deps.terminalStates.includes(state) ? 'terminal' : 'inactive';
      if (await requestCancelOnce(deps.redis, { runId: session.runId, reason, state: state ?? '(deleted)' })) {
        deps.logger.info(
          { run: session.runId, ticket: key, state: state ?? '(deleted)' },
          'ticket left the active states; stopping its session',
        );
        asked.push(session.runId);
      }
      break;
    }
  }
  return asked;
}

/** Each ticket's state (absent = deleted): one batched request where the tracker has one, else one read per ticket. */
async function currentStates(tracker: Tracker, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  if (tracker.statesOf) return tracker.statesOf(keys);
  const states = new Map<string, string>();
  for (const key of keys) {
    const ticket = await tracker.getTicket(key);
    if (ticket) states.set(key, ticket.state);
  }
  return states;
}
