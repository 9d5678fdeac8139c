import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Tracker } from '@nightshift/tracker';
import { requestCancel, type EventLog, type SessionRegistry } from '@nightshift/state';

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
 * terminal state also removes the worktree, any other keeps it. Returns the runs asked to stop.
 */
export async function reconcileSessions(deps: ReconcileDeps): Promise<string[]> {
  const asked: string[] = [];
  for (const session of await deps.sessions.list()) {
    for (const key of session.tickets) {
      const ticket = await deps.tracker.getTicket(key);
      if (ticket && deps.activeStates.includes(ticket.state)) continue;
      const state = ticket?.state ?? '(deleted)';
      const reason = !ticket || deps.terminalStates.includes(state) ? 'terminal' : 'inactive';
      await requestCancel(deps.redis, { runId: session.runId, reason, state });
      deps.logger.info({ run: session.runId, ticket: key, state }, 'ticket left the active states; stopping its session');
      asked.push(session.runId);
      break;
    }
  }
  return asked;
}
