import type { SessionJob } from '@nightshift/contracts';
import type { Ticket } from '@nightshift/domain';

import type { SessionDeps } from './session-deps';

/**
 * Thrown when this execution of a session job must not act on its tickets: they moved on without it
 * (`releaseClaims`: the run is over, its claims go) or a newer execution of the same job superseded it
 * (the claims, worktree and outcome belong to that one). Nothing is moved, spent or pushed either way.
 */
export class NotCurrent extends Error {
  override readonly name = 'NotCurrent';
  constructor(
    reason: string,
    readonly releaseClaims: boolean,
  ) {
    super(reason);
  }
}

/**
 * Why a session job should not run, or null. The router moves every ticket of a run to In Progress before
 * it enqueues the job, and only the run's own outcome moves them out: a job that finds a ticket elsewhere is
 * a redelivery of a run that already ended (or of one whose ticket went back to the queue).
 */
export function staleSession(tickets: Ticket[], inProgress: string): string | null {
  const moved = tickets.filter((t) => t.state !== inProgress);
  if (moved.length === 0) return null;
  return `stale delivery: ${moved.map((t) => `${t.key} is in "${t.state}"`).join(', ')}, not "${inProgress}"; nothing to do`;
}

/**
 * A stale delivery found its tickets already moved on. When a runner died between a ticket's move and the
 * event that says so, the stream would never account for that move: the redelivery appends it, once, marked
 * late. Only events since the job was routed are read (stream ids are times), so this stays cheap.
 */
export async function recordLateMoves(
  deps: Pick<SessionDeps, 'events' | 'host' | 'config'>,
  job: Pick<SessionJob, 'runId' | 'routedAt'>,
  tickets: Ticket[],
): Promise<void> {
  const { inReview, needsHuman } = deps.config.tracker.states;
  const moved = tickets.filter((t) => t.state === inReview || t.state === needsHuman);
  if (moved.length === 0) return;
  const since = Date.parse(job.routedAt ?? '');
  const recent = await deps.events.read(Number.isFinite(since) ? `${since - 1}-0` : '-');
  for (const ticket of moved) {
    if (recent.some((e) => e.type === 'ticket.moved' && e.ticket === ticket.key && e.detail?.['to'] === ticket.state))
      continue;
    await deps.events.append({
      type: 'ticket.moved',
      ticket: ticket.key,
      host: deps.host,
      run: job.runId,
      detail: { to: ticket.state, late: true },
    });
  }
}
